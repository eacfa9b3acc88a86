"""The quota ledger."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import (
    BaseModel,
)


class QuotaRowOut(BaseModel):
    """One line of the quota ledger (every figure is defined in docs/reports.md)."""

    level: Literal["total", "region", "district", "employer"]
    key: str
    name: str
    region_kato: str | None
    district_kato: str | None
    employer_name: str | None
    quota_vacancies: int
    quota_slots: int
    open_quota_vacancies: int
    windows_open: int
    days_left: int | None
    referred: int
    hired: int
    fulfilled: int
    fulfilment_rate: float | None
    hired_outside_quota: int
    obligation: int | None
    incomplete: int
    referrals_open: int
    expired_no_answer: int
    median_days_to_answer: float | None
    quota_slots_in_window: int


class QuotaWindowOut(BaseModel):
    vacancy_id: str
    employer_bin: str
    district_kato: str
    quota_slots: int
    status: str
    quota_from: date
    window_end: date
    days_left: int


class IncompleteEmployerOut(BaseModel):
    """An employer counted in the ledger whose quota obligation is not known, and why
    (``no_record``, ``stub``, ``other_year``, ``no_headcount``, ``no_percent``)."""

    employer_bin: str
    name: str
    district_kato: str
    reason: Literal["no_record", "stub", "other_year", "no_headcount", "no_percent"]


class RetentionOut(BaseModel):
    months: int
    judged: int
    kept: int
    rate: float | None


class QuotaOutcomesOut(BaseModel):
    released: int
    hired: int
    median_days_to_hire: float | None
    retention: list[RetentionOut]


class QuotaLedgerOut(BaseModel):
    """The quota ledger of an area. Employers get only their own rows, windows and entry of
    ``incomplete``, and no outcome indicators (``outcomes`` is null)."""

    as_of: date
    kato: str | None
    area: str
    rows: list[QuotaRowOut]
    windows: list[QuotaWindowOut]
    incomplete: list[IncompleteEmployerOut]
    outcomes: QuotaOutcomesOut | None
