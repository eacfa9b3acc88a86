"""The individual plan (Law on Probation, art. 16(5)): generate, read, list versions, edit.

Every change is a new version, written with its audit row in one transaction; two changes
racing for the same version number are decided by the database (one is refused with 409).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from matcher import Engine, Person, Recommendation
from matcher import plan as planner
from service.plans import versions as plans
from service.runtime import Runtime
from service.store import audit
from service.store import rows as glue
from service.store.tables import PlanVersion
from service.usecases import access, places
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Invalid, NotFound, Problem
from service.usecases.shortlists import engine_for, places_for


@dataclass(frozen=True)
class Plan:
    version: plans.Version
    labels: dict[str, str]
    """Names of the items the plan's actions point to, from the engine's catalogs."""


def _problem(error: plans.PlanError) -> Problem:
    params: dict[str, Any] = dict(error.params)  # message facts, passed on as keywords
    if error.code in ("no_plan", "unknown_action"):
        return NotFound(f"plan_{error.code}", **params)
    return Invalid(f"plan_{error.code}", **params)


def _labelled(version: plans.Version, engine: Engine) -> Plan:
    return Plan(version, plans.item_labels(engine, version.body))


def shown_lists(rt: Runtime, engine: Engine) -> Callable[[Person], dict[str, list[Recommendation]]]:
    """A person's lists as the shortlist shows them: the engine's ranking, checked against
    the places referrals hold as they stand (``places.live``). The plan and the allocation take
    their picks from these, so that the three agree unless a rule or capacity says otherwise."""
    overlay = places_for(rt, engine)

    def lists(person: Person) -> dict[str, list[Recommendation]]:
        return {
            kind: places.live(
                overlay,
                person.person_id,
                kind,
                engine.recommend(person, kind, limit=limit + places.PAD),
                today=engine.today,
                limit=limit,
            )
            for kind, limit in planner.choice.LIST_LIMITS.items()
        }

    return lists


def generate(rt: Runtime, actor: Actor, person_id: str, *, today: date | None = None) -> Plan:
    """A new version from the engine and the person's lists as the shortlist shows them; the
    inspector's decisions in the last one are kept."""
    with rt.session() as session:
        person = glue.person(access.person_to_read(session, actor, person_id), rt.protector)
    engine = engine_for(rt, today)
    lists = shown_lists(rt, engine)(person)
    with rt.writing() as session:
        try:
            version = plans.generate(
                session, engine, person, author=actor.author, protector=rt.protector, lists=lists
            )
            audit.record(session, actor=actor, person_ids=[person_id], action="plan")
            session.commit()
        except sa.exc.IntegrityError:
            raise Conflict("plan_changed", id=person_id) from None
    return _labelled(version, engine)


def read(rt: Runtime, actor: Actor, person_id: str, *, version: int | None = None) -> Plan:
    """The latest version (or ``version``)."""
    with rt.session() as session:
        access.person(session, actor, person_id)
        stored = plans.latest(session, person_id, version, protector=rt.protector)
        if stored is None:
            raise NotFound("plan_no_plan", id=person_id)
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=[person_id], action="plan_read")
        session.commit()
    return _labelled(stored, rt.serving.engine(rt))


def history(rt: Runtime, actor: Actor, person_id: str) -> Sequence[PlanVersion]:
    """The versions' numbers, changes, authors and times (their bodies stay encrypted)."""
    with rt.session() as session:
        access.person(session, actor, person_id)
        return plans.versions(session, person_id)


def _change(
    rt: Runtime, actor: Actor, person_id: str, apply: Callable[[Session], plans.Version]
) -> Plan:
    with rt.writing() as session:
        access.person(session, actor, person_id)
        try:
            version = apply(session)
            audit.record(session, actor=actor, person_ids=[person_id], action="plan_edit")
            session.commit()
        except plans.PlanError as error:
            raise _problem(error) from None
        except sa.exc.IntegrityError:
            raise Conflict("plan_changed", id=person_id) from None
    return _labelled(version, rt.serving.engine(rt))


def edit_action(
    rt: Runtime,
    actor: Actor,
    person_id: str,
    action_id: str,
    *,
    status: str | None = None,
    due: date | None = None,
    responsible: str | None = None,
    responsible_name: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Plan:
    """Change one action: status (done, dropped with a reason), due date, who (the agency
    and the person's name; an empty name clears it), a note. The dates derived from the
    actions (first pay, housing search, review) and the timing risks follow, as of ``today``
    (the calendar day unless given); the new version keeps what moved."""
    return _change(
        rt,
        actor,
        person_id,
        lambda session: plans.edit_action(
            session,
            person_id,
            action_id,
            author=actor.author,
            protector=rt.protector,
            status=status,
            due=due,
            responsible=responsible,
            responsible_name=responsible_name,
            note=note,
            today=today,
        ),
    )


def add_action(
    rt: Runtime,
    actor: Actor,
    person_id: str,
    *,
    text: str,
    part: str,
    responsible: str,
    due: date,
    responsible_name: str | None = None,
    today: date | None = None,
) -> Plan:
    """An action in free text (a new version); the derived dates are recomputed too."""
    return _change(
        rt,
        actor,
        person_id,
        lambda session: plans.add_action(
            session,
            person_id,
            author=actor.author,
            protector=rt.protector,
            text=text,
            part=part,
            responsible=responsible,
            responsible_name=responsible_name,
            due=due,
            today=today,
        ),
    )
