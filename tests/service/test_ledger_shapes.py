"""The quota ledger's rows are dataclasses and their JSON form is typed
(``service.reports.shapes``): every figure of a row is in its JSON form, in the order of the
row's fields, as the API, the command line and the CSV have always read it."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from service.reports.shapes import (
    IncompleteEmployer,
    IncompleteJson,
    LedgerRow,
    LedgerRowJson,
    Outcomes,
    QuotaLedger,
    Retention,
    RetentionJson,
    VacancyWindow,
    WindowJson,
)

ROW = LedgerRow(
    level="district", key="471010000", region_kato="470000000", district_kato="471010000",
    employer_name=None, quota_vacancies=4, quota_slots=9, open_quota_vacancies=3,
    windows_open=2, days_left=17, referred=6, hired=3, fulfilled=2, hired_outside_quota=1,
    obligation=12, incomplete=1, referrals_open=2, expired_no_answer=1,
    median_days_to_answer=4.5, quota_slots_in_window=5,
)  # fmt: skip
LEDGER = QuotaLedger(
    today=date(2027, 1, 27),
    kato="47",
    rows=[ROW],
    windows=[
        VacancyWindow(
            "V1", "123456789012", "471010000", 2, "open", date(2026, 9, 1), date(2027, 3, 1), 3
        )
    ],
    outcomes=Outcomes(40, 12, 51.0, [Retention(3, 10, 7), Retention(6, 0, 0)]),
    incomplete=[IncompleteEmployer("123456789012", "ТОО Пример", "471010000", "stub")],
)


def _as_before(ledger: QuotaLedger, lang: str) -> dict[str, Any]:
    """The JSON form as it was written before it was typed: the dataclasses as dicts."""
    outcomes = ledger.outcomes
    assert outcomes is not None
    return {
        "as_of": ledger.today.isoformat(),
        "kato": ledger.kato,
        "area": ledger.area(lang),
        "rows": [
            {**asdict(row), "name": row.name(lang), "fulfilment_rate": row.fulfilment_rate}
            for row in ledger.rows
        ],
        "windows": [asdict(window) for window in ledger.windows],
        "incomplete": [asdict(employer) for employer in ledger.incomplete],
        "outcomes": {
            "released": outcomes.released,
            "hired": outcomes.hired,
            "median_days_to_hire": outcomes.median_days_to_hire,
            "retention": [{**asdict(r), "rate": r.rate} for r in outcomes.retention],
        },
    }


def test_the_json_form_is_the_one_read_before() -> None:
    for lang in ("ru", "kk", "en"):
        now = json.dumps(LEDGER.as_dict(lang), ensure_ascii=False, default=str)
        assert now == json.dumps(_as_before(LEDGER, lang), ensure_ascii=False, default=str)


def test_every_field_of_a_row_is_in_its_json_form_in_order() -> None:
    pairs = [
        (LedgerRow, LedgerRowJson, ["name", "fulfilment_rate"]),
        (VacancyWindow, WindowJson, []),
        (IncompleteEmployer, IncompleteJson, []),
        (Retention, RetentionJson, ["rate"]),
    ]
    for shape, typed, derived in pairs:
        assert list(typed.__annotations__) == [f.name for f in fields(shape)] + derived, shape
