"""The employers format and the quota obligation it lets the ledger compute."""

from __future__ import annotations

from datetime import date

import pytest

from catalogs.kinds import KINDS, schema_for
from catalogs.law import quota_obligation
from tests.factories import bin_number

SCHEMA = schema_for("employers", today=date(2026, 3, 1))


@pytest.mark.parametrize(
    ("headcount", "percent", "jobs"),
    [
        (140, 2.5, 4),  # 3.5 is rounded half up
        (100, 2.5, 3),  # 2.5 -> 3
        (100, 2.4, 2),  # 2.4 -> 2
        (50, 3, 2),  # 1.5 -> 2
        (1000, 2.5, 25),
        (20, 2, 1),  # 0.4 of a job: at least one when there is a quota
        (1, 0.5, 1),
        (30, 1.5, 1),  # 0.45: floating point must not make it 0.44999...
        (70, 1.5, 1),  # 1.05
        (90, 1.5, 1),  # 1.35
        (110, 1.5, 2),  # 1.65
        (300, 0.15, 1),  # 0.45 -> 0 by rounding, 1 by the floor
        (0, 3, 0),  # nobody on the list: nothing owed
        (250, 0, 0),  # no quota
        (0, 0, 0),
    ],
)
def test_quota_obligation_rounds_half_up_with_a_floor_of_one(
    headcount: int, percent: float, jobs: int
) -> None:
    assert quota_obligation(headcount, percent) == jobs


def test_quota_obligation_halves_are_exact() -> None:
    # 0.1 + 0.2 style binary errors: 2.675 % of 200 is 5.35 exactly, 70 % of 5 is 3.5
    assert quota_obligation(200, 2.675) == 5
    assert quota_obligation(5, 70) == 4
    assert quota_obligation(10, 35) == 4  # 3.5 -> 4
    assert quota_obligation(10, 25) == 3  # 2.5 -> 3


def test_quota_obligation_is_unknown_without_both_figures() -> None:
    assert quota_obligation(None, 2.5) is None
    assert quota_obligation(140, None) is None
    assert quota_obligation(None, None) is None
    with pytest.raises(ValueError, match="negative"):
        quota_obligation(-1, 2)


def test_employers_is_an_import_kind() -> None:
    assert "employers" in KINDS
    assert SCHEMA.key == ("employer_bin",)
    assert set(SCHEMA.required) == {"employer_bin", "name"}
    assert {"headcount", "quota_percent", "quota_year", "phone", "email", "lang"} <= set(
        SCHEMA.columns
    )


def test_a_full_row_and_defaults() -> None:
    record, problems = SCHEMA.parse(
        {
            "employer_bin": bin_number(1),
            "name": "  ТОО  «Береке» ",
            "oked": "41201",
            "region": "Маңғыстау облысы",
            "locality": "Актау",
            "headcount": "1 250",
            "quota_percent": "2,5",
            "quota_year": 2026,
            "email": "kadry@bereke.kz",
            "lang": "KK",
        }
    )
    assert problems == []
    assert record["name"] == "ТОО «Береке»"
    assert record["kato"].startswith("47")
    assert (record["headcount"], record["quota_percent"], record["quota_year"]) == (1250, 2.5, 2026)
    assert record["lang"] == "kk"
    assert "region" not in record
    minimal, problems = SCHEMA.parse({"employer_bin": bin_number(2), "name": "ИП «Ахметов»"})
    assert problems == []
    assert minimal["lang"] == "ru"
    assert minimal["kato"] is None
    assert minimal["headcount"] is None


@pytest.mark.parametrize(
    "address",
    ["hr@bereke.kz", "a.b-c+hr@mail.ru", "отдел@компания.қаз", "HR@Bereke.KZ", "x@sub.domain.com"],
)
def test_plausible_emails(address: str) -> None:
    record, problems = SCHEMA.parse({"employer_bin": bin_number(3), "name": "x", "email": address})
    assert problems == []
    assert record["email"] == address


@pytest.mark.parametrize(
    "address",
    ["hr", "hr@", "@bereke.kz", "hr@bereke", "hr@@bereke.kz", "h r@bereke.kz", "hr@bereke.k",
     "hr@.kz", "hr.@bereke.kz", "hr@bereke..kz", "hr@bereke.kz;boss@bereke.kz", "hr@-a.kz"],
)  # fmt: skip
def test_implausible_emails(address: str) -> None:
    _, problems = SCHEMA.parse({"employer_bin": bin_number(3), "name": "x", "email": address})
    assert [(p.column, p.code) for p in problems] == [("email", "bad_email")]


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("employer_bin", "150340000100", "bad_checksum"),
        ("employer_bin", "15034000010", "expected_12_digits"),
        ("headcount", "-3", "below_minimum"),
        ("headcount", "12.5", "expected_integer"),
        ("quota_percent", "100.01", "above_maximum"),
        ("quota_percent", "-1", "below_minimum"),
        ("quota_percent", "два", "expected_number"),
        ("quota_year", "1999", "below_minimum"),
        ("quota_year", "2101", "above_maximum"),
        ("lang", "en", "not_one_of"),
        ("oked", "4", "expected_oked"),
        ("kato", "999999999", "unknown_kato"),
    ],
)
def test_bad_values(column: str, value: str, code: str) -> None:
    row = {"employer_bin": bin_number(4), "name": "ТОО «Береке»", column: value}
    _, problems = SCHEMA.parse(row)
    assert [(p.column, p.code) for p in problems] == [(column, code)]
