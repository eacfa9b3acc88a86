"""Individual plans: generate, keep every version, let the inspector edit, render.

Every change makes a new version (generated, regenerated, edited, added); nothing is
overwritten. After each edit the dates that follow from the actions (first pay, housing search,
review) and the timing risks are derived again (``matcher.plan.timing``); what moved is kept in
the version (``recomputed``) and rendered in words. A version's body is stored encrypted
(``service.store.sealed``): it is written and read here only, with the database's ``Protector``. Rendering turns the stored plan (codes and facts) into text in ru, kk or en,
as JSON or as a printable A4 HTML page.
"""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session, col

from catalogs.i18n import messages
from matcher import Engine, Person
from matcher import plan as planner
from service.store.protect import Protector
from service.store.sealed import open_json, seal_json
from service.store.tables import PlanVersion

STATUSES = ("planned", "done", "dropped")


class PlanError(ValueError):
    """A change the plan cannot take: ``code`` names the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Version:
    """One version of a plan as read: its row's facts and the body decrypted
    (``PlanVersion.body_cipher``)."""

    id: int | None
    person_id: str
    version: int
    change: str
    author: str
    body: dict[str, Any]
    created_at: datetime


def opened(row: PlanVersion, protector: Protector) -> Version:
    return Version(
        id=row.id,
        person_id=row.person_id,
        version=row.version,
        change=row.change,
        author=row.author,
        body=open_json(protector, row.body_cipher),
        created_at=row.created_at,
    )


def versions(session: Session, person_id: str) -> Sequence[PlanVersion]:
    """Every version of a person's plan, oldest first, without decrypting their bodies."""
    query = (
        sa.select(PlanVersion)
        .where(col(PlanVersion.person_id) == person_id)
        .order_by(col(PlanVersion.version))
    )
    return session.scalars(query).all()


def latest(
    session: Session, person_id: str, version: int | None = None, *, protector: Protector
) -> Version | None:
    query = sa.select(PlanVersion).where(col(PlanVersion.person_id) == person_id)
    if version is not None:
        query = query.where(col(PlanVersion.version) == version)
    row = session.scalars(query.order_by(col(PlanVersion.version).desc())).first()
    return None if row is None else opened(row, protector)


def _save(
    session: Session,
    person_id: str,
    body: dict[str, Any],
    change: str,
    author: str,
    *,
    protector: Protector,
) -> Version:
    number = session.scalar(
        sa.select(sa.func.max(PlanVersion.version)).where(col(PlanVersion.person_id) == person_id)
    )
    number = 1 if number is None else number + 1
    body = {**body, "version": number}
    row = PlanVersion(
        person_id=person_id,
        version=number,
        change=change,
        author=author,
        body_cipher=seal_json(protector, body),
    )
    session.add(row)
    session.flush()  # the caller commits, with its audit rows
    return opened(row, protector)


def generate(
    session: Session, engine: Engine, person: Person, *, author: str, protector: Protector
) -> Version:
    """A new version from the engine; the inspector's decisions in the last one are kept."""
    previous = latest(session, person.person_id, protector=protector)
    body = planner.generate(engine, person, previous=None if previous is None else previous.body)
    change = "generated" if previous is None else "regenerated"
    return _save(session, person.person_id, body, change, author, protector=protector)


NAME_MAX = 120
"""The longest responsible person's name an action takes."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _person_name(value: str) -> str | None:
    """A responsible person's name as stored: one line of at most ``NAME_MAX`` characters,
    trimmed; empty clears it."""
    if _CONTROL.search(value) or len(value.strip()) > NAME_MAX:
        raise PlanError("bad_responsible_name", max=NAME_MAX)
    return value.strip() or None


def _copy_with_action(
    session: Session, person_id: str, action_id: str, protector: Protector
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy of the latest plan's body to change, and its action ``action_id`` in it."""
    current = latest(session, person_id, protector=protector)
    if current is None:
        raise PlanError("no_plan", id=person_id)
    body: dict[str, Any] = copy.deepcopy(current.body)
    action = next((a for a in body["actions"] if a["id"] == action_id), None)
    if action is None:
        raise PlanError("unknown_action", id=action_id)
    return body, action


