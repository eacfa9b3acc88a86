"""The checks every use case makes before it touches a person or a vacancy: is there such a
record, and may this actor see it (role, region, employer).

Outside the actor's scope is the same answer as an id that does not exist (404, the same
body), so that a token cannot learn which ids exist in another region or employer:
``OutOfScope`` is a ``NotFound`` that also names the record, so that the refusal is audited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from service.store.tables import Person, Vacancy
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, NotFound


class OutOfScope(NotFound):
    """A record that exists but lies outside the actor's region or employer: answered exactly
    as an unknown id; ``person_id`` (when a person was asked for) goes to the audit trail."""

    def __init__(self, code: str, *, id: str, person_id: str | None = None) -> None:
        super().__init__(code, id=id)
        self.person_id = person_id


def staff_only(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("forbidden_role", role=actor.role)


def admin_only(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden("forbidden_role", role=actor.role)


def person(session: Session, actor: Actor, person_id: str) -> Person:
    """The person's row, if the actor may see it: 403 for a role that never may (an
    employer), 404 for an unknown id and for a person outside the actor's region alike."""
    staff_only(actor)
    row = session.get(Person, person_id)
    if row is None:
        raise NotFound("unknown_person", id=person_id)
    if not actor.sees_region(row.region_kato):
        raise OutOfScope("unknown_person", person_id=person_id, id=person_id)
    return row


_PERSONS: sa.Table = Person.__table__  # type: ignore[attr-defined]
_PERSON_ROW = sa.select(_PERSONS).where(_PERSONS.c.person_id == sa.bindparam("person_id"))


def person_to_read(session: Session, actor: Actor, person_id: str) -> sa.Row[Any]:
    """The person's columns, with :func:`person`'s checks, for a use case that only reads
    them (a list, a plan): one plain statement, no object for the session to track, at a
    quarter of the cost; ``rows.person`` reads it as it reads a row."""
    staff_only(actor)
    row = session.connection().execute(_PERSON_ROW, {"person_id": person_id}).one_or_none()
    if row is None:
        raise NotFound("unknown_person", id=person_id)
    if not actor.sees_region(row.region_kato):
        raise OutOfScope("unknown_person", person_id=person_id, id=person_id)
    return row


def vacancy(session: Session, actor: Actor, vacancy_id: str) -> Vacancy:
    """The vacancy, if the actor may see it: another employer's, or one outside a regional
    token's region, is answered as an unknown id."""
    row = session.get(Vacancy, vacancy_id)
    if row is None:
        raise NotFound("unknown_vacancy", id=vacancy_id)
    if (actor.role == "employer" and row.employer_bin != actor.employer_bin) or (
        row.region_kato is not None and not actor.sees_region(row.region_kato)
    ):
        raise OutOfScope("unknown_vacancy", id=vacancy_id)
    return row


def vacancy_to_read(session: Session, actor: Actor, vacancy_id: str) -> Vacancy:
    """The vacancy, to read its own details (no personal data): any staff account of any
    region (a person's list may hold a vacancy elsewhere, for a move), or the employer that
    offers it; another employer's is answered as an unknown id. Writing to a vacancy (its
    confirmation) keeps :func:`vacancy`'s region scope, and so do the persons of a list."""
    row = session.get(Vacancy, vacancy_id)
    if row is None:
        raise NotFound("unknown_vacancy", id=vacancy_id)
    if actor.role == "employer" and row.employer_bin != actor.employer_bin:
        raise OutOfScope("unknown_vacancy", id=vacancy_id)
    return row
