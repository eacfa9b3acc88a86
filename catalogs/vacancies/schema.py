"""Quota and ordinary vacancies (CONTRACT.md, ``vacancies``)."""

from __future__ import annotations

from collections.abc import Iterator

from catalogs import enums
from catalogs.fields import (
    Field,
    boolean,
    choice,
    digits12,
    identifier,
    integer,
    iso_date,
    list_of,
    number,
    occupation_code,
    pattern,
    text,
)
from catalogs.known import is_nkz_occupation, is_occupation
from catalogs.location import resolve_location
from catalogs.occupation import vacancy_occupation
from catalogs.schema import LOCATION_FIELDS, Problem, Record, Schema


def _quota(record: Record) -> Iterator[Problem]:
    """A quota vacancy needs slots and the start of its 6-month offer window."""
    if record["is_quota"]:
        if not record["quota_slots"]:
            yield Problem("quota_slots", "quota_needs_slots")
        if record["quota_from"] is None:
            yield Problem("quota_from", "quota_needs_window")
    elif record["quota_slots"]:
        yield Problem("quota_slots", "slots_without_quota")


SCHEMA = Schema(
    kind="vacancies",
    key=("vacancy_id",),
    fields=(
        Field("vacancy_id", identifier, required=True),
        Field("employer_bin", digits12("bin"), required=True),
        Field("employer_name", text(300)),
        Field("employer_oked", pattern(r"\d{2}(\d{1,3})?", "expected_oked", 5)),
        Field("title", text(300), required=True),
        Field("occupation_code", occupation_code(is_occupation, is_nkz_occupation)),
        Field("skills", list_of(text(120)), default=()),
        Field("description", text(4000)),
        Field("education_min", choice(enums.EDUCATION_LEVELS), default="none"),
        Field("experience_min_years", number(0, 50), default=0.0),
        *LOCATION_FIELDS,
        Field("salary_kzt", integer(0, 100_000_000)),
        Field("is_quota", boolean, default=False),
        Field("quota_slots", integer(0, 10_000), default=0),
        Field("quota_from", iso_date),
        Field("excluded_offences", list_of(choice(enums.OFFENCE_CATEGORIES)), default=()),
        Field("provides_housing", boolean, default=False),
        Field("employment_type", choice(enums.EMPLOYMENT_TYPES), default="full"),
        Field("status", choice(enums.VACANCY_STATUSES), default="open"),
    ),
    checks=(resolve_location(required=True), _quota, vacancy_occupation),
    accepted_only=frozenset({"region", "locality"}),
)
