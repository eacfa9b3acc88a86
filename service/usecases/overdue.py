"""Plan actions past their due day and not done, across the actor's cases: the persons of its
region (every region for an actor without one) who have a plan, most overdue first.

The latest versions are read in one transaction (``service.plans.versions.latest``, which opens
the sealed bodies); the persons whose actions are listed are audited as plan reads, as when a
plan's page is opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from matcher import plan as planner
from service.plans import versions
from service.runtime import Runtime
from service.store import audit
from service.store.tables import Person, PlanVersion
from service.usecases import access, plans
from service.usecases.actor import Actor

LIMIT = 2000
"""At most this many persons' plans are read for one listing (the soonest releases first);
``Overdue.cut`` says when there were more."""


@dataclass(frozen=True)
class Late:
    """One action of a person's plan, ``days`` past its due day and still planned."""

    person_id: str
    name: str
    plan: plans.Plan
    action: planner.Action
    due: date
    days: int


@dataclass(frozen=True)
class Overdue:
    actions: list[Late]
    """Most overdue first, then by person."""
    persons: int
    """How many persons these actions are of."""
    cut: bool
    """More than ``LIMIT`` persons have a plan: only the first ``LIMIT`` were read."""


def overdue(rt: Runtime, actor: Actor, *, today: date | None = None) -> Overdue:
    """Every overdue action of the actor's cases (of the first ``LIMIT`` persons with a plan)."""
    access.staff_only(actor)
    day = today or date.today()
    has_plan = (
        sa.select(col(PlanVersion.id))
        .where(col(PlanVersion.person_id) == col(Person.person_id))
        .exists()
    )
    query = sa.select(col(Person.person_id), col(Person.full_name_cipher), col(Person.region_kato))
    query = query.where(has_plan)
    if actor.region_kato is not None:
        query = query.where(col(Person.region_kato).startswith(actor.region_kato[:2]))
    query = query.order_by(
        col(Person.release_date).is_(None), col(Person.release_date), col(Person.person_id)
    ).limit(LIMIT + 1)
    with rt.session() as session:
        rows = session.execute(query).all()
        opened = [
            (person_id, cipher, versions.latest(session, person_id, protector=rt.protector))
            for person_id, cipher, region in rows[:LIMIT]
            if actor.sees_region(region)
        ]
    engine = rt.serving.engine(rt)
    found: list[Late] = []
    for person_id, cipher, version in opened:
        if version is None:
            continue
        late = [
            (action, due)
            for action in version.body.get("actions", [])
            if action["status"] == "planned" and (due := date.fromisoformat(action["due"])) < day
        ]
        if not late:
            continue
        plan = plans.Plan(version, versions.item_labels(engine, version.body))
        name = rt.protector.decrypt(cipher) or ""
        found += [Late(person_id, name, plan, a, due, (day - due).days) for a, due in late]
    shown = sorted({late.person_id for late in found})
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=shown, action="plan_read")
        session.commit()
    found.sort(key=lambda late: (-late.days, late.person_id, late.action["id"]))
    return Overdue(found, len(shown), len(rows) > LIMIT)
