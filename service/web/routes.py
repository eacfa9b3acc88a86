"""All the pages, as one router for the application (``service.api.app``), and the folder of
their style sheet. Included after the API's routers: its last route answers every other
address outside ``/api/`` with the 404 page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.responses import Response

from service.web import admin, allocations, auth, employer, ledger, overdue, plans, staff, vacancies
from service.web.pages import PageNotFound, PageRoute, VisitDep

STATIC = Path(__file__).parent / "static"
router = APIRouter(include_in_schema=False)
for part in (auth.router, staff.router, plans.router, employer.router):
    router.include_router(part)
router.include_router(vacancies.router)
router.include_router(ledger.router)
router.include_router(allocations.router)
router.include_router(admin.router)
router.include_router(overdue.router)

_rest = APIRouter(route_class=PageRoute, include_in_schema=False)


@_rest.get("/{path:path}")
def not_found(v: VisitDep, path: str) -> Response:
    if path.startswith(("api/", "docs")):
        raise HTTPException(404)  # the API's own JSON answer
    raise PageNotFound()


router.include_router(_rest)
