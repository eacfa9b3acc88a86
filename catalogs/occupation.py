"""Occupation codes of imported rows: an ISCO-08 unit group, or an occupation of Kazakhstan's
classifier (NKZ, NK RK 01-2017), which employers and the register of labour contracts use.

An NKZ code is kept as written and its ISCO-08 unit group is derived, so that the engine
reads ISCO-08 whichever was given. NKZ's own 4-digit groups are not ISCO-08 codes: the unit
group comes from the classifier's crosswalk (``catalogs.reference.classifiers``), never from
the code's first digits.
"""

from __future__ import annotations

from collections.abc import Iterator

from catalogs.fields import is_nkz_code
from catalogs.known import is_occupation, isco_of_nkz
from catalogs.schema import Problem, Record


def isco_of(code: str) -> str | None:
    """The ISCO-08 unit group of ``code``: itself for an ISCO-08 code, the crosswalk's for an
    NKZ one (None when NKZ's occupation has no ISCO-08 unit group in the shipped table)."""
    if not is_nkz_code(code):
        return code
    found = isco_of_nkz(code)
    return found if found is not None and is_occupation(found) else None


def vacancy_occupation(record: Record) -> Iterator[Problem]:
    """A row check: ``occupation_code`` given as NKZ moves to ``occupation_nkz`` and its
    ISCO-08 unit group takes its place."""
    code = record.get("occupation_code")
    record["occupation_nkz"] = None
    if code is not None and is_nkz_code(code):
        record["occupation_nkz"] = code
        record["occupation_code"] = isco_of(code)
    yield from ()


def course_occupations(record: Record) -> Iterator[Problem]:
    """A row check: each NKZ code of ``occupation_codes`` becomes its ISCO-08 unit group (the
    courses a person's occupation leads to are found by ISCO-08)."""
    codes = record.get("occupation_codes") or []
    record["occupation_codes"] = list(
        dict.fromkeys(found for code in codes if (found := isco_of(code)) is not None)
    )
    yield from ()
