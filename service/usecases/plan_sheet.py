"""The plan as its pages show it: the document to print and sign (the plan itself through
``plans.read``: scope checked, audited; who it is for: name, birth year, release, the
institution being in the plan; and, for every place an action names, its name, who runs it,
where it is and how to reach it), and past versions to tell what each changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.plans import versions
from service.runtime import Runtime
from service.store import audit
from service.store.tables import Course, Shelter, Vacancy
from service.usecases import access, plans
from service.usecases.actor import Actor


@dataclass(frozen=True)
class Place:
    """A vacancy, course or adaptation centre an action names."""

    kind: str
    id: str
    name: str
    by: str
    kato: str | None
    address: str
    phone: str
    url: str


@dataclass(frozen=True)
class Sheet:
    plan: plans.Plan
    name: str
    birth_year: int | None
    release_date: date | None
    places: dict[str, Place]
    """By item id, for every item the plan's actions name that is still known."""


def _place(kind: str, row: Vacancy | Course | Shelter) -> Place:
    if isinstance(row, Vacancy):
        return Place(kind, row.vacancy_id, row.title, row.employer_name or "", row.kato, "", "", "")
    if isinstance(row, Course):
        return Place(kind, row.course_id, row.title, row.provider or "", row.kato, "", "",
                     row.url or "")  # fmt: skip
    return Place(kind, row.shelter_id, row.name, row.operator or "", row.kato, row.address or "",
                 row.phone or "", "")  # fmt: skip


TABLES: dict[str, type[Vacancy] | type[Course] | type[Shelter]] = {
    "vacancy": Vacancy,
    "course": Course,
    "shelter": Shelter,
}


def body(plan: plans.Plan) -> dict[str, Any]:
    """The plan itself (codes and facts) of a version the use cases gave."""
    found: dict[str, Any] = plan.version.body
    return found


def sheet(rt: Runtime, actor: Actor, person_id: str, *, version: int | None = None) -> Sheet:
    """The plan's latest version (or ``version``) with the facts its printed form names."""
    plan = plans.read(rt, actor, person_id, version=version)
    places: dict[str, Place] = {}
    with rt.session() as session:
        row = access.person(session, actor, person_id)
        for action in body(plan).get("actions", []):
            for ref in action.get("items", []):
                table = TABLES.get(ref.get("kind", ""))
                found = None if table is None else session.get(table, ref.get("id"))
                if isinstance(found, Vacancy | Course | Shelter):
                    places[ref["id"]] = _place(ref["kind"], found)
    return Sheet(
        plan=plan,
        name=rt.protector.decrypt(row.full_name_cipher) or "",
        birth_year=row.birth_year,
        release_date=row.release_date,
        places=places,
    )


def past(
    rt: Runtime, actor: Actor, person_id: str, numbers: Sequence[int]
) -> dict[int, plans.Plan]:
    """The versions ``numbers`` of the person's plan (those that exist), read in one
    transaction and audited as one plan read: what the history compares."""
    with rt.session() as session:
        access.person(session, actor, person_id)
        found = {
            number: version
            for number in numbers
            if (version := versions.latest(session, person_id, number, protector=rt.protector))
        }
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=[person_id], action="plan_read")
        session.commit()
    engine = rt.serving.engine(rt)
    return {n: plans.Plan(v, versions.item_labels(engine, v.body)) for n, v in found.items()}
