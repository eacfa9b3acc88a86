"""matcher: ranks quota vacancies, courses and adaptation centres for people leaving prison."""

__version__ = "0.1.0"
