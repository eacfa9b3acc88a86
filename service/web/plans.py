"""The individual plan's pages: the plan editor (the six parts of art. 16(5), each action with
its status, responsible agency, due day and note; mark done, drop with a reason, change the due
day or who, add an action in free text, regenerate keeping the inspector's decisions; the
dates that follow from the actions; the versions, each with what changed in words and what
that moved) and the plan as an A4 document to print and sign.

Every read and change goes through the plan use cases (``service.usecases.plans``,
``plan_sheet``): scope, audit and versions are theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from matcher import plan as planner
from service.plans import document
from service.usecases import plan_sheet, plans
from service.usecases.actor import Actor
from service.usecases.errors import NotFound, Problem
from service.web.pages import FormDep, PageRoute, Visit, VisitDep
from service.web.plan_view import derived_dates, history, layout, part_title, plan_text

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF = ("officer", "inspector", "admin")
MAX_NOTE = 1000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
SHEET_CSS = "/plans/sheet.css"


class FormError(Exception):
    """A field the plan page refuses before asking the use case (the page shows why)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _plan_page(
    v: Visit,
    person_id: str,
    *,
    error: str | None = None,
    status: int = 200,
    kept: dict[str, str] | None = None,
) -> Response:
    actor = v.need(*STAFF)
    try:
        sheet = plan_sheet.sheet(v.rt, actor, person_id)
    except NotFound as missing:
        if missing.code != "plan_no_plan":
            raise
        return v.redirect(f"/persons/{person_id}#plan")  # no plan yet: made from the person page
    today = date.today()
    rendered, before, after = layout(sheet, v.lang, today)
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
        dates=derived_dates(v, body),
        history=history(v, actor, person_id),
        who=[(code, plan_text(f"plan_who_{code}", v.lang)) for code in planner.RESPONSIBLE],
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


def _changed(
    v: Visit, person_id: str, anchor: str, change: Callable[[], None], kept: dict[str, str]
) -> Response:
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


def _print(v: Visit, person_id: str, version: int | None) -> Response:
    """The plan's latest version (or ``version``) as the A4 document, the same one the API
    gives (``service.plans.document``), its style sheet linked (no inline style here)."""
    actor = v.need(*STAFF)
    sheet = plan_sheet.sheet(v.rt, actor, person_id, version=version)
    back = f"/persons/{person_id}/plan" + ("" if version is None else "#history")
    page = plan_sheet.printed(sheet, v.lang, style_href=SHEET_CSS, back=back)
    return v.render("plan_print.html", document=Markup(page))  # our own template, escaped


@router.get("/persons/{person_id}/plan/print")
async def plan_print(
    v: VisitDep,
    person_id: str,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    return await run_in_threadpool(_print, v, person_id, version)


@router.get(SHEET_CSS)
async def plan_sheet_css() -> Response:
    """The printed plan's style sheet (A4), the one the API's page writes in."""
    return Response(document.stylesheet(), media_type="text/css")
