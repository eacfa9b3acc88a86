"""An officer's or an inspector's caseload: the persons of the actor's region, narrowed by
district, status, release window, needs, referrals and a search (person id, IIN or name),
sorted, a page at a time; and the person page's read, audited with the account that opened
it."""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.reference.places import places
from service.runtime import Runtime
from service.store import audit
from service.store.protect import Protector
from service.store.rows import effective_status
from service.store.sealed import open_support
from service.store.tables import Person
from service.store.workflow import Referral
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Invalid

PAGE_SIZE = 50
RELEASE_WINDOWS = (4, 12, 24)
"""Release within this many weeks (the UK resettlement tool's filters)."""
NEEDS = ("housing", "documents", "medical_commission")
STATUSES = ("in_custody", "released", "probation")
REFERRAL_FILTERS = ("none", "waiting", "overdue")
"""No referral yet; a referral waiting for the other side's answer; one past its deadline."""
SORTS = ("release", "name", "status", "district")
"""Release date (soonest first), name, status (in custody, released, on probation), district
(by its name in the reader's language)."""
_STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class Filters:
    district: str | None = None
    """A district's KATO code (its first four digits narrow the persons' places)."""
    status: str | None = None
    release_within_weeks: int | None = None
    needs: tuple[str, ...] = ()
    person_id: str | None = None
    """A person's id, or an IIN (found exactly, through its keyed hash)."""
    referral: str | None = None
    name: str | None = None
    """Words of a person's name (each must appear, case and ё/е ignored)."""


def search(text: str | None) -> Filters:
    """What a search box's text asks for: one word with a digit a person's id or an IIN
    (12 digits), anything else words of a name."""
    wanted = " ".join((text or "").split())
    if not wanted:
        return Filters()
    if " " not in wanted and any(ch.isdigit() for ch in wanted):
        return Filters(person_id=wanted)
    return Filters(name=wanted)


@dataclass(frozen=True)
class Case:
    person_id: str
    name: str | None
    kato: str
    status: str
    release_date: date | None


@dataclass(frozen=True)
class Caseload:
    cases: list[Case]
    total: int
    page: int
    pages: int


def _check(filters: Filters) -> None:
    if filters.status is not None and filters.status not in STATUSES:
        raise Invalid("invalid_request")
    if filters.release_within_weeks not in (None, *RELEASE_WINDOWS):
        raise Invalid("invalid_request")
    for need in filters.needs:
        if need not in NEEDS:
            raise Invalid("invalid_request")
    if filters.referral not in (None, *REFERRAL_FILTERS):
        raise Invalid("invalid_request")
    if filters.name is not None and len(filters.name) > 200:
        raise Invalid("invalid_request")


