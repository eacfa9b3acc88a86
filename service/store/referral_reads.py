"""Reading referrals: each one's history (its notes decrypted only with the protector), the
lists officers and employers work from (``Filter``), and the titles and employer names that
label them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.places import ITEM_KEYS, ITEM_TABLES
from service.store.protect import Protector
from service.store.workflow import Employer, Referral, ReferralEvent


@dataclass(frozen=True)
class Event:
    """One change of a referral as read (``ReferralEvent``, its note decrypted)."""

    id: int | None
    referral_id: int
    from_state: str | None
    to_state: str
    on: date
    actor: str
    reason: str | None
    note: str | None
    at: datetime


def history(
    session: Session, referral_ids: Sequence[int], *, protector: Protector | None = None
) -> dict[int, list[Event]]:
    """The changes of each referral, oldest first; their notes only with ``protector``
    (they are stored encrypted), else None."""
    found: dict[int, list[Event]] = {}
    if not referral_ids:
        return found
    rows = session.exec(  # type: ignore[call-overload]
        sa.select(ReferralEvent)
        .where(col(ReferralEvent.referral_id).in_(list(referral_ids)))
        .order_by(col(ReferralEvent.referral_id), col(ReferralEvent.id))
    ).scalars()
    for row in rows:
        event = Event(
            id=row.id,
            referral_id=row.referral_id,
            from_state=row.from_state,
            to_state=row.to_state,
            on=row.on,
            actor=row.actor,
            reason=row.reason,
            note=None if protector is None else protector.decrypt(row.note_cipher),
            at=row.at,
        )
        found.setdefault(event.referral_id, []).append(event)
    return found


@dataclass(frozen=True)
class Filter:
    """What a list of referrals is narrowed to (every field optional)."""

    person_id: str | None = None
    state: str | None = None
    employer_bin: str | None = None
    region_kato: str | None = None
    item_kind: str | None = None
    item_id: str | None = None
    awaiting: bool = False
    answer_due_before: date | None = None
    expired_since: date | None = None


def find(session: Session, where: Filter, *, limit: int, offset: int = 0) -> list[Referral]:
    query = sa.select(Referral)
    if where.person_id is not None:
        query = query.where(col(Referral.person_id) == where.person_id)
    if where.state is not None:
        query = query.where(col(Referral.state) == where.state)
    if where.employer_bin is not None:
        query = query.where(col(Referral.employer_bin) == where.employer_bin)
    if where.region_kato is not None:
        query = query.where(col(Referral.region_kato).startswith(where.region_kato[:2]))
    if where.item_kind is not None:
        query = query.where(col(Referral.item_kind) == where.item_kind)
    if where.item_id is not None:
        query = query.where(col(Referral.item_id) == where.item_id)
    if where.awaiting:
        query = query.where(col(Referral.answer_due).is_not(None))
    if where.answer_due_before is not None:
        query = query.where(col(Referral.answer_due) < where.answer_due_before)
    if where.expired_since is not None:
        query = query.where(
            col(Referral.state) == "expired", col(Referral.state_on) >= where.expired_since
        )
    if where.awaiting:
        query = query.order_by(col(Referral.answer_due), col(Referral.id))
    else:
        query = query.order_by(col(Referral.id).desc())
    return list(session.exec(query.limit(limit).offset(offset)).scalars())  # type: ignore[call-overload]


def item_titles(session: Session, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Titles of vacancies and courses, names of shelters."""
    wanted: dict[str, set[str]] = {}
    for kind, item_id in items:
        wanted.setdefault(kind, set()).add(item_id)
    found: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        table = ITEM_TABLES[kind]
        key = getattr(table, ITEM_KEYS[kind])
        label = getattr(table, "name" if kind == "shelter" else "title")
        for item_id, title in session.execute(sa.select(key, label).where(key.in_(ids))):
            found[kind, item_id] = title
    return found


def employer_names(session: Session, bins: Iterable[str | None]) -> dict[str, str]:
    wanted = {b for b in bins if b}
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(col(Employer.employer_bin), col(Employer.name)).where(
            col(Employer.employer_bin).in_(wanted)
        )
    )
    return {str(b): str(n) for b, n in rows.all()}
