"""Indexes that make shortlists fast at national scale: columns of numbers for every item, and
buckets of item positions by occupation and region, so that a query touches only the items
that could fit and scores them with array arithmetic before the exact features are computed.

One module per catalog (``vacancies``, ``courses``, ``shelters``, ``persons``) and what they
share (``buckets``).
"""

from __future__ import annotations

from matcher.index.buckets import NO_CODE, TITLE_CUTOFF, Positions, offence_bit
from matcher.index.courses import CourseIndex
from matcher.index.persons import PersonIndex, person_codes
from matcher.index.shelters import ShelterIndex
from matcher.index.vacancies import VacancyIndex, occupation_prescore

__all__ = [
    "NO_CODE",
    "TITLE_CUTOFF",
    "CourseIndex",
    "PersonIndex",
    "Positions",
    "ShelterIndex",
    "VacancyIndex",
    "occupation_prescore",
    "offence_bit",
    "person_codes",
]
