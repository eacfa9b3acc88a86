"""Allocation proposals for a release cohort: a form (release window, region) that queues the
allocation job (``POST /api/v1/allocations``), the job's progress page, then its lines, each
with "accept" (a referral of the person to the proposed item, ``source="allocation"``) or
"change" (a referral to one of the line's alternatives instead). A proposal takes no place:
only the referrals an officer accepts do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.reference.places import places
from matcher import KINDS, Engine
from service.store.tables import Job
from service.usecases import jobs, referrals, shortlists
from service.usecases.errors import Problem
from service.web.admin import REFRESH_SECONDS
from service.web.pages import FormDep, PageNotFound, PageRoute, Visit, VisitDep
from service.web.staff import STAFF

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LINES = 100
"""Lines of a proposal shown on one page."""
DEFAULT_WEEKS = 12
"""The form proposes the people released within the next 12 weeks."""
MAX_DAYS = 366
"""A release window of at most a year (a longer one is refused on the form)."""


@dataclass(frozen=True)
class Choice:
    kind: str
    item_id: str
    title: str
    expected: str


def _regions(v: Visit) -> list[tuple[str, str]]:
    """The regions the account may allocate in: its own, or all for an account without one."""
    own = v.actor().region_kato
    found = [p for p in places().regions() if own is None or p.kato == own]
    return [(p.kato, p.name(v.lang)) for p in found]


def _form(
    v: Visit, *, error: str | None = None, status: int = 200, typed: dict[str, str] | None = None
) -> Response:
    v.need(*STAFF)
    today = date.today()
    values = typed or {
        "release_from": today.isoformat(),
        "release_to": (today + timedelta(weeks=DEFAULT_WEEKS)).isoformat(),
        "kato": "",
    }
    return v.render(
        "allocation_form.html",
        status=status,
        title=v.t("allocation_title"),
        regions=_regions(v),
        values=values,
        error=error,
    )


@router.get("/allocations")
async def allocation_form(v: VisitDep) -> Response:
    return await run_in_threadpool(_form, v)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _window(v: Visit, typed: dict[str, str], kato: str) -> tuple[date, date] | str:
    """The release window of the form, or what is wrong with it (in the reader's words)."""
    start, end = _day(typed["release_from"]), _day(typed["release_to"])
    if start is None or end is None:
        return v.t("allocation_bad_date")
    if end < start:
        return v.t("allocation_bad_window")
    if (end - start).days > MAX_DAYS:
        return v.t("allocation_window_too_long", days=MAX_DAYS)
    if kato not in {code for code, _ in _regions(v)}:
        return v.t("allocation_bad_region")
    return start, end


@router.post("/allocations")
async def allocation_start(v: VisitDep, fields: FormDep) -> Response:
    actor = v.need(*STAFF)
    typed = {k: fields.get(k, "")[:20] for k in ("release_from", "release_to", "kato")}
    kato = typed["kato"] or actor.region_kato or ""
    window = _window(v, typed, kato)
    if isinstance(window, str):
        problem = window
        return await run_in_threadpool(lambda: _form(v, error=problem, status=422, typed=typed))
    start, end = window
    job = await run_in_threadpool(
        lambda: jobs.allocate(
            v.rt, actor, kato=kato, release_from=start, release_to=end, lang=v.lang
        )
    )
    return v.redirect(f"/allocations/{job.id}")


def _choice(v: Visit, engine: Engine, kind: str, item_id: str, expected: object) -> Choice:
    """An item of a line as the officer reads it: title, who offers it, its id."""
    try:
        item = engine.item(kind, item_id)
    except KeyError:
        title = item_id  # closed or removed since the proposal was made
    else:
        name = getattr(item, "title", None) or getattr(item, "name", None) or item_id
        by = getattr(item, "employer_name", None) or getattr(item, "provider", None)
        title = f"{name} — {by} ({item_id})" if by else f"{name} ({item_id})"
    share = f"{100 * float(str(expected)):.0f}"
    return Choice(kind, item_id, title, v.t("allocation_expected", percent=share))


def _assignments(job: Job) -> list[dict[str, Any]]:
    """The proposal's lines as the job stored them (``Allocation.as_dict``)."""
    found = (job.result or {}).get("assignments")
    return [line for line in found if isinstance(line, dict)] if isinstance(found, list) else []


def _lines(v: Visit, job: Job, page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the proposal's lines, worded (titles, reasons, alternatives)."""
    found = _assignments(job)
    engine = shortlists.engine_for(v.rt, None)
    pages = max(1, -(-len(found) // LINES))
    shown = []
    for line in found[(page - 1) * LINES : page * LINES]:
        kind = str(line.get("kind"))
        item_id = line.get("item_id")
        shown.append(
            {
                "person": str(line.get("person_id")),
                "kind": kind,
                "item": None
                if item_id is None
                else _choice(v, engine, kind, str(item_id), line.get("expected", 0)),
                "reasons": [str(r.get("text", "")) for r in line.get("reasons", [])],
                "alternatives": [
                    _choice(v, engine, str(a.get("kind")), str(a.get("item_id")),
                            a.get("expected", 0))
                    for a in line.get("alternatives", []) if a.get("kind") in KINDS
                ],
                "advice": [  # a next step that is no item (the akimat's housing search)
                    str(r.get("text", ""))
                    for a in line.get("alternatives", []) if a.get("kind") not in KINDS
                    for r in a.get("reasons", [])
                ],
            }
        )  # fmt: skip
    return shown, pages


def _job_page(
    v: Visit, job_id: str, *, page: int = 1, error: str | None = None, status: int = 200
) -> Response:
    actor = v.need(*STAFF)
    job = jobs.read(v.rt, actor, job_id)
    if job.kind != "allocation":
        raise PageNotFound()
    params = job.params
    lines: list[dict[str, Any]] = []
    pages = 1
    if job.state == "succeeded":
        lines, pages = _lines(v, job, page)
    summary = (job.result or {}).get("summary", {}) if job.state == "succeeded" else {}
    failure = (job.error or {}).get("message") if job.state == "failed" else None
    response = v.render(
        "allocation.html",
        status=status,
        title=v.t("allocation_title"),
        job=job,
        region=places().get(str(params.get("kato"))),
        release_from=_day(str(params.get("release_from", ""))),
        release_to=_day(str(params.get("release_to", ""))),
        progress=round(100 * job.progress),
        persons=summary.get("persons") if isinstance(summary, dict) else None,
        lines=lines,
        page=page,
        pages=pages,
        failure=failure,
        error=error,
        done=v.request.query_params.get("done"),
    )
    if job.state in ("queued", "running"):  # reloads itself (no script) until the job ends
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/allocations/{job_id}")
async def allocation_page(v: VisitDep, job_id: str, page: int = 1) -> Response:
    return await run_in_threadpool(lambda: _job_page(v, job_id, page=max(1, page)))


@router.post("/allocations/{job_id}/accept")
async def allocation_accept(v: VisitDep, fields: FormDep, job_id: str) -> Response:
    """Accept a line (its proposed item) or change it (one of its alternatives): a referral
    made with ``source="allocation"``, which holds the place as any referral does."""
    actor = v.need(*STAFF)
    job = await run_in_threadpool(jobs.read, v.rt, actor, job_id)
    person_id = fields.get("person_id", "")[:64]
    kind, _, item_id = fields.get("item", "").partition(":")
    line = next(
        (
            one
            for one in _assignments(job)
            if one.get("person_id") == person_id and one.get("kind") == kind
        ),
        None,
    )  # fmt: skip
    offered = (
        set()
        if line is None
        else {line.get("item_id")} | {a.get("item_id") for a in line.get("alternatives", [])}
    )
    page = fields.get("page", "1")
    back = int(page) if page.isdigit() and int(page) > 0 else 1
    if item_id not in offered:
        message = v.t("allocation_not_offered")
        return await run_in_threadpool(
            lambda: _job_page(v, job_id, page=back, error=message, status=422)
        )
    try:
        await run_in_threadpool(
            lambda: referrals.refer(
                v.rt, actor, person_id=person_id, item_kind=kind, item_id=item_id,
                source="allocation",
            )
        )  # fmt: skip
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _job_page(v, job_id, page=back, error=message, status=status)
        )
    return v.redirect(f"/allocations/{job_id}?page={back}&done={person_id}#line-{person_id}-{kind}")
