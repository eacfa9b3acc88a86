"""The audit trail of person records: every read or change, by whom, when, through which route."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import ApiToken, AuditEvent


def record(
    session: Session,
    *,
    token: ApiToken,
    method: str,
    route: str,
    person_ids: Sequence[str],
    action: str,
) -> None:
    """Write one event per person, in a transaction of its own: the caller's read transaction
    is closed first, so that SQLite never has to turn a reader into a writer (which fails at
    once under concurrent writers instead of waiting its turn)."""
    token_id, role = token.id, token.role  # read before the commit expires them
    session.commit()
    for person_id in dict.fromkeys(person_ids):
        session.add(
            AuditEvent(
                token_id=token_id,
                role=role,
                method=method,
                route=route,
                person_id=person_id,
                action=action,
            )
        )
    session.commit()


def events(session: Session, *, person_id: str | None, limit: int) -> Sequence[AuditEvent]:
    query = sa.select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if person_id is not None:
        query = query.where(col(AuditEvent.person_id) == person_id)
    return session.scalars(query).all()
