"""The ledger's figures from the quota vacancies themselves: how many, their slots, which are
open, and their 6-month offer windows (read as the catalog is now)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from service.reports.areas import Key, district_of
from service.reports.shapes import VacancyWindow
from service.store.tables import Vacancy


def window_open(today: date) -> sa.ColumnElement[bool]:
    """An open quota vacancy whose offer window runs on ``today``."""
    return sa.and_(
        col(Vacancy.status) == "open",
        col(Vacancy.quota_from) <= today,
        col(Vacancy.quota_from) >= law.earliest_open_quota_start(today),
    )


@dataclass(frozen=True)
class QuotaOffer:
    """What employers offer through quota vacancies, counted one way for the ledger and for
    ``matcher stats`` (docs/reports.md, "Quota slots: two figures")."""

    vacancies: int
    """Quota vacancies in the catalog, open or closed."""
    slots: int
    """Their quota slots: the base of the fulfilment rate."""
    vacancies_in_window: int
    """Open quota vacancies whose 6-month offer window runs on the day of the count."""
    slots_in_window: int
    """Their quota slots: what employers offer right now."""


def quota_offer(session: Session, *, today: date) -> QuotaOffer:
    """The whole country's :class:`QuotaOffer`: the ledger's total row, as ``matcher stats``
    shows it."""
    count, slots, _, running, _, _, running_slots = vacancy_figures(session, [], sa.true(), today)[
        ()
    ]
    return QuotaOffer(int(count), int(slots), int(running), int(running_slots))


class VacancyLine(NamedTuple):
    """One line's quota vacancies, as the database counts them."""

    vacancies: int
    slots: int
    open: int
    windows_open: int
    """Open quota vacancies whose offer window runs today."""
    soonest: date | str | None
    """The start of the soonest open window (SQLite hands an aggregated date back as text)."""
    employer_name: str | None
    slots_in_window: int


NO_VACANCIES = VacancyLine(0, 0, 0, 0, None, None, 0)


def vacancy_figures(
    session: Session, keys: Sequence[Any], area: sa.ColumnElement[bool], today: date
) -> dict[Key, VacancyLine]:
    """Quota vacancies, slots, open ones, open windows, the soonest window's start, an
    employer name and the slots of the open windows, grouped by ``keys`` (none: one total
    line, zeros when there is no quota vacancy)."""
    running = window_open(today)
    found = session.execute(
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Vacancy.quota_slots), 0),
            sa.func.count(sa.case((col(Vacancy.status) == "open", 1))),
            sa.func.count(sa.case((running, 1))),
            sa.func.min(sa.case((running, Vacancy.quota_from))),
            sa.func.max(Vacancy.employer_name),
            sa.func.coalesce(sa.func.sum(sa.case((running, Vacancy.quota_slots), else_=0)), 0),
        )
        .where(col(Vacancy.is_quota), area)
        .group_by(*keys)
    ).all()
    return {tuple(r[: len(keys)]): VacancyLine(*r[len(keys) :]) for r in found}


def windows(session: Session, where: sa.ColumnElement[bool], today: date) -> list[VacancyWindow]:
    """The offer window of every quota vacancy that ``where`` selects, soonest start first."""
    found = session.execute(
        sa.select(
            col(Vacancy.vacancy_id),
            col(Vacancy.employer_bin),
            col(Vacancy.kato),
            col(Vacancy.quota_slots),
            col(Vacancy.status),
            col(Vacancy.quota_from),
        )
        .where(col(Vacancy.is_quota), col(Vacancy.quota_from).is_not(None), where)
        .order_by(col(Vacancy.quota_from), col(Vacancy.vacancy_id))
    ).all()
    result = []
    for vacancy_id, bin_, kato, slots, status, start in found:
        end = law.quota_window_last_day(start)
        result.append(
            VacancyWindow(
                vacancy_id=vacancy_id,
                employer_bin=bin_,
                district_kato=district_of(kato),
                quota_slots=slots,
                status=status,
                quota_from=start,
                window_end=end,
                days_left=max(0, (end - today).days),
            )
        )
    return result
