"""One vacancy as its page shows it: the record, its places (slots, held by open referrals,
taken by hires, free) and its quota offer window with the days left.

Any staff account, of any region (a person's list may hold a vacancy in another region, for a
move: a vacancy's details are not personal data), or the employer that offers it; to another
employer it does not exist (404, as for an unknown id: ``access.vacancy_to_read``)."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from catalogs import law
from catalogs.referrals import clocks
from service.runtime import Runtime
from service.store import referrals as store
from service.store.tables import Person
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.capacity import VacancyPlaces


def read(rt: Runtime, actor: Actor, vacancy_id: str, *, today: date | None = None) -> VacancyPlaces:
    """The vacancy with its places on ``today`` (404 when unknown or out of scope)."""
    day = today or date.today()
    with rt.session() as session:
        row = access.vacancy_to_read(session, actor, vacancy_id)
        held, taken = store.place_counts(session, "vacancy", [vacancy_id]).get(vacancy_id, (0, 0))
        session.expunge(row)
    window = (
        law.quota_window_last_day(row.quota_from)
        if row.is_quota and row.quota_from is not None
        else None
    )
    stale = clocks.capacity_is_stale(row.capacity_confirmed_on, day)
    return VacancyPlaces(row, store.places_of(row, held, taken), window, stale)


def candidate_names(rt: Runtime, actor: Actor, person_ids: list[str]) -> dict[str, str]:
    """The names of a vacancy's candidates, for staff only (an employer's list stays
    anonymous): each person the actor may see, by id; others are left out. The persons were
    recorded in the audit trail by the list that named them."""
    access.staff_only(actor)
    if not person_ids:
        return {}
    with rt.session() as session:
        rows = session.exec(
            select(Person.person_id, Person.full_name_cipher, Person.region_kato).where(
                col(Person.person_id).in_(person_ids)
            )
        ).all()
    return {
        person_id: rt.protector.decrypt(cipher) or ""
        for person_id, cipher, region in rows
        if actor.sees_region(region) and cipher
    }
