"""Training courses: Enbek, Atameken, colleges, MOOCs (CONTRACT.md, ``courses``)."""

from __future__ import annotations

from collections.abc import Iterator

from catalogs import enums
from catalogs.fields import (
    Field,
    boolean,
    choice,
    identifier,
    integer,
    iso_date,
    list_of,
    occupation_code,
    text,
)
from catalogs.known import is_nkz_occupation, is_occupation
from catalogs.location import resolve_location
from catalogs.occupation import course_occupations
from catalogs.schema import LOCATION_FIELDS, Problem, Record, Schema


def _offline_needs_place(record: Record) -> Iterator[Problem]:
    """A course held in a classroom must say where; an online one may not."""
    if record["format"] != "online" and record["kato"] is None:
        yield Problem("kato", "offline_needs_location")


SCHEMA = Schema(
    kind="courses",
    key=("course_id",),
    fields=(
        Field("course_id", identifier, required=True),
        Field("programme", choice(enums.PROGRAMMES), required=True),
        Field("provider", text(300)),
        Field("title", text(300), required=True),
        Field("skills", list_of(text(120)), default=()),
        Field(
            "occupation_codes",
            list_of(occupation_code(is_occupation, is_nkz_occupation)),
            default=(),
        ),
        Field("format", choice(enums.COURSE_FORMATS), default="offline"),
        Field("languages", list_of(choice(enums.LANGUAGES)), default=("ru",)),
        Field("hours", integer(1, 10_000)),
        *LOCATION_FIELDS,
        Field("education_min", choice(enums.EDUCATION_LEVELS), default="none"),
        Field("seats", integer(0, 100_000)),
        Field("starts_on", iso_date),
        Field("cost_kzt", integer(0, 100_000_000), default=0),
        Field("available_in_custody", boolean, default=False),
        Field("url", text(1000)),
    ),
    checks=(resolve_location(required=False), _offline_needs_place, course_occupations),
    accepted_only=frozenset({"region", "locality"}),
)
