"""matcher: ranks quota vacancies, courses and adaptation centres for people leaving prison.

The names below are the engine's public API: the service imports these, not the modules
behind them (``matcher.rank`` is the public API of the rankers, for training). They load on
first use, so that a command that needs none of them starts without numpy or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from matcher import plan as plan
    from matcher.allocate import Allocation as Allocation
    from matcher.allocate import allocate as allocate_cohort
    from matcher.allocate import scarce as scarce
    from matcher.congestion import WINDOW_DAYS as CONGESTION_WINDOW_DAYS
    from matcher.congestion import Congestion as Congestion
    from matcher.eligibility import quota_window_end as quota_window_end
    from matcher.engine import KINDS as KINDS
    from matcher.engine import Engine as Engine
    from matcher.engine import Ranker as Ranker
    from matcher.engine import Recommendation as Recommendation
    from matcher.engine import Why as Why
    from matcher.explain import Reason as Reason
    from matcher.features.pairs import FEATURES as FEATURES
    from matcher.features.pairs import PersonView as PersonView
    from matcher.index import TITLE_CUTOFF as TITLE_CUTOFF
    from matcher.index import PersonIndex as PersonIndex
    from matcher.index import person_codes as person_codes
    from matcher.profile import Course as Course
    from matcher.profile import Person as Person
    from matcher.profile import Shelter as Shelter
    from matcher.profile import Vacancy as Vacancy
    from matcher.reader import Code as Code
    from matcher.reader import Reading as Reading
    from matcher.reader import title_reader as title_reader
    from matcher.text import OccupationMatch as OccupationMatch
    from matcher.text import OccupationMatcher as OccupationMatcher
    from matcher.text import occupation_matcher as occupation_matcher

_EXPORTS = {
    "Allocation": ("matcher.allocate", "Allocation"),
    "allocate_cohort": ("matcher.allocate", "allocate"),
    "scarce": ("matcher.allocate", "scarce"),
    "Congestion": ("matcher.congestion", "Congestion"),
    "CONGESTION_WINDOW_DAYS": ("matcher.congestion", "WINDOW_DAYS"),
    "KINDS": ("matcher.engine", "KINDS"),
    "Engine": ("matcher.engine", "Engine"),
    "Ranker": ("matcher.engine", "Ranker"),
    "Recommendation": ("matcher.engine", "Recommendation"),
    "Why": ("matcher.engine", "Why"),
    "quota_window_end": ("matcher.eligibility", "quota_window_end"),
    "Reason": ("matcher.explain", "Reason"),
    "FEATURES": ("matcher.features.pairs", "FEATURES"),
    "PersonView": ("matcher.features.pairs", "PersonView"),
    "PersonIndex": ("matcher.index", "PersonIndex"),
    "TITLE_CUTOFF": ("matcher.index", "TITLE_CUTOFF"),
    "person_codes": ("matcher.index", "person_codes"),
    "Course": ("matcher.profile", "Course"),
    "Person": ("matcher.profile", "Person"),
    "Shelter": ("matcher.profile", "Shelter"),
    "Vacancy": ("matcher.profile", "Vacancy"),
    "Code": ("matcher.reader", "Code"),
    "Reading": ("matcher.reader", "Reading"),
    "title_reader": ("matcher.reader", "title_reader"),
    "OccupationMatch": ("matcher.text", "OccupationMatch"),
    "OccupationMatcher": ("matcher.text", "OccupationMatcher"),
    "occupation_matcher": ("matcher.text", "occupation_matcher"),
    "plan": ("matcher.plan", None),
}
__all__ = [
    "CONGESTION_WINDOW_DAYS",
    "FEATURES",
    "KINDS",
    "TITLE_CUTOFF",
    "Allocation",
    "Code",
    "Congestion",
    "Course",
    "Engine",
    "OccupationMatch",
    "OccupationMatcher",
    "Person",
    "PersonIndex",
    "PersonView",
    "Ranker",
    "Reading",
    "Reason",
    "Recommendation",
    "Shelter",
    "Vacancy",
    "Why",
    "__version__",
    "allocate_cohort",
    "occupation_matcher",
    "person_codes",
    "plan",
    "quota_window_end",
    "scarce",
    "title_reader",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}") from None
    loaded = importlib.import_module(module)
    return loaded if attribute is None else getattr(loaded, attribute)
