"""Small builders of exchange-format rows and files for tests."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from catalogs.identifiers import complete

AKTAU = "471010000"
KOKSHETAU = "111010000"
_serial = itertools.count(1)


def bin_number(serial: int | None = None) -> str:
    """A valid BIN of a legal entity registered in March 2015."""
    serial = next(_serial) if serial is None else serial
    for attempt in range(10):
        number = complete(f"150340{(serial * 10 + attempt) % 100_000:05d}")
        if number is not None:
            return number
    raise AssertionError("no valid BIN")


def iin_number(birth: str = "900101", sex_digit: int = 3, serial: int = 1) -> str:
    """A valid IIN: birth date YYMMDD, century/sex digit (3 man, 4 woman of the 1900s)."""
    for attempt in range(20):
        number = complete(f"{birth}{sex_digit}{(serial * 20 + attempt) % 10_000:04d}")
        if number is not None:
            return number
    raise AssertionError("no valid IIN")


def vacancy(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "vacancy_id": f"V{n:05d}",
        "employer_bin": bin_number(7),
        "employer_name": "ТОО «Каспий Строй»",
        "title": "Электрогазосварщик 5 разряда",
        "occupation_code": "7212",
        "skills": "сварка;чтение чертежей",
        "education_min": "vocational",
        "kato": AKTAU,
        "salary_kzt": "450000",
        "is_quota": "true",
        "quota_slots": "2",
        "quota_from": "2026-09-01",
        "employment_type": "shift",
    }
    row.update(overrides)
    return row


def person(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_id": f"P{n:05d}",
        "iin": iin_number(serial=n),
        "full_name": "Тестов Тест Тестович",
        "birth_year": "1990",
        "sex": "m",
        "kato": KOKSHETAU,
        "status": "in_custody",
        "release_date": "2027-02-20",
        "institution": "ЕЦ-166/23",
        "education": "general_secondary",
        "professions": "сварщик",
        "offence_category": "property",
        "need_housing": "true",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> bytes:
    rows = list(rows)
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
