"""The individual plan from the person page: make it (a new version from the engine, the
inspector's decisions kept) and open it as the printable A4 document the API also serves."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from service.plans import versions as rendering
from service.usecases import plans
from service.web.pages import HEADERS, FormDep, PageRoute, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF = ("officer", "inspector", "admin")
PRINT_HEADERS = {
    **HEADERS,
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
}
"""The print view is one self-contained document with its own A4 style sheet; still no script."""


@router.get("/persons/{person_id}/plan")
async def plan_print(v: VisitDep, person_id: str) -> Response:
    actor = v.need(*STAFF)
    plan = await run_in_threadpool(plans.read, v.rt, actor, person_id)
    html = rendering.html(plan.version.body, v.lang, labels=plan.labels)
    return HTMLResponse(html, headers=PRINT_HEADERS)


@router.post("/persons/{person_id}/plan")
async def plan_make(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    actor = v.need(*STAFF)
    await run_in_threadpool(plans.generate, v.rt, actor, person_id)
    return v.redirect(f"/persons/{person_id}#plan")
