"""The employer's pages: its quota obligation against the slots it offers and the people hired
and kept, with the days left in each offer window; its vacancies, and for each the anonymised
candidates (``GET /api/v1/vacancies/{id}/candidates`` as an employer reads it: no personal
data); referrals waiting for an answer (soonest deadline first) and those at interview; accept,
mark hired, decline with a reason; for those hired, report the three months kept (or that the
person left). Staff read the same referral lists for their region. An employer sees only its
own vacancies and referrals: any other is unknown (404)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.i18n import decimal, messages
from service.api.views import anonymous
from service.usecases import capacity, employers, notifications, referrals, shortlists, vacancies
from service.usecases.errors import NotFound, Problem
from service.usecases.referral_moves import Move
from service.web.pages import FormDep, PageNotFound, PageRoute, Visit, VisitDep, form_int
from service.web.vacancies import details

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


CANDIDATES = 20


def _obligation(v: Visit, bin_: str, today: date) -> dict[str, object] | None:
    """The employer's record and standing as the page words them (None: no record yet)."""
    actor = v.actor()
    try:
        view = employers.read(v.rt, actor, bin_, as_of=today)
    except NotFound:
        return None
    row, standing = view.record, view.standing
    missing = standing.missing
    percent = None if row.quota_percent is None else decimal(row.quota_percent, v.lang)
    return {
        "name": row.name,
        "headcount": row.headcount,
        "percent": percent,
        "obligation": standing.obligation,
        "missing": None
        if missing is None
        else messages("service").text(f"report_incomplete_{missing}", v.lang),
        "offered": standing.slots_offered,
        "hired": standing.hired,
        "kept": standing.fulfilled,
        "windows": standing.windows,
    }


def _home(v: Visit) -> Response:
    actor = v.need("employer")
    bin_ = actor.employer_bin or ""
    today = date.today()
    try:
        found = capacity.employer_vacancies(v.rt, actor, bin_, today=today)
    except NotFound:
        found = []
    return v.render(
        "employer.html",
        title=v.t("employer_title"),
        standing=_obligation(v, bin_, today),
        vacancies=[details(v, one, today) for one in found],
        titles={one.vacancy.vacancy_id: one.vacancy.title for one in found},
    )


@router.get("/employer")
async def employer_home(v: VisitDep) -> Response:
    return await run_in_threadpool(_home, v)


def _vacancy(v: Visit, vacancy_id: str) -> Response:
    actor = v.need("employer")
    today = date.today()
    found = vacancies.read(v.rt, actor, vacancy_id, today=today)
    listed = shortlists.vacancy_candidates(v.rt, actor, vacancy_id=vacancy_id, limit=CANDIDATES)
    candidates = [
        anonymous(
            item, person, protector=v.rt.protector, employer_bin=actor.employer_bin or "",
            lang=v.lang, today=today,
        )
        for item, person in listed.items
    ]  # fmt: skip
    return v.render(
        "employer_vacancy.html",
        title=found.vacancy.title,
        vacancy=details(v, found, today),
        candidates=candidates,
    )


@router.get("/employer/vacancies/{vacancy_id}")
async def employer_vacancy(v: VisitDep, vacancy_id: str) -> Response:
    """One of the employer's vacancies with its anonymised candidates (another's: 404)."""
    return await run_in_threadpool(_vacancy, v, vacancy_id)
