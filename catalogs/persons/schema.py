"""People served: in custody, released, on probation (CONTRACT.md, ``persons``).

The IIN and the offence category are sensitive: this module only validates them; the service
stores them protected and never shows them to employers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

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
    text,
)
from catalogs.location import resolve_location
from catalogs.schema import LOCATION_FIELDS, Problem, Record, RowCheck, Schema

_SEX_ALIASES = {
    "м": "m",
    "ж": "f",
    "male": "m",
    "female": "f",
    "муж": "m",
    "жен": "f",
    "ер": "m",
    "әйел": "f",
}
_CENTURY_SEX = {
    1: (1800, "m"),
    2: (1800, "f"),
    3: (1900, "m"),
    4: (1900, "f"),
    5: (2000, "m"),
    6: (2000, "f"),
}


def _iin_agrees(record: Record) -> Iterator[Problem]:
    """The IIN encodes the birth date and sex (7th digit); they must match the row."""
    iin = record["iin"]
    if iin is None or int(iin[6]) not in _CENTURY_SEX:
        return  # foreign citizens' IINs carry no century digit
    century, sex = _CENTURY_SEX[int(iin[6])]
    year = century + int(iin[:2])
    try:
        date(year, int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        yield Problem("iin", "iin_bad_birth_date")
        return
    if record["birth_year"] is not None and record["birth_year"] != year:
        yield Problem("iin", "iin_birth_year_mismatch", {"year": year})
    if record["sex"] is not None and record["sex"] != sex:
        yield Problem("iin", "iin_sex_mismatch")
    if record["birth_year"] is None:
        record["birth_year"] = year
    if record["sex"] is None:
        record["sex"] = sex


def _status_agrees(today: date) -> RowCheck:
    """Probation kind and release date must fit the status. A person still recorded in
    custody after the release date is recorded released from that day."""

    def check(record: Record) -> Iterator[Problem]:
        status, kind, released = record["status"], record["probation_kind"], record["release_date"]
        if status == "in_custody" and released is not None and released < today:
            # the institution's data lag behind: released on that day (docs/referrals.md)
            status = record["status"] = "released"
            if kind in (None, "penitentiary"):
                kind = record["probation_kind"] = "post_penitentiary"
        kinds = enums.STATUS_PROBATION_KINDS[status]
        if kind is None:
            record["probation_kind"] = kinds[0]
        elif kind not in kinds:
            yield Problem("probation_kind", "kind_does_not_fit_status", {"status": status})
        if released is not None and status == "released" and released > today:
            yield Problem("release_date", "release_date_in_future")
        if record["birth_year"] is not None and record["birth_year"] > today.year - 14:
            yield Problem("birth_year", "too_young", {"year": record["birth_year"]})

    return check


def schema(*, today: date) -> Schema:
    """The persons format, with date checks against ``today``."""
    return Schema(
        kind="persons",
        key=("person_id",),
        fields=(
            Field("person_id", identifier, required=True),
            Field("iin", digits12("iin")),
            Field("full_name", text(300)),
            Field("birth_year", integer(1920, today.year)),
            Field("sex", choice(enums.SEXES, _SEX_ALIASES)),
            *LOCATION_FIELDS,
            Field("status", choice(enums.PERSON_STATUSES), required=True),
            Field("probation_kind", choice(enums.PROBATION_KINDS)),
            Field("release_date", iso_date),
            Field("institution", text(200)),
            Field("education", choice(enums.EDUCATION_LEVELS)),
            Field("professions", list_of(text(200)), default=()),
            Field("skills", list_of(text(120)), default=()),
            Field("experience_years", number(0, 60), default=0.0),
            Field("languages", list_of(choice(enums.LANGUAGES)), default=()),
            Field("has_driving_licence", boolean, default=False),
            Field("need_housing", boolean, default=False),
            Field("need_documents", boolean, default=False),
            Field("need_medical_commission", boolean, default=False),
            Field("need_psychological", boolean, default=False),
            Field("need_addiction_treatment", boolean, default=False),
            Field("need_legal_aid", boolean, default=False),
            Field("has_disability", boolean, default=False),
            Field("civil_claim_kzt", integer(0, 10_000_000_000), default=0),
            Field("family_ties", choice(enums.FAMILY_TIES)),
            Field("offence_category", choice(enums.OFFENCE_CATEGORIES)),
            Field("wants_training", boolean, default=False),
            Field("relocation_ok", boolean, default=False),
            Field("max_commute_km", number(0, 2000), default=30.0),
            Field("consent_employer_view", boolean, default=False),
        ),
        checks=(resolve_location(required=True), _iin_agrees, _status_agrees(today)),
        accepted_only=frozenset({"region", "locality"}),
    )
