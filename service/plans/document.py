"""The plan as one A4 document to print and sign, for the pages (``/persons/{id}/plan/print``),
the API (``GET /persons/{id}/plan?format=html``) and the command line alike: one template
(``templates/plan.html``) and one print style sheet (``templates/plan.css``).

Who it is for (name, birth year, institution, release, the inspector who signs) and the places
the actions name (who runs them, where, how to reach them) come with ``Facts`` when the caller
has them; without, the document is the plan alone with lines to write on. The style sheet is
linked (the pages: their policy forbids inline style) or written into the page (a file that
prints on its own). Words: the plan's (``rendering``, ``matcher/locales``) and the document's
own (``service/web/locales/plans.*.json``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from catalogs.i18n import messages
from matcher import plan as planner
from service.plans import rendering

TEMPLATES = Path(__file__).parent / "templates"
GROUPS = ("social_legal", "employment", "housing")
"""The three headings of part 6 (after release), in the law's order."""


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
class Facts:
    """What the printed plan names beside the plan itself."""

    name: str = ""
    birth_year: int | None = None
    release_date: date | None = None
    inspector: str = ""
    """Who signs as the inspector ("": a line to write on)."""
    places: dict[str, Place] = field(default_factory=dict)
    """By item id, for every item the plan's actions name that is still known."""


@dataclass(frozen=True)
class Row:
    """One action as the document prints it."""

    id: str
    due: date
    text: str
    places: list[Place]
    details: list[str]
    status: str
    status_text: str
    responsible_text: str
    responsible_name: str


@dataclass(frozen=True)
class Group:
    title: str
    rows: list[Row]


def _row(
    action: planner.Action, lang: str, labels: dict[str, str], places: dict[str, Place]
) -> Row:
    named = [places[ref["id"]] for ref in action["items"] if ref["id"] in places]
    every_place_known = len(named) == len(action["items"])
    return Row(
        id=action["id"],
        due=date.fromisoformat(action["due"]),
        text=rendering.what(action, lang),
        places=named,
        details=rendering.details(action, lang, labels, items=not every_place_known),
        status=action["status"],
        status_text=messages("matcher").text(f"plan_state_{action['status']}", lang),
        responsible_text=messages("matcher").text(f"plan_who_{action['responsible']}", lang),
        responsible_name=action.get("responsible_name") or "",
    )


def _iso(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value)


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%d.%m.%Y")


@cache
def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["day"] = _day
    return env


@cache
def stylesheet() -> str:
    """The document's print style sheet (A4)."""
    return (TEMPLATES / "plan.css").read_text(encoding="utf-8")


def html(
    body: planner.Body,
    lang: str,
    *,
    labels: dict[str, str] | None = None,
    facts: Facts | None = None,
    where: Callable[[str], str] | None = None,
    style_href: str | None = None,
    back: str | None = None,
    printed_on: date | None = None,
    person_label: str = "",
) -> str:
    """The plan as an A4 page in ``lang``. ``where`` names a place's settlement from its KATO
    code; ``style_href`` links the style sheet instead of writing it in; ``back`` is the page
    a bar above the document (not printed) leads back to."""
    labels = labels or {}
    facts = facts or Facts()
    rows = {a["id"]: _row(a, lang, labels, facts.places) for a in body["actions"]}
    parts = {a["id"]: a["part"] for a in body["actions"]}

    def t(key: str, **params: object) -> str:
        return messages("service.web").text(key, lang, **params)

    return (
        _templates()
        .get_template("plan.html")
        .render(
            plan=rendering.render(body, lang, labels=labels, person_label=person_label),
            lang=lang,
            t=t,
            person_id=body["person_id"],
            facts=facts,
            institution=body["parts"]["institution"]["institution"] or "",
            release=facts.release_date or _iso(body["release_date"]),
            number=body.get("version", 1),
            made_on=date.fromisoformat(body["generated_on"]),
            first_pay=_iso(body.get("first_pay_day")),
            before=[rows[i] for i, part in parts.items() if part == "before_release"],
            after=[
                Group(
                    messages("matcher").text(f"plan_section_{group}", lang),
                    [rows[i] for i, part in parts.items() if part == group],
                )
                for group in GROUPS
            ],
            places=sorted(facts.places.values(), key=lambda p: (p.kind, p.name)),
            where=where or (lambda kato: kato),
            style=None if style_href else Markup(stylesheet()),  # our own file
            style_href=style_href,
            back=back,
            printed_on=printed_on or date.today(),
        )
    )
