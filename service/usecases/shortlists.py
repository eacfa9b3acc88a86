"""A person's shortlist, a vacancy's candidates, and why an item is or is not on a list.

Each use case reads in one short session, ranks outside any transaction, then writes the
request's audit rows and the impressions of the list it answers in one write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from catalogs.normalize import fold
from matcher import KINDS, Engine, Person, Recommendation, Vacancy, Why
from service.runtime import Runtime
from service.store import audit, impressions, referrals
from service.store import rows as glue
from service.usecases import access, occupations, places
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, NotFound

CANDIDATE_POOL = 100
"""How many candidates are ranked before consent and region filters pick ``limit`` of them."""
FIRST_PAD = 4
"""How many more items than shown a person's list first asks the engine for
(``places.PAD``, then ``LAST_PAD``, when those are not enough)."""
LAST_PAD = 3 * places.PAD
"""The most a list asks beyond ``limit``: places taken and the same job under several ids."""


@dataclass(frozen=True)
class Shortlist:
    subject: str
    kind: str
    items: list[Recommendation]
    engine: Engine
    """The engine that ranked it (item labels, its day and model version)."""
    notices: tuple[occupations.Notice, ...] = ()
    """What the list says about itself (a profession not recognised: no trade jobs in it)."""
    also: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """An item's id -> the ids of the same job at the same employer collapsed into it
    (``same_job``), best-ranked first; items with none are not in it."""


@dataclass(frozen=True)
class Candidates:
    vacancy_id: str
    items: list[tuple[Recommendation, Person]]
    engine: Engine


def _kind(kind: str) -> None:
    if kind not in KINDS:
        raise Invalid("unknown_list_kind", kind=kind)


def engine_for(rt: Runtime, today: date | None) -> Engine:
    """The served engine, or for another day one built for that day (the command line's
    ``--as-of``)."""
    engine = rt.serving.engine(rt)
    if today is None or today == engine.today:
        return engine
    with rt.session() as session:
        return glue.load_engine(session, today=today)


def places_for(rt: Runtime, engine: Engine) -> referrals.Overlay:
    """The places lists are checked against: the served ones, or for another day's engine
    (the command line's ``--as-of``) read now."""
    if engine is rt.serving.engine(rt):
        return rt.serving.places(rt)
    with rt.session() as session:
        return referrals.load_overlay(session, engine.today)


def person_shortlist(
    rt: Runtime,
    actor: Actor,
    *,
    person_id: str,
    kind: str,
    limit: int,
    today: date | None = None,
    record: bool = True,
) -> Shortlist:
    """The person's best ``limit`` items of ``kind``, each with its reasons."""
    _kind(kind)
    with rt.session() as session:
        person = glue.person(access.person_to_read(session, actor, person_id), rt.protector)
    engine = engine_for(rt, today)
    overlay = places_for(rt, engine)
    # most lists lose few items to the places as they stand and to the same job listed twice:
    # rank (and explain) a few more than shown first, and more only when those are not enough.
    # The engine's list is the same ranking whatever its length (a longer one only adds to its
    # end), so every way gives the same items.
    for pad in (FIRST_PAD, places.PAD, LAST_PAD):
        asked = limit + pad
        ranked = engine.recommend(person, kind, limit=asked)
        live = places.live(overlay, person_id, kind, ranked, today=engine.today, limit=asked)
        items, also = collapse(engine, kind, live)
        if len(items) >= limit or len(ranked) < asked:
            break
    items = items[:limit]
    also = {item.id: also[item.id] for item in items if item.id in also}
    with rt.writing() as session:
        if record:
            impressions.record_impressions(
                session,
                subject=person_id,
                kind=kind,
                recommendations=items,
                model_version=engine.model_version,
                today=engine.today,
                list_kind="person",
            )
        # last: the trail's lock is held to the commit, and no row lock is taken after it
        audit.record(session, actor=actor, person_ids=[person_id], action="recommend")
        session.commit()
    notices = occupations.notices(person, engine, kind)
    return Shortlist(person_id, kind, items, engine, notices, also)


def same_job(item: object) -> tuple[object, ...] | None:
    """What makes two vacancies the same job for a person: the employer, the title (folded:
    case, ё, punctuation and spaces aside), the settlement, the salary, and whether it is a
    quota place and on what schedule (a person would choose between those). Courses and
    centres are never the same: none for them."""
    if not isinstance(item, Vacancy):
        return None
    return (
        item.employer_bin, fold(item.title), item.kato, item.salary_kzt, item.is_quota,
        item.employment_type,
    )  # fmt: skip


def collapse(
    engine: Engine, kind: str, items: Sequence[Recommendation]
) -> tuple[list[Recommendation], dict[str, tuple[str, ...]]]:
    """``items`` with the same job at the same employer (``same_job``) shown once, under its
    best-ranked id; returns those and, for each kept id with others, the others' ids."""
    kept: list[Recommendation] = []
    first: dict[tuple[object, ...], str] = {}
    group: dict[str, list[Recommendation]] = {}
    for item in items:
        key = same_job(engine.item(kind, item.id))
        if key is not None and key in first:
            group[first[key]].append(item)
            continue
        if key is not None:
            first[key] = item.id
            group[item.id] = [item]
        kept.append(item)
    shown = [_summed(item, group[item.id]) if len(group.get(item.id, ())) > 1 else item
             for item in kept]  # fmt: skip
    also = {i: tuple(o.id for o in members[1:]) for i, members in group.items() if len(members) > 1}
    return shown, also


_SUMMED = {"places_free": ("free", "limit"), "quota_slots": ("slots",)}
"""The reasons that count an item's places, and their counts: a collapsed item's are the sums
over the same job's ids, as its free places are."""


def _summed(item: Recommendation, members: Sequence[Recommendation]) -> Recommendation:
    reasons = []
    for reason in item.reasons:
        counts = _SUMMED.get(reason.code)
        if counts is not None:
            same = [r.params for m in members for r in m.reasons if r.code == reason.code]
            sums = {c: sum(int(p.get(c) or 0) for p in same) for c in counts}  # type: ignore[call-overload]
            reason = replace(reason, params={**reason.params, **sums})
        reasons.append(reason)
    return replace(item, reasons=tuple(reasons))


def vacancy_candidates(
    rt: Runtime,
    actor: Actor,
    *,
    vacancy_id: str,
    limit: int,
    today: date | None = None,
    record: bool = True,
) -> Candidates:
    """The persons who fit a vacancy best. An employer sees only its own vacancies and only
    persons who consented; a regional actor any vacancy, but only its own region's persons."""
    with rt.session() as session:
        access.vacancy_to_read(session, actor, vacancy_id)
    if today is None or today == rt.serving.engine(rt).today:
        engine, people = rt.serving.engine(rt), rt.serving.persons(rt)
    else:
        engine = engine_for(rt, today)
        with rt.session() as session:
            people = glue.load_persons(session, engine, protector=rt.protector)
    if vacancy_id not in engine.vacancies.position:
        raise NotFound("unknown_vacancy", id=vacancy_id)  # imported a moment ago: not served yet
    chosen: list[tuple[Recommendation, Person]] = []
    for item in engine.candidates(vacancy_id, people, limit=max(limit * 5, CANDIDATE_POOL)):
        person = people.items[people.position[item.id]]
        if actor.role == "employer" and not person.consent_employer_view:
            continue
        if not actor.sees_region(person.kato):
            continue
        chosen.append((item, person))
        if len(chosen) == limit:
            break
    with rt.writing() as session:
        if record:
            impressions.record_impressions(
                session,
                subject=vacancy_id,
                kind="vacancy",
                recommendations=[item for item, _ in chosen],
                model_version=engine.model_version,
                today=engine.today,
                list_kind="candidates",
            )
        audit.record(
            session, actor=actor, person_ids=[p.person_id for _, p in chosen], action="candidate"
        )
        session.commit()
    return Candidates(vacancy_id, chosen, engine)


@dataclass(frozen=True)
class Explained:
    person: Person
    kind: str
    item_id: str
    why: Why
    engine: Engine


def why(
    rt: Runtime, actor: Actor, *, person_id: str, kind: str, item_id: str, today: date | None = None
) -> Explained:
    """Eligibility verdicts, features, score and rank of one pair."""
    _kind(kind)
    with rt.session() as session:
        person = glue.person(access.person_to_read(session, actor, person_id), rt.protector)
    engine = engine_for(rt, today)
    try:
        result = engine.why(person, kind, item_id)
    except KeyError:
        raise NotFound("unknown_item", kind=kind, id=item_id) from None
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=[person_id], action="why")
        session.commit()
    return Explained(person, kind, item_id, result, engine)
