from __future__ import annotations

import tempfile
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from catalogs.kinds import KINDS
from catalogs.loader import FileFormatError
from service.api.deps import Admin, ApiError, Engines, Lang, RuntimeDep, SessionDep, Staff
from service.api.routes.persons import ERRORS
from service.api.schemas import AllocationIn, AllocationOut, Error, EventIn, ImportResult
from service.store.imports import ImportReport, import_file, import_records

router = APIRouter(tags=["data"])
MAX_UPLOAD = 512 * 1024 * 1024
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


def _result(report: ImportReport, lang: str) -> ImportResult:
    if not report.ok:
        raise ApiError(
            422,
            "import_rejected",
            details=[e.as_dict(lang) for e in report.errors],
            bad=len(report.errors),
            rows=report.rows,
        )
    return ImportResult(
        kind=report.kind,
        ok=True,
        dry_run=report.dry_run,
        rows=report.rows,
        inserted=report.inserted,
        updated=report.updated,
    )


@router.post(
    "/imports/{kind}",
    response_model=ImportResult,
    responses={**ERRORS, 413: {"model": Error}, 415: {"model": Error}},
    openapi_extra=IMPORT_BODY,
)
async def import_data(
    kind: Annotated[str, Path(description="vacancies, courses, shelters, persons or outcomes")],
    request: Request,
    db: SessionDep,
    token: Admin,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    check: Annotated[bool, Query(description="Validate only: write nothing.")] = False,
) -> ImportResult:
    """Import a CSV (``text/csv``) or JSON array (``application/json``) body: all rows or none;
    every bad row is reported with its line (or record), column and reason."""
    if kind not in KINDS:
        raise ApiError(404, "unknown_kind", kind=kind, kinds=", ".join(KINDS))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "application/json"):
        raise ApiError(415, "unsupported_media")
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise ApiError(413, "too_large")
            spool.write(chunk)
        spool.seek(0)
        fmt = "json" if content_type == "application/json" else "csv"
        try:
            report = import_file(db, kind, spool, fmt=fmt, protector=rt.protector, dry_run=check)  # type: ignore[arg-type]
        except FileFormatError as error:
            raise ApiError(
                422, "import_rejected", details=[error.error.as_dict(lang)], bad=1, rows=0
            ) from None
    if report.ok and not check:
        engines.invalidate(persons_only=kind == "persons")
    return _result(report, lang)


@router.post("/outcomes", status_code=201, response_model=ImportResult, responses=ERRORS)
def record_outcomes(
    events: EventIn | list[EventIn], db: SessionDep, token: Staff, rt: RuntimeDep, lang: Lang
) -> ImportResult:
    """Record one outcome event or several (all or none): referrals, hires, 3-month retention,
    course and shelter events. The same event twice is one event. Each must fit the pair's
    history (a hire before its retention or quit, ...); a referral takes its rank from the
    list it was shown in."""
    rows = [e.model_dump() for e in (events if isinstance(events, list) else [events])]
    if not rows:
        raise ApiError(422, "empty_body")
    report = import_records(db, "outcomes", rows, protector=rt.protector, source="api")
    return _result(report, lang)


@router.post("/allocations", response_model=AllocationOut, responses=ERRORS, tags=["allocation"])
def allocations(
    body: AllocationIn, db: SessionDep, token: Staff, rt: RuntimeDep, lang: Lang
) -> AllocationOut:
    """Share quota slots, course seats and shelter beds across everyone of a region released
    between two dates: the most expected success under every capacity, with a group guard.
    A proposal: only referrals an officer accepts take places."""
    from catalogs.reference.places import places
    from matcher.allocate import allocate, scarce
    from service.store import rows as glue

    region = places().get(body.kato)
    if region is None or region.level != "region":
        raise ApiError(422, "allocate_bad_region", kato=body.kato)
    if token.region_kato is not None and token.region_kato != body.kato:
        raise ApiError(403, "out_of_region")
    if body.release_to < body.release_from:
        raise ApiError(422, "bad_window")
    cohort = glue.load_cohort(
        db,
        protector=rt.protector,
        region=body.kato,
        release_from=body.release_from,
        release_to=body.release_to,
    )
    if len(cohort) > 20_000:
        raise ApiError(422, "cohort_too_large", count=len(cohort))
    engine = glue.load_engine(db, today=date.today(), congestion=False)
    return AllocationOut.model_validate(allocate(scarce(engine), cohort).as_dict(lang))
