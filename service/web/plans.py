"""The individual plan's pages: the plan editor (the six parts of art. 16(5), each action with
its status, responsible agency, due day and note; mark done, drop with a reason, change the due
day or who, add an action in free text, regenerate keeping the inspector's decisions; the
versions, each with what changed in words) and the plan as an A4 document to print and sign.

Every read and change goes through the plan use cases (``service.usecases.plans``,
``plan_sheet``): scope, audit and versions are theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.i18n import messages
from matcher import plan as planner
from service.plans import versions as rendering
from service.store.tables import Account
from service.usecases import plan_sheet, plans
from service.usecases.actor import Actor
from service.usecases.errors import NotFound, Problem
from service.web.pages import FormDep, PageRoute, Visit, VisitDep, day
from service.web.staff import place_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF = ("officer", "inspector", "admin")
HISTORY_DIFFS = 10
"""The latest versions whose changes the plan page spells out (older ones: who and when)."""
MAX_NOTE = 1000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
GROUPS = ("social_legal", "employment", "housing")
"""The three headings of part 6 (after release), in the law's order."""


def _m(key: str, lang: str, **params: object) -> str:
    """A text of the plan engine (``matcher/locales``): statuses, agencies, part titles."""
    return messages("matcher").text(key, lang, **params)


def part_title(part: str, lang: str, *, full: bool = False) -> str:
    """A part of the plan an action belongs to: part 5 (before release) or a heading of part 6
    (with the part's own title when ``full``)."""
    if part == "before_release":
        return _m("plan_part_5", lang)
    heading = _m(f"plan_section_{part}", lang)
    return f"{_m('plan_part_6', lang)} — {heading}" if full else heading


class FormError(Exception):
    """A field the plan page refuses before asking the use case (the page shows why)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# -- what the pages show ---------------------------------------------------------------------


def action_texts(
    body: dict[str, Any], lang: str, labels: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Each action's words in ``lang`` (by action id), as the plan's own rendering has them."""
    shown = rendering.render(body, lang, labels=labels)
    found = {a["id"]: a for a in shown["before_release"]}
    for group in shown["after_release"]:
        found.update({a["id"]: a for a in group["actions"]})
    return found


def _details(action: dict[str, Any], lines: list[str]) -> list[str]:
    """The rendering's details of an action, but the first (the items by id: the pages name
    their places instead) and the last (the note: the pages show it as a field of its own)."""
    start = 1 if action.get("items") else 0
    end = len(lines) - 1 if action.get("note") else len(lines)
    return lines[start:end]


def _action(
    action: dict[str, Any], words: dict[str, Any], today: date, places: dict[str, Any]
) -> dict[str, Any]:
    due = date.fromisoformat(action["due"])
    items = [places[ref["id"]] for ref in action.get("items", []) if ref["id"] in places]
    return {
        "id": action["id"],
        "text": words["text"],
        "details": _details(action, words["details"]),
        "places": items,
        "status": action["status"],
        "status_text": words["status"],
        "responsible": action["responsible"],
        "responsible_text": words["responsible"],
        "responsible_name": action.get("responsible_name") or "",
        "due": due,
        "overdue": action["status"] == "planned" and due < today,
        "note": action.get("note") or "",
        "origin": action["origin"],
    }


