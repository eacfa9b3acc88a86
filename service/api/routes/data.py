"""Imports (a large one queued as a job), outcome events and cohort allocation (a job)."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from catalogs.loader import Format
from service.api.deps import ApiError, CurrentActor, Lang, RuntimeDep
from service.api.routes.jobs import ACCEPTED, accepted
from service.api.routes.persons import ERRORS
from service.api.schemas import AllocationIn, Error, EventIn, Events, ImportResult, JobAccepted
from service.usecases import access, data, jobs

router = APIRouter(tags=["data"])
MAX_UPLOAD = 512 * 1024 * 1024
LARGE_IMPORT = 2 * 1024 * 1024
"""A body over this many bytes is imported as a job (``202``)."""
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "vacancy_id,employer_bin,title,kato\nV1,150340000017,Сварщик,471010000\n",
            },
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}


@router.post(
    "/imports/{kind}",
    response_model=ImportResult | JobAccepted,
    responses={**ERRORS, **ACCEPTED, 413: {"model": Error}, 415: {"model": Error}},
    openapi_extra=IMPORT_BODY,
)
async def import_data(
    kind: Annotated[
        str, Path(description="employers, vacancies, courses, shelters, persons or outcomes")
    ],
    request: Request,
    response: Response,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    check: Annotated[bool, Query(description="Validate only: write nothing.")] = False,
) -> ImportResult | JobAccepted:
    """Import a CSV (``text/csv``) or JSON array (``application/json``) body: all rows or none;
    every bad row is reported with its line (or record), column and reason. A body over
    2 MB is queued: ``202`` with a job to poll (``GET /jobs/{id}``), whose result is this
    answer and whose error lists the bad rows."""
    access.admin_only(actor)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "application/json"):
        raise ApiError(415, "unsupported_media")
    fmt: Format = "json" if content_type == "application/json" else "csv"
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise ApiError(413, "too_large")
            spool.write(chunk)
        spool.seek(0)
        if size > LARGE_IMPORT:
            job = await run_in_threadpool(
                lambda: jobs.import_upload(
                    rt, actor, kind=kind, stream=spool, fmt=fmt, dry_run=check, lang=lang
                )
            )
            return accepted(request, response, job)
        report = await run_in_threadpool(
            lambda: data.import_stream(rt, actor, kind=kind, stream=spool, fmt=fmt, dry_run=check)
        )
    return data.result(report)


@router.post("/outcomes", status_code=201, response_model=ImportResult, responses=ERRORS)
def record_outcomes(events: EventIn | Events, rt: RuntimeDep, actor: CurrentActor) -> ImportResult:
    """Record one outcome event or several (all or none): referrals, hires, 3-month retention,
    course and shelter events. The same event twice is one event. Each must fit the pair's
    history (a hire before its retention or quit, ...); a referral takes its rank from the
    list it was shown in."""
    rows = [e.model_dump() for e in (events if isinstance(events, list) else [events])]
    return data.result(data.record_outcomes(rt, actor, rows))


@router.post(
    "/allocations",
    status_code=202,
    response_model=JobAccepted,
    responses={**ERRORS, **ACCEPTED},
    tags=["allocation"],
)
async def allocations(
    body: AllocationIn,
    request: Request,
    response: Response,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
) -> JobAccepted:
    """Share quota slots, course seats and shelter beds across everyone of a region released
    between two dates: the most expected success under every capacity, with a group guard.
    A proposal: only referrals an officer accepts take places. Queued: ``202`` with a job
    whose result is an ``AllocationOut``; a code that is not a region's or a bad window is
    ``422`` at once, a region KATO does not know ``404``."""
    job = await run_in_threadpool(
        lambda: jobs.allocate(
            rt,
            actor,
            kato=body.kato,
            release_from=body.release_from,
            release_to=body.release_to,
            lang=lang,
        )
    )
    return accepted(request, response, job)
