"""One employer's standing against its quota, as its own page and the employer list show it:
its obligation, the quota slots it offers, the hires on them and the fulfilments, and the days
left in each offer window still open. The figures are those of the quota ledger
(docs/reports.md), summed over all the employer's districts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from service.reports.obligations import obligation_of
from service.reports.placements import pairs
from service.reports.shapes import VacancyWindow
from service.reports.vacancies import window_open, windows
from service.store.tables import Vacancy
from service.store.workflow import Employer


@dataclass(frozen=True)
class EmployerStanding:
    obligation: int | None
    """Jobs owed in ``as_of``'s year; None when unknown (``missing`` says why)."""
    missing: str | None
    slots_offered: int
    """Quota slots of its quota vacancies (any status)."""
    hired: int
    """Person-vacancy pairs hired on its quota vacancies."""
    fulfilled: int
    """Of those, hires with a contract of 3+ months or a 3-month retention."""
    windows: list[VacancyWindow] = field(default_factory=list)
    """Its open quota vacancies whose 6-month offer window runs on ``as_of``, soonest start
    first, each with the days left."""


def standings(
    session: Session, employers: Sequence[Employer], today: date
) -> dict[str, EmployerStanding]:
    """The standing of each of ``employers`` on ``today``, by BIN."""
    bins = [e.employer_bin for e in employers]
    if not bins:
        return {}
    mine = col(Vacancy.employer_bin).in_(bins)
    slots = dict(
        session.execute(
            sa.select(
                col(Vacancy.employer_bin), sa.func.coalesce(sa.func.sum(Vacancy.quota_slots), 0)
            )
            .where(col(Vacancy.is_quota), mine)
            .group_by(col(Vacancy.employer_bin))
        ).all()
    )
    found = pairs(today)
    hires = {
        bin_: (int(hired or 0), int(fulfilled or 0))
        for bin_, hired, fulfilled in session.execute(
            sa.select(
                col(Vacancy.employer_bin),
                sa.func.sum(found.c.hired),
                sa.func.sum(found.c.fulfilled),
            )
            .join(Vacancy, found.c.item_id == col(Vacancy.vacancy_id))
            .where(col(Vacancy.is_quota), mine)
            .group_by(col(Vacancy.employer_bin))
        )
    }
    running: dict[str, list[VacancyWindow]] = {}
    for window in windows(session, sa.and_(mine, window_open(today)), today):
        running.setdefault(window.employer_bin, []).append(window)
    result = {}
    for employer in employers:
        owed, missing = obligation_of(
            headcount=employer.headcount,
            percent=employer.quota_percent,
            year=employer.quota_year,
            is_stub=employer.is_stub,
            today=today,
        )
        hired, fulfilled = hires.get(employer.employer_bin, (0, 0))
        result[employer.employer_bin] = EmployerStanding(
            obligation=owed,
            missing=missing,
            slots_offered=int(slots.get(employer.employer_bin, 0)),
            hired=hired,
            fulfilled=fulfilled,
            windows=running.get(employer.employer_bin, []),
        )
    return result
