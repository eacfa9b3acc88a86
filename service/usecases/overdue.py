"""Plan actions past their due day and not done, across the actor's cases: the persons of its
region (every region for an actor without one) who have a plan, most overdue first.

Plans are read through ``plans.read``, so each plan shown is checked against the actor's scope
and audited as a plan read, as when its page is opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from service.runtime import Runtime
from service.store.tables import Person, PlanVersion
from service.usecases import access, plans
from service.usecases.actor import Actor
from service.usecases.plan_sheet import body

LIMIT = 500
"""At most this many persons' plans are read for one listing (the oldest releases first)."""


@dataclass(frozen=True)
class Late:
    """One action of a person's plan, ``days`` past its due day and still planned."""

    person_id: str
    name: str
    plan: plans.Plan
    action: dict[str, Any]
    due: date
    days: int


def overdue(rt: Runtime, actor: Actor, *, today: date | None = None) -> list[Late]:
    """Every overdue action of the actor's cases, most overdue first (then by person)."""
    access.staff_only(actor)
    day = today or date.today()
    has_plan = (
        sa.select(col(PlanVersion.id))
        .where(col(PlanVersion.person_id) == col(Person.person_id))
        .exists()
    )
    query = sa.select(col(Person.person_id), col(Person.full_name_cipher)).where(has_plan)
    if actor.region_kato is not None:
        query = query.where(col(Person.region_kato).startswith(actor.region_kato[:2]))
    query = query.order_by(col(Person.release_date), col(Person.person_id)).limit(LIMIT)
    with rt.session() as session:
        rows = session.execute(query).all()
    found: list[Late] = []
    for person_id, cipher in rows:
        plan = plans.read(rt, actor, person_id)
        name = rt.protector.decrypt(cipher) or ""
        for action in body(plan).get("actions", []):
            due = date.fromisoformat(action["due"])
            if action["status"] == "planned" and due < day:
                found.append(Late(person_id, name, plan, action, due, (day - due).days))
    found.sort(key=lambda late: (-late.days, late.person_id, late.action["id"]))
    return found