def _layout(
    sheet: plan_sheet.Sheet, lang: str, today: date
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rendered plan, its part 5 actions and part 6's three groups of actions."""
    body = plan_sheet.body(sheet.plan)
    words = action_texts(body, lang, sheet.plan.labels)
    actions = {
        a["id"]: _action(a, words[a["id"]], today, sheet.places)
        for a in body["actions"]
        if a["id"] in words
    }
    ordered = [actions[a["id"]] for a in body["actions"] if a["id"] in actions]
    parts = {a["id"]: a["part"] for a in body["actions"]}
    before = [a for a in ordered if parts[a["id"]] == "before_release"]
    after = [
        {
            "code": group,
            "title": _m(f"plan_section_{group}", lang),
            "actions": [a for a in ordered if parts[a["id"]] == group],
        }
        for group in GROUPS
    ]
    return rendering.render(body, lang, labels=sheet.plan.labels), before, after


@dataclass(frozen=True)
class Change:
    """One version of the plan as the history shows it."""

    version: int
    change: str
    author: str
    at: datetime
    lines: list[str] | None
    """What changed, in words (None for a version older than ``HISTORY_DIFFS``)."""


Texts = dict[str, dict[str, Any]]
"""A version's actions in words, by action id (``action_texts``)."""


def _diff(
    v: Visit, earlier: tuple[dict[str, Any], Texts] | None, later: tuple[dict[str, Any], Texts]
) -> list[str]:
    """What one version (its body and its actions' words) changed from the one before, in
    sentences."""
    if earlier is None:
        return [v.t("plan_diff_made")]
    lang = v.lang
    (before, old_words), (after, new_words) = earlier, later
    old = {a["id"]: a for a in before["actions"]}
    lines: list[str] = []
    for action in after["actions"]:
        what = new_words.get(action["id"], {}).get("text", action["id"])
        was = old.pop(action["id"], None)
        if was is None:
            lines.append(v.t("plan_diff_added", what=what))
            continue
        if was["status"] != action["status"]:
            if action["status"] == "dropped":
                lines.append(v.t("plan_diff_dropped", what=what, reason=action.get("note") or "—"))
            else:
                lines.append(
                    v.t(
                        "plan_diff_status",
                        what=what,
                        before=_m(f"plan_state_{was['status']}", lang),
                        after=_m(f"plan_state_{action['status']}", lang),
                    )
                )
        if was["due"] != action["due"]:
            lines.append(
                v.t(
                    "plan_diff_due",
                    what=what,
                    before=day(date.fromisoformat(was["due"])),
                    after=day(date.fromisoformat(action["due"])),
                )
            )
        if was["responsible"] != action["responsible"]:
            lines.append(
                v.t(
                    "plan_diff_who",
                    what=what,
                    before=_m(f"plan_who_{was['responsible']}", lang),
                    after=_m(f"plan_who_{action['responsible']}", lang),
                )
            )
        name = action.get("responsible_name") or ""
        if name != (was.get("responsible_name") or ""):
            key = "plan_diff_who_name" if name else "plan_diff_who_name_cleared"
            lines.append(v.t(key, what=what, name=name))
        note = action.get("note") or ""
        if note != (was.get("note") or "") and not (
            action["status"] == "dropped" and was["status"] != "dropped"
        ):
            lines.append(v.t("plan_diff_note", what=what, note=note or "—"))
        if was.get("items") != action.get("items"):
            lines.append(v.t("plan_diff_items", what=what))
    for action in old.values():
        what = old_words.get(action["id"], {}).get("text", action["id"])
        lines.append(v.t("plan_diff_removed", what=what))
    return lines or [v.t("plan_diff_none")]


def _names(v: Visit, authors: set[str]) -> dict[str, str]:
    """Accounts' names for authors as use cases write them (``inspector:account:5``)."""
    ids = {
        author: int(parts[2])
        for author in authors
        if len(parts := author.split(":")) == 3 and parts[1] == "account" and parts[2].isdigit()
    }
    found: dict[str, str] = {}
    with v.rt.session() as session:
        for author, number in ids.items():
            account = session.get(Account, number)
            if account is not None:
                found[author] = account.display_name or account.login
    return {author: found.get(author, v.t("plan_author_system")) for author in authors}


def _history(v: Visit, actor: Actor, person_id: str) -> list[Change]:
    """Every version, newest first; the latest ``HISTORY_DIFFS`` with what they changed."""
    rows = plans.history(v.rt, actor, person_id)
    names = _names(v, {row.author for row in rows})
    recent = [row.version for row in rows][-HISTORY_DIFFS - 1 :]
    read = {
        number: (body := plan_sheet.body(plan), action_texts(body, v.lang, plan.labels))
        for number, plan in plan_sheet.past(v.rt, actor, person_id, recent).items()
    }
    changes = []
    for row in rows:
        lines = None
        if row.version in read and (row.version - 1 in read or row.version == 1):
            lines = _diff(v, read.get(row.version - 1), read[row.version])
        changes.append(Change(row.version, row.change, names[row.author], row.created_at, lines))
    return changes[::-1]


def _plan_page(
    v: Visit, person_id: str, *, error: str | None = None, status: int = 200, kept: Any = None
) -> Response:
    actor = v.need(*STAFF)
    try:
        sheet = plan_sheet.sheet(v.rt, actor, person_id)
    except NotFound as missing:
        if missing.code != "plan_no_plan":
            raise
        return v.redirect(f"/persons/{person_id}#plan")  # no plan yet: made from the person page
    today = date.today()
    rendered, before, after = _layout(sheet, v.lang, today)
    body = plan_sheet.body(sheet.plan)
    return v.render(
        "plan.html",
        status=status,
        title=v.t("plan_page_title", id=person_id),
        person_id=person_id,
        name=sheet.name,
        plan=rendered,
        number=sheet.plan.version.version,
        made_on=date.fromisoformat(body["generated_on"]),
        release=sheet.release_date,
        before=before,
        after=after,
        history=_history(v, actor, person_id),
        who=[(code, _m(f"plan_who_{code}", v.lang)) for code in planner.RESPONSIBLE],
        parts=[(part, part_title(part, v.lang, full=True)) for part in planner.PARTS],
        today=today,
        error=error,
        kept=kept or {},
    )


@router.get("/persons/{person_id}/plan")
async def plan_page(v: VisitDep, person_id: str) -> Response:
    return await run_in_threadpool(_plan_page, v, person_id)


@router.post("/persons/{person_id}/plan")
async def plan_make(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    """Make the plan, or a new version of it (the inspector's decisions kept)."""
    actor = v.need(*STAFF)
    await run_in_threadpool(plans.generate, v.rt, actor, person_id)
    if fields.get("back") == "plan":
        return v.redirect(f"/persons/{person_id}/plan#history")
    return v.redirect(f"/persons/{person_id}#plan")


# -- changes -----------------------------------------------------------------------------------


def _day(fields: dict[str, str], name: str) -> date:
    try:
        found = date.fromisoformat(fields.get(name, "").strip())
    except ValueError:
        raise FormError("plan_error_day") from None
    if not FIRST_DAY <= found <= LAST_DAY:
        raise FormError("plan_error_day")
    return found


def _text(fields: dict[str, str], name: str, *, required: str | None = None) -> str:
    found = " ".join(fields.get(name, "").split())
    if required and not found:
        raise FormError(required)
    if len(found) > MAX_NOTE:
        raise FormError("plan_error_long")
    return found


def _who(fields: dict[str, str]) -> str:
    found = fields.get("responsible", "")
    if found not in planner.RESPONSIBLE:
        raise FormError("plan_error_who")
    return found


def _name(fields: dict[str, str]) -> str:
    """The responsible person's name as typed (trimmed; empty clears it). Control characters
    and an over-long name are refused by the plan itself."""
    return fields.get("responsible_name", "").strip()


def _edit(v: Visit, actor: Actor, person_id: str, action_id: str, fields: dict[str, str]) -> None:
    do = fields.get("do", "")
    if do == "done":
        plans.edit_action(v.rt, actor, person_id, action_id, status="done")
    elif do == "planned":
        plans.edit_action(v.rt, actor, person_id, action_id, status="planned")
    elif do == "drop":
        reason = _text(fields, "reason", required="plan_error_reason")
        plans.edit_action(v.rt, actor, person_id, action_id, status="dropped", note=reason)
    elif do == "change":
        note = _text(fields, "note")
        plans.edit_action(
            v.rt, actor, person_id, action_id, due=_day(fields, "due"),
            responsible=_who(fields), responsible_name=_name(fields), note=note or None,
        )  # fmt: skip
    else:
        raise FormError("plan_error_what")


def _add(v: Visit, actor: Actor, person_id: str, fields: dict[str, str]) -> None:
    text = _text(fields, "text", required="plan_error_text")
    part = fields.get("part", "")
    if part not in planner.PARTS:
        raise FormError("plan_error_part")
    plans.add_action(
        v.rt, actor, person_id, text=text, part=part, responsible=_who(fields),
        responsible_name=_name(fields) or None, due=_day(fields, "due"),
    )  # fmt: skip


def _changed(v: Visit, person_id: str, anchor: str, change: Any, kept: dict[str, str]) -> Response:
    """Make the change, back to the plan at ``anchor``; a refused one shows the page again
    with why (and what was typed)."""
    try:
        change()
    except FormError as refused:
        return _plan_page(v, person_id, error=v.t(refused.key), status=400, kept=kept)
    except Problem as problem:
        if problem.status == 404:
            raise
        return _plan_page(
            v, person_id, error=problem.message(v.lang), status=problem.status, kept=kept
        )
    return v.redirect(f"/persons/{person_id}/plan#{anchor}")


@router.post("/persons/{person_id}/plan/actions/{action_id}")
async def plan_edit(v: VisitDep, fields: FormDep, person_id: str, action_id: str) -> Response:
    actor = v.need(*STAFF)
    return await run_in_threadpool(
        _changed, v, person_id, f"action-{action_id}",
        lambda: _edit(v, actor, person_id, action_id, fields), {},
    )  # fmt: skip


@router.post("/persons/{person_id}/plan/actions")
async def plan_add(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    actor = v.need(*STAFF)
    kept = {
        k: fields.get(k, "") for k in ("text", "part", "responsible", "responsible_name", "due")
    }
    return await run_in_threadpool(
        _changed, v, person_id, "add", lambda: _add(v, actor, person_id, fields), kept
    )


# -- the printed plan ----------------------------------------------------------------------------


def _print(v: Visit, person_id: str) -> Response:
    actor = v.need(*STAFF)
    sheet = plan_sheet.sheet(v.rt, actor, person_id)
    rendered, before, after = _layout(sheet, v.lang, date.today())
    body = plan_sheet.body(sheet.plan)
    return v.render(
        "plan_print.html",
        title=v.t("plan_page_title", id=person_id),
        person_id=person_id,
        name=sheet.name,
        birth_year=sheet.birth_year,
        institution=body["parts"]["institution"]["institution"] or "",
        release=sheet.release_date,
        inspector=_inspector(v, actor, person_id),
        plan=rendered,
        number=sheet.plan.version.version,
        made_on=date.fromisoformat(body["generated_on"]),
        first_pay=date.fromisoformat(body["first_pay_day"]),
        before=before,
        after=after,
        places=sorted(sheet.places.values(), key=lambda p: (p.kind, p.name)),
        where=lambda kato: place_name(kato, v.lang),
        printed_on=date.today(),
    )


def _inspector(v: Visit, actor: Actor, person_id: str) -> str:
    """Who signs as the inspector: the one printing, else the inspector who last changed the
    plan; none (a line to write on) when no inspector has."""
    if v.account is not None and v.account.role == "inspector":
        return v.account.display_name or v.account.login
    authors = [row.author for row in plans.history(v.rt, actor, person_id)]
    theirs = [author for author in authors if author.startswith("inspector:account:")]
    return _names(v, {theirs[-1]})[theirs[-1]] if theirs else ""


@router.get("/persons/{person_id}/plan/print")
async def plan_print(v: VisitDep, person_id: str) -> Response:
    return await run_in_threadpool(_print, v, person_id)
