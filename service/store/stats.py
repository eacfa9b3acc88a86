"""Counts for ``matcher stats``: what the database holds and what is available now. Quota
vacancies and slots are counted by the quota ledger's own function, so both say the same."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from service.reports.vacancies import quota_offer
from service.store.tables import Course, OutcomeEvent, Person, Shelter, Vacancy


@dataclass(frozen=True)
class Stats:
    persons: int
    persons_in_custody: int
    persons_released: int
    persons_on_probation: int
    vacancies: int
    vacancies_open: int
    quota_vacancies: int
    """Quota vacancies, open or closed: the quota ledger's ``quota_vacancies``."""
    quota_slots: int
    """Their quota slots: the quota ledger's ``quota_slots`` (the base of fulfilment)."""
    quota_vacancies_in_window: int
    """Open quota vacancies whose 6-month offer window runs today (the ledger's
    ``windows_open``)."""
    quota_slots_in_window: int
    """Their quota slots (the ledger's ``quota_slots_in_window``)."""
    courses: int
    shelters: int
    beds: int
    beds_free: int
    outcome_events: int
    model_version: str | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def collect(session: Session, *, today: date | None = None) -> Stats:
    """Count everything ``matcher stats`` shows, in a handful of queries."""
    today = today or date.today()
    count = sa.func.count()
    by_status = sa.select(col(Person.status), count).group_by(col(Person.status))
    persons: dict[str, int] = dict(session.execute(by_status).all())
    vacancies, vacancies_open = session.execute(
        sa.select(count, sa.func.count().filter(col(Vacancy.status) == "open"))
    ).one()
    quota = quota_offer(session, today=today)
    shelters, beds, occupied = session.execute(
        sa.select(
            count,
            sa.func.coalesce(sa.func.sum(Shelter.capacity), 0),
            sa.func.coalesce(sa.func.sum(Shelter.occupied), 0),
        )
    ).one()
    from service.store.modelstore import active_version

    active = active_version(session)
    return Stats(
        persons=sum(persons.values()),
        persons_in_custody=persons.get("in_custody", 0),
        persons_released=persons.get("released", 0),
        persons_on_probation=persons.get("probation", 0),
        vacancies=vacancies,
        vacancies_open=vacancies_open,
        quota_vacancies=quota.vacancies,
        quota_slots=quota.slots,
        quota_vacancies_in_window=quota.vacancies_in_window,
        quota_slots_in_window=quota.slots_in_window,
        courses=session.scalar(sa.select(count).select_from(Course)) or 0,
        shelters=shelters,
        beds=int(beds),
        beds_free=int(beds) - int(occupied),
        outcome_events=session.scalar(sa.select(count).select_from(OutcomeEvent)) or 0,
        model_version=active,
    )