def caseload(
    rt: Runtime,
    actor: Actor,
    filters: Filters,
    *,
    page: int = 1,
    today: date | None = None,
    sort: str = "release",
    descending: bool = False,
    lang: str = "ru",
) -> Caseload:
    """The actor's persons (its region only; every region for an actor without one), in
    ``sort`` order (``SORTS``; persons without a release date last, then by id),
    ``PAGE_SIZE`` a page. Names are shown to staff: each listing is audited.

    Release date, status and district sort in SQL; names and needs are stored encrypted, so
    a name search, a needs filter or a name sort reads the rows the other filters left (the
    actor's region at most) and decrypts only what it needs of them."""
    access.staff_only(actor)
    _check(filters)
    if sort not in SORTS:
        raise Invalid("invalid_request")
    day = today or date.today()
    where: list[sa.ColumnElement[bool]] = []
    if actor.region_kato is not None:
        where += _starting(col(Person.region_kato), actor.region_kato[:2])
    if filters.district:
        where += _starting(col(Person.kato), filters.district[:4])
    if filters.status is not None:
        where.append(col(Person.status) == filters.status)
    if filters.release_within_weeks is not None:
        last = day + timedelta(weeks=filters.release_within_weeks)
        where += [col(Person.release_date) >= day, col(Person.release_date) <= last]
    if filters.person_id:
        wanted = filters.person_id.strip()
        if wanted.isdigit() and len(wanted) == 12:
            where.append(col(Person.iin_hash) == rt.protector.lookup_hash(wanted))
        else:
            where.append(col(Person.person_id) == wanted.upper())
    if filters.referral is not None:
        where.append(_referrals(filters.referral, day))
    page = max(page, 1)
    with rt.session() as session:
        order = _order(session, where, sort, descending, day, lang)
        if filters.needs or filters.name or sort == "name":
            ids = _narrowed(rt, session, where, order, filters, sort=sort, descending=descending)
            total = len(ids)
            shown = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            found = session.scalars(sa.select(Person).where(col(Person.person_id).in_(shown)))
            by_id = {row.person_id: row for row in found}
            rows = [by_id[person_id] for person_id in shown]
        else:
            count = sa.select(sa.func.count()).select_from(Person).where(*where)
            total = session.scalar(count) or 0
            rows = list(
                session.scalars(
                    sa.select(Person)
                    .where(*where)
                    .order_by(*order)
                    .limit(PAGE_SIZE)
                    .offset((page - 1) * PAGE_SIZE)
                )
            )
    cases = [
        Case(
            person_id=row.person_id,
            name=rt.protector.decrypt(row.full_name_cipher),
            kato=row.kato,
            status=effective_status(row, day)[0],
            release_date=row.release_date,
        )
        for row in rows
    ]
    with rt.writing() as session:
        audit.record(
            session, actor=actor, person_ids=[c.person_id for c in cases], action="caseload"
        )
        session.commit()
    return Caseload(cases, total, page, max(1, -(-total // PAGE_SIZE)))


def _starting(column: Any, prefix: str) -> list[sa.ColumnElement[bool]]:
    """``column`` starts with ``prefix``: the ``LIKE``, and the same as a range, which lets
    the column's index find the rows (SQLite's ``LIKE`` ignores case, so uses no index)."""
    if not prefix:
        return []
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return [column.startswith(prefix), column >= prefix, column < after]


_NEEDS_SEEN: weakref.WeakKeyDictionary[Protector, dict[bytes, tuple[bool, ...]]] = (
    weakref.WeakKeyDictionary()
)
NEEDS_SEEN_MAX = 100_000
"""Sealed support documents whose needs are kept, per key holder (dropped all at once past
this): about 100 bytes each, 1 MB for 10,000 persons."""
_FLAGS: dict[tuple[bool, ...], tuple[bool, ...]] = {}
"""One tuple per combination of needs, shared by the documents that have it."""


def _needs_of(protector: Protector, sealed: str | None) -> tuple[bool, ...]:
    """The ``NEEDS`` flags of a sealed support document. A document is sealed anew (a new
    random IV) whenever it changes, so its digest names one content: the flags are kept in
    this process's memory only (never written anywhere), and the next listing with a needs
    filter decrypts only the documents it has not seen."""
    seen = _NEEDS_SEEN.get(protector)
    if seen is None:
        seen = _NEEDS_SEEN.setdefault(protector, {})
    key = hashlib.blake2b((sealed or "").encode(), digest_size=16).digest()
    flags = seen.get(key)
    if flags is None:
        support = open_support(protector, sealed)
        flags = tuple(bool(getattr(support, f"need_{n}")) for n in NEEDS)
        flags = _FLAGS.setdefault(flags, flags)
        if len(seen) >= NEEDS_SEEN_MAX:
            seen.clear()
        seen[key] = flags
    return flags


def _order(
    session: Session,
    where: list[sa.ColumnElement[bool]],
    sort: str,
    descending: bool,
    day: date,
    lang: str,
) -> list[Any]:
    """The SQL order of a listing (a name sort orders by release first: ``_narrowed`` then
    sorts by name, keeping that order among equal names)."""
    release = col(Person.release_date)
    by_release = [release.is_(None), release.desc() if descending else release]
    soonest = [release.is_(None), release, col(Person.person_id)]
    if sort == "status":
        custody = sa.and_(col(Person.status) == "in_custody", release <= day)
        rank = sa.case(
            (custody, _STATUS_RANK["released"]),
            *((col(Person.status) == s, r) for s, r in _STATUS_RANK.items()),
            else_=len(STATUSES),
        )
        return [rank.desc() if descending else rank, *soonest]
    if sort == "district":
        district = _district_rank(session, where, lang)
        return [district.desc() if descending else district, *soonest]
    return [*by_release, col(Person.person_id)]


def district_of(kato: str, lang: str) -> str:
    """The district (or city) a place belongs to, named in ``lang`` (the caseload's column)."""
    found = places().get(kato)
    if found is None:
        return kato
    district = places().get(found.district) if found.district else None
    return (district or found).name(lang)


def _district_rank(
    session: Session, where: list[sa.ColumnElement[bool]], lang: str
) -> sa.ColumnElement[int]:
    """A person's place among the places of the persons ``where`` selects, sorted by their
    district's name in ``lang`` (what the caseload shows): one CASE over the distinct codes."""
    katos = session.scalars(sa.select(col(Person.kato)).where(*where).distinct())
    named = sorted((district_of(kato, lang).casefold(), kato) for kato in katos)
    if not named:
        return sa.literal(0)
    ranks = {kato: rank for rank, (_, kato) in enumerate(named)}
    return sa.case(ranks, value=col(Person.kato), else_=len(ranks))


def _folded(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _narrowed(
    rt: Runtime,
    session: Session,
    where: list[sa.ColumnElement[bool]],
    order: list[Any],
    filters: Filters,
    *,
    sort: str,
    descending: bool,
) -> list[str]:
    """The ids, in ``order``, of the persons ``where`` selects whose name holds every word of
    ``filters.name`` and who have every one of ``filters.needs``; by name instead when no
    SQL order can (a name sort: ``order`` is then only the order among equal names).

    Needs and names are stored encrypted (``service.store.sealed``), so they are read here,
    within the rows the other filters left, rather than compared in SQL. A keyed tag per need
    would let SQL filter, but the same tag on every person with that need would group the
    persons of a dump by need, and the largest group is easy to name; decrypting one short
    document per person is cheap next to that (~0.1 ms each), and each support document is
    decrypted once per process (``_needs_of``). Names are decrypted only for a name search or
    sort, and never kept."""
    by_name = sort == "name"
    read_names = bool(filters.name) or by_name
    columns: list[Any] = [col(Person.person_id), col(Person.support_cipher)]
    if read_names:
        columns.append(col(Person.full_name_cipher))
    rows = list(session.execute(sa.select(*columns).where(*where).order_by(*order)))
    if filters.needs:
        wanted = [NEEDS.index(n) for n in filters.needs]
        rows = [r for r in rows if all(_needs_of(rt.protector, r[1])[i] for i in wanted)]
    if not read_names:
        return [r[0] for r in rows]
    named = [(r[0], _folded(rt.protector.decrypt(r[2]) or "")) for r in rows]
    if filters.name:
        words = _folded(filters.name).split()
        named = [(pid, name) for pid, name in named if all(w in name for w in words)]
    if by_name:
        # a person without a name (never in the demo, possible in an import) comes last
        named.sort(key=lambda found: found[1], reverse=descending)
        named.sort(key=lambda found: not found[1])
    return [pid for pid, _ in named]


def _referrals(which: str, day: date) -> sa.ColumnElement[bool]:
    mine = sa.select(col(Referral.id)).where(col(Referral.person_id) == col(Person.person_id))
    if which == "none":
        return ~mine.exists()
    waiting = mine.where(col(Referral.answer_due).is_not(None))
    if which == "overdue":
        waiting = waiting.where(col(Referral.answer_due) < day)
    found: sa.ColumnElement[bool] = waiting.exists()
    return found


def open_person(rt: Runtime, actor: Actor, person_id: str) -> Person:
    """A person's record for the person page (404 unknown, 403 outside the region), audited
    as a read by the account."""
    with rt.session() as session:
        row = access.person(session, actor, person_id)
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=[person_id], action="read")
        session.commit()
    return row
