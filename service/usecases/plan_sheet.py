"""The plan as it is printed: the document to sign (the plan itself through ``plans.read``: scope
checked, audited; who it is for: name, birth year, release, the institution being in the plan;
the inspector who signs; and, for every place an action names, its name, who runs it, where it
is and how to reach it), and past versions to tell what each changed. The pages' print view
and the API's ``format=html`` print the same document (``service.plans.document``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from matcher import plan as planner
from service.plans import document, versions
from service.plans.document import Place as Place
from service.runtime import Runtime
from service.store import audit
from service.store.tables import Account, Course, Shelter, Vacancy
from service.usecases import access, plans
from service.usecases.actor import Actor
from service.usecases.offers import place_name


@dataclass(frozen=True)
class Sheet:
    plan: plans.Plan
    name: str
    birth_year: int | None
    release_date: date | None
    places: dict[str, Place]
    """By item id, for every item the plan's actions name that is still known."""
    inspector: str
    """Who signs as the inspector: the inspector who asks, else the inspector who last changed
    the plan; "" (a line to write on) when no inspector has."""


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
INSPECTOR_AUTHOR = "inspector:account:"
"""How the use cases write an inspector's account as a version's author."""


def body(plan: plans.Plan) -> planner.Body:
    """The plan itself (codes and facts) of a version the use cases gave."""
    return plan.version.body


def _account_name(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)
    return "" if account is None else account.display_name or account.login


def _inspector(session: Session, actor: Actor, person_id: str) -> str:
    if actor.role == "inspector" and actor.account_id is not None:
        return _account_name(session, actor.account_id)
    authors = [row.author for row in versions.versions(session, person_id)]
    theirs = [a for a in authors if a.startswith(INSPECTOR_AUTHOR)]
    number = theirs[-1].removeprefix(INSPECTOR_AUTHOR) if theirs else ""
    return _account_name(session, int(number)) if number.isdigit() else ""


def sheet(rt: Runtime, actor: Actor, person_id: str, *, version: int | None = None) -> Sheet:
    """The plan's latest version (or ``version``) with the facts its printed form names."""
    plan = plans.read(rt, actor, person_id, version=version)
    places: dict[str, Place] = {}
    with rt.session() as session:
        row = access.person(session, actor, person_id)
        for action in body(plan)["actions"]:
            for ref in action["items"]:
                table = TABLES.get(ref["kind"])
                found = None if table is None else session.get(table, ref["id"])
                if isinstance(found, Vacancy | Course | Shelter):
                    places[ref["id"]] = _place(ref["kind"], found)
        inspector = _inspector(session, actor, person_id)
    return Sheet(
        plan=plan,
        name=rt.protector.decrypt(row.full_name_cipher) or "",
        birth_year=row.birth_year,
        release_date=row.release_date,
        places=places,
        inspector=inspector,
    )


def printed(
    found: Sheet,
    lang: str,
    *,
    style_href: str | None = None,
    back: str | None = None,
    today: date | None = None,
) -> str:
    """The sheet as the A4 document in ``lang`` (``service.plans.document``): with
    ``style_href`` the style sheet is linked, else written in (a page that prints alone)."""
    facts = document.Facts(
        name=found.name,
        birth_year=found.birth_year,
        release_date=found.release_date,
        inspector=found.inspector,
        places=found.places,
    )
    return document.html(
        body(found.plan),
        lang,
        labels=found.plan.labels,
        facts=facts,
        where=lambda kato: place_name(kato, lang),
        style_href=style_href,
        back=back,
        printed_on=today,
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
