"""What an item has room for, and keeping it confirmed: an employer's vacancies with their
places (slots, held by open referrals, taken by hires, free) and offer windows, and the
confirmation that a vacancy or a centre's capacity is still true. A capacity nobody confirmed
for 90 days leaves the lists (``catalogs.referrals.clocks``); a confirmation, like an import,
brings it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from catalogs import law
from catalogs.referrals import clocks
from service.runtime import Runtime
from service.store import changes
from service.store import referrals as store
from service.store.tables import Shelter, Vacancy
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, Invalid, NotFound

MAX_VACANCIES = 1000


@dataclass(frozen=True)
class VacancyPlaces:
    vacancy: Vacancy
    places: store.Places
    window_last_day: date | None
    stale: bool


def employer_vacancies(
    rt: Runtime, actor: Actor, employer_bin: str, *, today: date | None = None
) -> list[VacancyPlaces]:
    """An employer's vacancies, quota ones first: the employer itself, staff of the region
    the vacancies are in, an admin. Another employer's BIN is unknown (404)."""
    day = today or date.today()
    if actor.role == "employer" and actor.employer_bin != employer_bin:
        raise NotFound("unknown_employer", bin=employer_bin)
    if actor.role != "employer":
        access.staff_only(actor)
    with rt.session() as session:
        rows = list(
            session.scalars(
                sa.select(Vacancy)
                .where(col(Vacancy.employer_bin) == employer_bin)
                .order_by(col(Vacancy.is_quota).desc(), col(Vacancy.vacancy_id))
                .limit(MAX_VACANCIES)
            )
        )
        if actor.role != "employer":
            rows = [row for row in rows if actor.sees_region(row.region_kato)]
        if not rows:
            raise NotFound("unknown_employer", bin=employer_bin)
        counts = store.place_counts(session, "vacancy", [row.vacancy_id for row in rows])
    found = []
    for row in rows:
        held, taken = counts.get(row.vacancy_id, (0, 0))
        window = (
            law.quota_window_last_day(row.quota_from)
            if row.is_quota and row.quota_from is not None
            else None
        )
        stale = clocks.capacity_is_stale(row.capacity_confirmed_on, day)
        found.append(VacancyPlaces(row, store.places_of(row, held, taken), window, stale))
    return found


def confirm_vacancy(
    rt: Runtime, actor: Actor, vacancy_id: str, *, status: str | None = None,
    today: date | None = None,
) -> Vacancy:  # fmt: skip
    """The vacancy is still as recorded (or, with ``status="closed"``, no longer open)."""
    day = today or date.today()
    if status not in (None, "open", "closed"):
        raise Invalid("bad_vacancy_status", status=status)
    if actor.role not in ("employer", "officer", "admin"):
        raise Forbidden("forbidden_role", role=actor.role)
    with rt.writing() as session:
        row = access.vacancy(session, actor, vacancy_id)
        row.capacity_confirmed_on = day
        changes.bump(session, "places")
        if status is not None and status != row.status:
            row.status = status
            changes.bump(session, "catalogs")
        session.add(row)
        session.commit()
        session.refresh(row)
        return row


def confirm_shelter(
    rt: Runtime, actor: Actor, shelter_id: str, *, occupied: int | None = None,
    today: date | None = None,
) -> Shelter:  # fmt: skip
    """The centre's beds are as recorded (or, with ``occupied``, that many are taken by people
    placed outside this system). Staff of its region or an admin."""
    day = today or date.today()
    access.staff_only(actor)
    with rt.writing() as session:
        row = session.get(Shelter, shelter_id)
        if row is None or not actor.sees_region(row.region_kato):
            raise NotFound("unknown_item", kind="shelter", id=shelter_id)
        if occupied is not None:
            if not 0 <= occupied <= row.capacity:
                raise Invalid("bad_occupied", capacity=row.capacity)
            if occupied != row.occupied:
                row.occupied = occupied
                changes.bump(session, "catalogs")
        row.capacity_confirmed_on = day
        changes.bump(session, "places")
        session.add(row)
        session.commit()
        session.refresh(row)
        return row
