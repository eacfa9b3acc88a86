"""Reading and writing referrals: the places they hold, their history, the outcome events
they write, and the lists officers and employers work from.

The capacity check and the insert of a new referral happen in one write transaction that has
locked the item's row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
transactions are serialised already), so that two referrals to the last free place cannot
both succeed: the database decides, not timing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.referrals import lifecycle
from service.store import impressions
from service.store.protect import Protector
from service.store.tables import Course, OutcomeEvent, Shelter, Vacancy
from service.store.workflow import Employer, Referral, ReferralEvent

Item = Vacancy | Course | Shelter
_TABLES: dict[str, type[Vacancy] | type[Course] | type[Shelter]] = {
    "vacancy": Vacancy,
    "course": Course,
    "shelter": Shelter,
}
_KEYS = {"vacancy": "vacancy_id", "course": "course_id", "shelter": "shelter_id"}


def lock_item(session: Session, kind: str, item_id: str) -> Item | None:
    """The item's row, locked until the transaction ends (on PostgreSQL)."""
    table = _TABLES[kind]
    key = getattr(table, _KEYS[kind])
    found = session.scalars(sa.select(table).where(key == item_id).with_for_update()).one_or_none()
    return cast(Item | None, found)


def item_row(session: Session, kind: str, item_id: str) -> Item | None:
    return cast(Item | None, session.get(_TABLES[kind], item_id))


@dataclass(frozen=True)
class Places:
    """An item's places as referrals use them: ``limit`` None means no limit."""

    limit: int | None
    held: int
    taken: int

    @property
    def free(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.held - self.taken)


def place_counts(
    session: Session, kind: str, item_ids: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """Held and taken places per item, for the items named."""
    ids = list(dict.fromkeys(item_ids))
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(ids), 500):
        query = (
            sa.select(col(Referral.item_id), col(Referral.place), sa.func.count())
            .where(
                col(Referral.item_kind) == kind, col(Referral.item_id).in_(ids[start : start + 500])
            )
            .where(col(Referral.place).in_(("held", "taken")))
            .group_by(col(Referral.item_id), col(Referral.place))
        )
        for item_id, place, count in session.execute(query):
            held, taken = found.get(item_id, (0, 0))
            found[item_id] = (held + count, taken) if place == "held" else (held, taken + count)
    return found


def places_of(item: Item, held: int, taken: int) -> Places:
    """How many places ``item`` has for referrals. A quota vacancy has its quota slots; an
    ordinary vacancy any number of referrals until one is hired; a course its seats (none
    given: no limit); a centre its beds not occupied by people placed outside this system."""
    if isinstance(item, Vacancy):
        return Places(vacancy_limit(item.is_quota, item.quota_slots, taken), held, taken)
    if isinstance(item, Course):
        return Places(item.seats, held, taken)
    return Places(beds_for_referrals(item.capacity, item.occupied), held, taken)


def vacancy_limit(is_quota: bool, quota_slots: int, taken: int) -> int | None:
    """A quota vacancy's slots; an ordinary one takes referrals until one is hired."""
    if is_quota:
        return quota_slots
    return None if taken == 0 else 0


def beds_for_referrals(capacity: int, occupied: int) -> int:
    """A centre's beds not occupied by people placed outside this system."""
    return max(0, capacity - occupied)


@dataclass(frozen=True)
class Standing:
    """An item's places now, with what decides whether it may be listed."""

    places: Places
    employer_bin: str | None
    confirmed_on: date | None


def open_referral(session: Session, person_id: str, kind: str, item_id: str) -> Referral | None:
    return session.exec(  # type: ignore[call-overload, no-any-return]
        sa.select(Referral)
        .where(
            col(Referral.person_id) == person_id,
            col(Referral.item_kind) == kind,
            col(Referral.item_id) == item_id,
            col(Referral.place).in_(("held", "taken")),
        )
        .limit(1)
    ).scalar_one_or_none()


