"""The audit trail of person records: every read or change, by whom, when, through which route."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import AuditEvent


class Who(Protocol):
    """Who acted (``service.usecases.actor.Actor``)."""

    @property
    def token_id(self) -> int | None: ...

    @property
    def role(self) -> str: ...

    @property
    def method(self) -> str: ...

    @property
    def route(self) -> str: ...


def record(session: Session, *, actor: Who, person_ids: Sequence[str], action: str) -> None:
    """Add one event per person to the caller's transaction: the use case commits it with
    the rest of what the request writes, so an answer is never given without its record."""
    session.add_all(
        AuditEvent(
            token_id=actor.token_id,
            role=actor.role,
            method=actor.method[:8],
            route=actor.route[:200],
            person_id=person_id,
            action=action,
        )
        for person_id in dict.fromkeys(person_ids)
    )


def events(session: Session, *, person_id: str | None, limit: int) -> Sequence[AuditEvent]:
    query = sa.select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if person_id is not None:
        query = query.where(col(AuditEvent.person_id) == person_id)
    return session.scalars(query).all()
