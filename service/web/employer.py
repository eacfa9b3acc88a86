"""The employer's pages: referrals waiting for an answer (soonest deadline first) and those at
interview; accept, mark hired, decline with a reason; for those hired, report the three months
kept (or that the person left). Staff read the same lists for their
region. An employer sees only its own referrals: any other is unknown (404)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.usecases import notifications, referrals
from service.usecases.errors import Problem
from service.usecases.referrals import Move
from service.web.pages import FormDep, PageNotFound, PageRoute, Visit, VisitDep, form_int

router = APIRouter(route_class=PageRoute, include_in_schema=False)
READERS = ("employer", "officer", "inspector", "admin")


def _lists(v: Visit, *, error: str | None = None, status: int = 200) -> Response:
    actor = v.need(*READERS)
    today = date.today()
    waiting = referrals.listing(v.rt, actor, view="waiting", limit=200)
    interview = referrals.listing(v.rt, actor, state="interview", limit=200)
    hired = referrals.listing(v.rt, actor, state="hired", limit=200)
    return v.render(
        "referrals.html",
        status=status,
        title=v.t("referrals_title"),
        waiting=[r.as_dict(v.lang, today) for r in waiting],
        interview=[r.as_dict(v.lang, today) for r in interview],
        hired=[r.as_dict(v.lang, today) for r in hired],
        error=error,
        done=v.request.query_params.get("done"),
    )


@router.get("/referrals")
async def referrals_page(v: VisitDep) -> Response:
    return await run_in_threadpool(_lists, v)


@router.get("/referrals/{referral_id}")
async def referral_link(v: VisitDep, referral_id: int) -> Response:
    """Where a notification's link leads: the employer's list (opening it tells the officer
    it was seen), or the person page for staff."""
    actor = v.need(*READERS)
    view = await run_in_threadpool(referrals.get, v.rt, actor, referral_id)
    if actor.role == "employer":
        return v.redirect(f"/referrals#r{referral_id}")
    return v.redirect(f"/persons/{view.row.person_id}#referrals")


@router.get("/referrals/{referral_id}/decline")
async def decline_form(v: VisitDep, referral_id: int) -> Response:
    actor = v.need(*READERS)
    view = await run_in_threadpool(referrals.get, v.rt, actor, referral_id)
    return v.render(
        "decline.html",
        title=v.t("decline_title"),
        referral=view.as_dict(v.lang),
        reasons=notifications.referral_reasons(v.lang)["declined"],
        error=None,
    )


ANSWERS = {
    "accept": "interview", "hired": "hired", "decline": "declined", "retained": "retained_3m",
    "quit": "quit",
}  # fmt: skip


@router.post("/referrals/{referral_id}/answer")
async def answer(v: VisitDep, fields: FormDep, referral_id: int) -> Response:
    actor = v.need(*READERS)
    to = ANSWERS.get(fields.get("action", ""))
    if to is None:
        raise PageNotFound()
    change = Move(
        to=to,
        reason=fields.get("reason") or None,
        contract_months=form_int(fields, "contract_months") if to == "hired" else None,
    )
    try:
        await run_in_threadpool(referrals.move, v.rt, actor, referral_id, change)
    except Problem as problem:
        if problem.status == 404:
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _lists(v, error=message, status=status))
    return v.redirect(f"/referrals?done={referral_id}")