def edit_action(
    session: Session,
    person_id: str,
    action_id: str,
    *,
    author: str,
    protector: Protector,
    status: str | None = None,
    due: date | None = None,
    responsible: str | None = None,
    responsible_name: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Version:
    """Change one action (a new version). Dropping an action needs a reason (``note``).
    ``responsible_name`` names the person who answers for it (an empty one clears it). A due
    date the inspector sets stays as set; the dates derived from it follow (as of ``today``)."""
    body, action = _copy_with_action(session, person_id, action_id, protector)
    if status is not None and status not in STATUSES:
        raise PlanError("bad_status", statuses=", ".join(STATUSES))
    if responsible is not None and responsible not in planner.RESPONSIBLE:
        raise PlanError("bad_responsible", values=", ".join(planner.RESPONSIBLE))
    if status == "dropped" and not (note or action.get("note")):
        raise PlanError("drop_needs_reason")
    if responsible_name is not None:
        action["responsible_name"] = _person_name(responsible_name)
    for name, value in (("status", status), ("responsible", responsible), ("note", note)):
        if value is not None:
            action[name] = value
    if due is not None:
        action["due"] = due.isoformat()
        action["due_fixed"] = True
    action["edited"] = True
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "edited", author, protector=protector)


def link_referral(
    session: Session,
    person_id: str,
    action_id: str,
    referral_id: int,
    *,
    author: str,
    protector: Protector,
    today: date | None = None,
) -> Version:
    """The action was carried out by a referral (a new version): it is done, and names the
    referral, whose own states tell what became of it."""
    body, action = _copy_with_action(session, person_id, action_id, protector)
    action["referrals"] = [*action.get("referrals", []), referral_id]
    action["status"] = "done"
    action["edited"] = True
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "edited", author, protector=protector)


def add_action(
    session: Session,
    person_id: str,
    *,
    author: str,
    protector: Protector,
    text: str,
    part: str,
    responsible: str,
    due: date,
    responsible_name: str | None = None,
    today: date | None = None,
) -> Version:
    """An action the inspector writes in free text (a new version)."""
    current = latest(session, person_id, protector=protector)
    if current is None:
        raise PlanError("no_plan", id=person_id)
    if part not in planner.PARTS:
        raise PlanError("bad_part", values=", ".join(planner.PARTS))
    if responsible not in planner.RESPONSIBLE:
        raise PlanError("bad_responsible", values=", ".join(planner.RESPONSIBLE))
    if not text.strip():
        raise PlanError("empty_text")
    name = None if responsible_name is None else _person_name(responsible_name)
    body: dict[str, Any] = copy.deepcopy(current.body)
    number = 1 + sum(1 for a in body["actions"] if a["origin"] == "inspector")
    body["actions"].append(
        {
            "id": f"manual-{number}", "rule": None, "part": part, "what": "plan_manual",
            "params": {"text": text.strip()}, "responsible": responsible, "due": due.isoformat(),
            "responsible_name": name, "status": "planned", "items": [], "origin": "inspector", "note": None, "changed": None,
        }
    )  # fmt: skip
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "added", author, protector=protector)


# -- rendering -------------------------------------------------------------------------------


def _t(code: str, lang: str, **params: object) -> str:
    return messages("matcher").text(code, lang, **params)


def _reason(code: str, lang: str, params: dict[str, object]) -> str:
    """An eligibility reason's text with the facts the plan kept; a fact a plan made before
    they were kept is left blank rather than failing the whole plan."""
    table = messages("matcher").templates
    template = table.get(lang, {}).get(code) or table["ru"].get(code, "")
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return _t(code, lang, **dict.fromkeys(names, "") | params)


def _amount(value: int) -> str:
    """2000000 → "2 000 000" (a narrow space would be lost in some printers)."""
    return f"{value:,}".replace(",", " ")


