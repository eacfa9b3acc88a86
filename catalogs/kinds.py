"""The six exchange formats by name, as ``matcher import KIND`` and ``/imports/{kind}`` know them."""

from __future__ import annotations

from datetime import date
from typing import Final

from catalogs.courses.schema import SCHEMA as COURSES
from catalogs.employers.schema import SCHEMA as EMPLOYERS
from catalogs.outcomes import schema as outcomes
from catalogs.persons import schema as persons
from catalogs.schema import Schema
from catalogs.shelters.schema import SCHEMA as SHELTERS
from catalogs.vacancies.schema import SCHEMA as VACANCIES

KINDS: Final = ("employers", "vacancies", "courses", "shelters", "persons", "outcomes")


def schema_for(kind: str, *, today: date) -> Schema:
    """The schema of ``kind``; dates (release, events) are checked against ``today``."""
    if kind == "employers":
        return EMPLOYERS
    if kind == "vacancies":
        return VACANCIES
    if kind == "courses":
        return COURSES
    if kind == "shelters":
        return SHELTERS
    if kind == "persons":
        return persons.schema(today=today)
    if kind == "outcomes":
        return outcomes.schema(today=today)
    raise KeyError(kind)
