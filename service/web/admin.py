"""The administrator's pages: imports by file upload (checked, or written all or none, a large
file queued as a job like the API's), the jobs and their progress; the accounts and tokens
(``admin_accounts``), the model card and the audit trail (``admin_model``). Any other role
gets the 404 page on every one of them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.kinds import KINDS
from catalogs.loader import detect_format
from service.api.routes import data as api
from service.store.tables import Job
from service.usecases import admin_views, data, jobs
from service.usecases.errors import NotFound, Problem
from service.web import admin_accounts, admin_model
from service.web import session as cookies
from service.web.admin_upload import BadForm, NotAForm, TooLarge, receive
from service.web.pages import CsrfRefused, PageRoute, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ADMIN = "admin"
REFRESH_SECONDS = 3
"""A job's page reloads itself (the HTTP ``Refresh`` header: no script) until the job ends."""


def _imports(
    v: Visit,
    *,
    status: int = 200,
    kind: str = "",
    check: bool = True,
    error: str | None = None,
    bad_rows: list[dict[str, object]] | None = None,
    done: dict[str, Any] | None = None,
) -> Response:
    v.need(ADMIN)
    return v.render(
        "admin_imports.html",
        status=status,
        title=v.t("admin_imports_title"),
        kinds=KINDS,
        kind=kind,
        check=check,
        error=error,
        bad_rows=bad_rows or [],
        done=done,
        limit_mb=api.MAX_UPLOAD // (1024 * 1024),
        large_mb=api.LARGE_IMPORT // (1024 * 1024),
    )


@router.get("/admin")
def admin_home(v: VisitDep) -> Response:
    v.need(ADMIN)
    return v.redirect("/admin/imports")


@router.get("/admin/imports")
def imports_page(v: VisitDep) -> Response:
    return _imports(v)


@router.post("/admin/imports")
async def import_upload(v: VisitDep) -> Response:
    """Check or import the uploaded file: the error table and nothing written when any row is
    bad; a file over the API's 2 MB goes to a job, whose page follows it."""
    actor = v.need(ADMIN)
    try:
        upload = await receive(v.request, api.MAX_UPLOAD)
    except TooLarge:
        return _imports(v, status=413, error=v.t("admin_import_too_large", mb=api.MAX_UPLOAD >> 20))
    except NotAForm:
        raise CsrfRefused() from None
    except BadForm:
        return _imports(v, status=400, error=v.t("admin_import_bad_form"))
    try:
        if not cookies.csrf_ok(v.session, upload.fields.get("csrf")):
            raise CsrfRefused()
        kind = upload.fields.get("kind", "")
        check = upload.fields.get("check") == "1"
        if kind not in KINDS:
            return _imports(v, status=422, check=check, error=v.t("admin_import_no_kind"))
        if upload.file is None or upload.size == 0:
            return _imports(v, status=422, kind=kind, check=check,
                            error=v.t("admin_import_no_file"))  # fmt: skip
        stream = upload.file
        fmt = detect_format(upload.filename, stream.read(64))
        stream.seek(0)
        try:
            if upload.size > api.LARGE_IMPORT:
                job = await run_in_threadpool(
                    lambda: jobs.import_upload(
                        v.rt, actor, kind=kind, stream=stream, fmt=fmt, dry_run=check,
                        lang=v.lang,
                    )
                )  # fmt: skip
                return v.redirect(f"/admin/jobs/{job.id}")
            report = await run_in_threadpool(
                lambda: data.import_stream(
                    v.rt, actor, kind=kind, stream=stream, fmt=fmt, dry_run=check
                )
            )
        except Problem as problem:
            return _imports(
                v, status=problem.status, kind=kind, check=check,
                error=_sentence(problem.message(v.lang)),
                bad_rows=[row.as_dict(v.lang) for row in problem.bad_rows],
            )  # fmt: skip
        done = {"kind": kind, "dry_run": check, "rows": report.rows,
                "inserted": report.inserted, "updated": report.updated}  # fmt: skip
        return _imports(v, kind=kind, check=check, done=done)
    finally:
        upload.close()


def _sentence(text: str) -> str:
    """The use case's message as a sentence on its own (it starts in lower case)."""
    return text[:1].upper() + text[1:]


def job_view(job: Job) -> dict[str, Any]:
    """What the pages show of a job: its result or error as the job stored them."""
    error = job.error or {}
    details = error.get("details")
    result = job.result or {}
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "percent": round(100 * job.progress),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "created_by": job.created_by,
        "dry_run": bool(job.params.get("dry_run")),
        "import_kind": job.params.get("kind"),
        "result": result,
        "error": error.get("message"),
        "bad_rows": [d for d in details if isinstance(d, dict)]
        if isinstance(details, list)
        else [],
        "refused": result.get("refused") if isinstance(result.get("refused"), list) else [],
    }


@router.get("/admin/jobs")
async def jobs_page(v: VisitDep) -> Response:
    actor = v.need(ADMIN)
    found = await run_in_threadpool(admin_views.list_jobs, v.rt, actor)
    response = v.render(
        "admin_jobs.html", title=v.t("admin_jobs_title"), jobs=[job_view(j) for j in found]
    )
    if any(job.state in ("queued", "running") for job in found):
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/admin/jobs/{job_id}")
async def job_page(v: VisitDep, job_id: str) -> Response:
    actor = v.need(ADMIN)
    if not (job_id.isascii() and job_id.isalnum() and len(job_id) <= 32):
        raise NotFound("unknown_job", id=job_id[:40])
    job = await run_in_threadpool(jobs.read, v.rt, actor, job_id)
    shown = job_view(job)
    response = v.render("admin_job.html", title=v.t("admin_job_title", id=job.id), job=shown)
    if job.state in ("queued", "running"):
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


for part in (admin_accounts.router, admin_model.router):
    router.include_router(part)