def _action_text(action: dict[str, Any], lang: str, labels: dict[str, str]) -> dict[str, Any]:
    params = {
        k: _amount(v) if isinstance(v, int) and not isinstance(v, bool) and v >= 1000 else v
        for k, v in action["params"].items()
    }
    text = _t(action["what"], lang, **params)
    extra = []
    if action.get("items"):
        extra.append(
            _t(
                "plan_items",
                lang,
                items=", ".join(
                    f"{i['id']} {labels.get(i['id'], '')}".strip() for i in action["items"]
                ),
            )
        )
    if action.get("changed"):
        reason = action["changed"]["reason"]
        why = (
            _t("plan_better_option", lang)
            if reason == "better_option"
            else _reason(reason, lang, action["changed"].get("params") or {})
        )
        extra.append(_t("plan_changed", lang, **{"from": action["changed"]["from"], "reason": why}))
    if action.get("referrals"):
        numbers = ", ".join(f"№ {number}" for number in action["referrals"])
        extra.append(_t("plan_referrals", lang, numbers=numbers))
    if action["params"].get("late"):
        course = action["params"]
        extra.append(
            _t(
                f"plan_course_late_{course['late']}",
                lang,
                until=course["until"],
                first_pay=course["first_pay"],
            )
        )
    if action.get("note"):
        extra.append(_t("plan_note", lang, note=action["note"]))
    return {
        "id": action["id"],
        "due": action["due"],
        "part": action["part"],
        "text": text,
        "details": extra,
        "responsible": _t(f"plan_who_{action['responsible']}", lang),
        "responsible_name": action.get("responsible_name") or "",
        "status": _t(f"plan_state_{action['status']}", lang),
        "status_code": action["status"],
        "origin": action["origin"],
        "items": action.get("items", []),
    }


def recomputed_texts(body: dict[str, Any], lang: str) -> list[str]:
    """What the last edit moved, in words: derived dates (from → to) and risks added or gone."""
    lines = []
    for moved in body.get("recomputed") or []:
        what = moved["what"]
        if what in ("risk_added", "risk_removed"):
            risk = _t(f"plan_risk_{moved['risk']}", lang)
            lines.append(_t(f"plan_{what}", lang, risk=risk))
        elif moved.get("from") and moved.get("to"):
            lines.append(
                _t(f"plan_moved_{what}", lang, **{"from": moved["from"], "to": moved["to"]})
            )
    return lines


