"""Employers' records and their standing against the quota."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

ObligationUnknown = Literal["stub", "other_year", "no_headcount", "no_percent"]
"""Why an employer's obligation is not known (docs/reports.md, "Incomplete")."""


class OpenWindowOut(BaseModel):
    """A quota vacancy whose 6-month offer window runs on the day asked about."""

    vacancy_id: str
    quota_slots: int
    quota_from: date
    window_end: date
    """The window's last day."""
    days_left: int


class EmployerOut(BaseModel):
    """An employer's record (CONTRACT.md ``employers``) with its quota standing on ``as_of``
    (figures defined in docs/reports.md). Only staff and the employer itself get an answer."""

    employer_bin: str
    name: str
    oked: str | None
    kato: str | None
    region_kato: str | None
    headcount: int | None
    quota_percent: float | None
    quota_year: int | None
    phone: str | None
    email: str | None
    lang: str
    is_stub: bool
    """Made by a vacancies import from a vacancy (a name and a place): no quota figures yet."""
    as_of: date
    obligation: int | None
    """Jobs owed in ``as_of``'s year: headcount × quota_percent / 100, half up, at least 1 when
    both are positive; null when unknown (``obligation_unknown`` says why)."""
    obligation_unknown: ObligationUnknown | None
    slots_offered: int
    hired: int
    fulfilled: int
    open_windows: list[OpenWindowOut]


class EmployerList(BaseModel):
    items: list[EmployerOut]
    limit: int
    offset: int
