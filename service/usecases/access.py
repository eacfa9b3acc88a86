"""The checks every use case makes before it touches a person or a vacancy: is there such a
record, and may this actor see it (role, region, employer)."""

from __future__ import annotations

from sqlmodel import Session

from service.store.tables import Person, Vacancy
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, NotFound


def staff_only(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("forbidden_role", role=actor.role)


def admin_only(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden("forbidden_role", role=actor.role)


def person(session: Session, actor: Actor, person_id: str) -> Person:
    """The person's row, if the actor may see it: 404 unknown, 403 outside its region."""
    staff_only(actor)
    row = session.get(Person, person_id)
    if row is None:
        raise NotFound("unknown_person", id=person_id)
    if not actor.sees_region(row.region_kato):
        raise Forbidden("out_of_region")
    return row


def vacancy(session: Session, actor: Actor, vacancy_id: str) -> Vacancy:
    """The vacancy, if the actor may see it. Another employer's vacancy is reported unknown,
    so that its existence does not leak."""
    row = session.get(Vacancy, vacancy_id)
    if row is None or (actor.role == "employer" and row.employer_bin != actor.employer_bin):
        raise NotFound("unknown_vacancy", id=vacancy_id)
    if not actor.sees_region(row.region_kato):
        raise Forbidden("out_of_region")
    return row