def render(
    body: dict[str, Any], lang: str, *, labels: dict[str, str] | None = None, person_label: str = ""
) -> dict[str, Any]:
    """The plan with every text in ``lang``: what the JSON answer and the HTML page show."""
    labels = labels or {}
    parts = body["parts"]
    profile = parts["profile"]
    no = _t("plan_profile_none", lang)
    section: dict[str, list[dict[str, Any]]] = {
        "before_release": [],
        "social_legal": [],
        "employment": [],
        "housing": [],
    }
    for action in body["actions"]:
        section.setdefault(action["part"], []).append(_action_text(action, lang, labels))
    claims = parts["civil_claims"]
    post = body.get("post_penitentiary")

    def yes_no(value: object) -> str:
        return _t("plan_yes" if value else "plan_no", lang)

    return {
        "title": _t("plan_title", lang),
        "law": _t("plan_law", lang),
        "person_id": body["person_id"],
        "person_label": person_label,
        "version": _t(
            "plan_version", lang, version=body.get("version", 1), date=body["generated_on"]
        ),
        "status": _t(f"plan_status_{body['status']}", lang),
        "release": body.get("release_date"),
        "first_pay": _t("plan_first_pay", lang, date=body["first_pay_day"]),
        "review_date": _t("plan_review_date", lang, date=body["review_date"])
        if body.get("review_date")
        else "",
        "recomputed": recomputed_texts(body, lang),
        "parts": [
            {
                "title": _t("plan_part_1", lang),
                "lines": [
                    _t(
                        "plan_pretrial_yes"
                        if parts["pretrial_report"]["applies"]
                        else "plan_pretrial_no",
                        lang,
                    )
                ],
            },
            {
                "title": _t("plan_part_2", lang),
                "lines": [
                    _t(
                        "plan_institution_inside"
                        if parts["institution"]["inside"]
                        else "plan_institution_outside",
                        lang,
                        institution=parts["institution"]["institution"] or "—",
                    )
                ],
            },
            {
                "title": _t("plan_part_3", lang),
                "lines": [
                    _t("plan_claims_none", lang)
                    if claims["paid"]
                    else _t(
                        "plan_claims_unpaid",
                        lang,
                        amount=f"{claims['amount_kzt']:,}".replace(",", " "),
                    )
                ],
            },
            {
                "title": _t("plan_part_4", lang),
                "lines": [
                    _t(
                        "plan_profile_ties",
                        lang,
                        value=_t(f"plan_ties_{profile['family_ties'] or 'unknown'}", lang),
                    ),
                    _t(
                        "plan_profile_health",
                        lang,
                        value=_t(
                            "plan_health_disability"
                            if profile["has_disability"]
                            else "plan_health_ok",
                            lang,
                        ),
                    ),
                    _t(
                        "plan_profile_education",
                        lang,
                        value=_t(f"plan_edu_{profile['education']}", lang)
                        if profile["education"]
                        else no,
                    ),
                    _t(
                        "plan_profile_skills",
                        lang,
                        value=", ".join(profile["professions"] + profile["skills"]) or no,
                    ),
                    _t(
                        "plan_profile_legal",
                        lang,
                        value=_t(
                            "plan_legal_needs_help"
                            if profile["needs_legal_aid"]
                            else "plan_legal_ok",
                            lang,
                        ),
                    ),
                    _t(
                        "plan_profile_needs",
                        lang,
                        value=", ".join(_t(f"plan_need_{n}", lang) for n in profile["needs"]) or no,
                    ),
                ],
            },
        ],
        "before_release": section["before_release"],
        "after_release": [
            {"title": _t(f"plan_section_{name}", lang), "actions": section[name]}
            for name in ("social_legal", "employment", "housing")
        ],
        "post_penitentiary": None
        if post is None
        else {
            "title": _t("plan_post_title", lang),
            "lines": [
                _t("plan_post_work", lang, value=yes_no(post["can_find_work_alone"])),
                _t("plan_post_housing", lang, value=yes_no(post["can_find_housing_alone"])),
                _t("plan_post_special", lang, value=yes_no(post["special_social_services"])),
            ],
        },
        "risks_title": _t("plan_risks", lang),
        "risks": [_t(f"plan_risk_{flag}", lang) for flag in body["risk_flags"]]
        or [_t("plan_risks_none", lang)],
        "columns": {k: _t(f"plan_col_{k}", lang) for k in ("due", "what", "who", "status")},
        "part_5": _t("plan_part_5", lang),
        "part_6": _t("plan_part_6", lang),
        "review_title": _t("plan_review", lang),
        "review": _t("plan_review_counts", lang, **planner.review(body)["counts"]),
        "signature": _t("plan_signature", lang),
        "synthetic": _t("plan_synthetic", lang),
        "lang": lang,
    }


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
    )


def html(
    body: dict[str, Any], lang: str, *, labels: dict[str, str] | None = None, person_label: str = ""
) -> str:
    """The plan as a printable A4 page in ``lang``."""
    return (
        _templates()
        .get_template("plan.html")
        .render(plan=render(body, lang, labels=labels, person_label=person_label))
    )


def item_labels(engine: Engine, body: dict[str, Any]) -> dict[str, str]:
    """Names of the items the actions refer to (titles, centre names)."""
    labels: dict[str, str] = {}
    for action in body["actions"]:
        for ref in action.get("items", []):
            try:
                item = engine.item(ref["kind"], ref["id"])
            except KeyError:
                continue
            labels[ref["id"]] = str(getattr(item, "title", None) or getattr(item, "name", ""))
    return labels