def cooldowns(
    session: Session, person_id: str, today: date, days: dict[str, int]
) -> dict[str, date]:
    """Employers that declined the person recently: BIN -> the first day they may be proposed
    again (``days``: cool-down per reason)."""
    longest = max(days.values(), default=0)
    query = sa.select(
        col(Referral.employer_bin), col(Referral.reason), col(Referral.state_on)
    ).where(
        col(Referral.person_id) == person_id,
        col(Referral.state) == "declined",
        col(Referral.employer_bin).is_not(None),
        col(Referral.state_on) > today - timedelta(days=longest),
    )
    found: dict[str, date] = {}
    for employer_bin, reason, state_on in session.execute(query):
        until = state_on + timedelta(days=days.get(reason or "other", days.get("other", 0)))
        if until > today and until > found.get(employer_bin, date.min):
            found[employer_bin] = until
    return found


def officer_of(referral: Referral) -> str | None:
    """Who made the referral, as a recipient of notifications: the token, or the account of
    the pages (``<role>:account:<id>``); none for the command line."""
    if referral.created_by_token is not None:
        return f"token:{referral.created_by_token}"
    role, _, account = referral.created_by.partition(":account:")
    return f"account:{account}" if role and account.isdigit() else None


def add_event(
    session: Session,
    referral: Referral,
    *,
    from_state: str | None,
    on: date,
    actor: str,
    reason: str | None = None,
    note: str | None = None,
    protector: Protector | None = None,
) -> None:
    """Record the referral's change; a ``note`` is stored encrypted with ``protector``."""
    assert referral.id is not None
    if note is not None and protector is None:
        raise ValueError("a note is stored encrypted: pass the protector")
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_state=from_state,
            to_state=referral.state,
            on=on,
            actor=actor,
            reason=reason,
            note_cipher=None if protector is None else protector.encrypt(note),
        )
    )


def write_outcome(
    session: Session, referral: Referral, *, on: date, author: str | None = None
) -> None:
    """The outcome event of the referral's new state (``lifecycle.OUTCOME``), unless the same
    event is recorded already; ``author`` is who made the move (``created_by``)."""
    event = lifecycle.OUTCOME.get((referral.item_kind, referral.state))
    if event is None:
        return
    reason = referral.reason
    if referral.state == "no_show":
        reason = "no_show"
    elif referral.state == "expired":
        reason = "no_answer"
    elif event == "left" and reason not in lifecycle.REASONS["departed"]:
        reason = None
    exists = session.scalar(
        sa.select(sa.func.count()).where(
            col(OutcomeEvent.person_id) == referral.person_id,
            col(OutcomeEvent.item_kind) == referral.item_kind,
            col(OutcomeEvent.item_id) == referral.item_id,
            col(OutcomeEvent.event) == event,
            col(OutcomeEvent.date) == on,
        )
    )
    if exists:
        return
    shown: tuple[int | None, float | None, str | None] = (None, None, None)
    if event == "referred":  # the list it was chosen from: what training corrects for
        pair = (referral.person_id, referral.item_kind, referral.item_id)
        shown = impressions.referral_ranks(session, [(pair, on)]).get((pair, on), shown)
    session.add(
        OutcomeEvent(
            person_id=referral.person_id,
            item_kind=referral.item_kind,
            item_id=referral.item_id,
            event=event,
            date=on,
            reason=reason,
            contract_months=referral.contract_months if event == "hired" else None,
            source="referral",
            created_by=author,
            rank=shown[0],
            score=shown[1],
            model_version=shown[2],
        )
    )


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
        table = _TABLES[kind]
        key = getattr(table, _KEYS[kind])
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


