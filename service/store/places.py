"""The places items have for referrals: an item's row (locked while a referral is made), its
places held and taken, what decides whether it may be listed (``Standing``), and the
``Overlay`` lists are checked against, read in a few queries and kept beside a served engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import Course, Shelter, Vacancy
from service.store.workflow import Referral

Item = Vacancy | Course | Shelter
ITEM_TABLES: dict[str, type[Vacancy] | type[Course] | type[Shelter]] = {
    "vacancy": Vacancy,
    "course": Course,
    "shelter": Shelter,
}
ITEM_KEYS = {"vacancy": "vacancy_id", "course": "course_id", "shelter": "shelter_id"}


def lock_item(session: Session, kind: str, item_id: str) -> Item | None:
    """The item's row, locked until the transaction ends (on PostgreSQL)."""
    table = ITEM_TABLES[kind]
    key = getattr(table, ITEM_KEYS[kind])
    found = session.scalars(sa.select(table).where(key == item_id).with_for_update()).one_or_none()
    return cast(Item | None, found)


def item_row(session: Session, kind: str, item_id: str) -> Item | None:
    return cast(Item | None, session.get(ITEM_TABLES[kind], item_id))


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