@dataclass(frozen=True)
class Overlay:
    """What lists are checked against, read in a few queries and kept beside a served engine
    until a referral or a confirmation changes it (the ``places`` counter): each item's places
    and the last confirmation of its capacity, each person's open referrals and recent
    declines."""

    standing: dict[tuple[str, str], Standing]
    open_by_person: dict[str, dict[tuple[str, str], tuple[date, str]]]
    declines_by_person: dict[str, list[tuple[str, str | None, date]]]

    def standing_of(self, kind: str, item_id: str) -> Standing | None:
        return self.standing.get((kind, item_id))

    def held_by(self, person_id: str, kind: str) -> dict[str, tuple[date, str]]:
        return {
            item_id: found
            for (item_kind, item_id), found in self.open_by_person.get(person_id, {}).items()
            if item_kind == kind
        }

    def cooldowns(self, person_id: str, today: date, days: dict[str, int]) -> dict[str, date]:
        """Employers that declined the person recently: BIN -> the first day possible again."""
        found: dict[str, date] = {}
        for employer_bin, reason, state_on in self.declines_by_person.get(person_id, ()):
            until = state_on + timedelta(days=days.get(reason or "other", days.get("other", 0)))
            if until > today and until > found.get(employer_bin, date.min):
                found[employer_bin] = until
        return found


DECLINES_KEPT_DAYS = 366
"""How far back declines are read for cool-downs (the longest is a year)."""


def load_overlay(session: Session, today: date) -> Overlay:
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    query = (
        sa.select(
            col(Referral.item_kind), col(Referral.item_id), col(Referral.place), sa.func.count()
        )
        .where(col(Referral.place).in_(("held", "taken")))
        .group_by(col(Referral.item_kind), col(Referral.item_id), col(Referral.place))
    )
    for kind, item_id, place, count in session.execute(query):
        held, taken = counts.get((kind, item_id), (0, 0))
        counts[kind, item_id] = (held + count, taken) if place == "held" else (held, taken + count)
    standing: dict[tuple[str, str], Standing] = {}
    rows = session.execute(
        sa.select(
            col(Vacancy.vacancy_id), col(Vacancy.is_quota), col(Vacancy.quota_slots),
            col(Vacancy.employer_bin), col(Vacancy.capacity_confirmed_on),
        )
    )  # fmt: skip
    for item_id, is_quota, slots, employer_bin, confirmed in rows:
        held, taken = counts.get(("vacancy", item_id), (0, 0))
        limit = vacancy_limit(is_quota, slots, taken)
        standing["vacancy", item_id] = Standing(Places(limit, held, taken), employer_bin, confirmed)
    for item_id, seats in session.execute(sa.select(col(Course.course_id), col(Course.seats))):
        held, taken = counts.get(("course", item_id), (0, 0))
        standing["course", item_id] = Standing(Places(seats, held, taken), None, None)
    rows = session.execute(
        sa.select(
            col(Shelter.shelter_id), col(Shelter.capacity), col(Shelter.occupied),
            col(Shelter.capacity_confirmed_on),
        )
    )  # fmt: skip
    for item_id, capacity, occupied, confirmed in rows:
        held, taken = counts.get(("shelter", item_id), (0, 0))
        places = Places(beds_for_referrals(capacity, occupied), held, taken)
        standing["shelter", item_id] = Standing(places, None, confirmed)
    open_by_person: dict[str, dict[tuple[str, str], tuple[date, str]]] = {}
    for person_id, kind, item_id, sent_on, state in session.execute(
        sa.select(
            col(Referral.person_id), col(Referral.item_kind), col(Referral.item_id),
            col(Referral.sent_on), col(Referral.state),
        ).where(col(Referral.place).in_(("held", "taken")))
    ):  # fmt: skip
        open_by_person.setdefault(person_id, {})[kind, item_id] = (sent_on, state)
    declines: dict[str, list[tuple[str, str | None, date]]] = {}
    for person_id, employer_bin, reason, state_on in session.execute(
        sa.select(
            col(Referral.person_id), col(Referral.employer_bin), col(Referral.reason),
            col(Referral.state_on),
        ).where(
            col(Referral.state) == "declined",
            col(Referral.employer_bin).is_not(None),
            col(Referral.state_on) > today - timedelta(days=DECLINES_KEPT_DAYS),
        )
    ):  # fmt: skip
        declines.setdefault(person_id, []).append((employer_bin, reason, state_on))
    return Overlay(standing, open_by_person, declines)
