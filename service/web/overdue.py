"""The overdue actions across the account's cases: planned actions of its region's plans past
their due day, most overdue first, each leading to its action on the plan page
(``service.usecases.overdue``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.usecases import overdue, plan_sheet
from service.web.pages import PageRoute, Visit, VisitDep
from service.web.plan_view import action_texts, part_title
from service.web.plans import STAFF

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _page(v: Visit) -> Response:
    actor = v.need(*STAFF)
    found = overdue.overdue(v.rt, actor)
    words: dict[str, dict[str, dict[str, Any]]] = {}
    rows = []
    for late in found.actions:
        if late.person_id not in words:
            body = plan_sheet.body(late.plan)
            words[late.person_id] = action_texts(body, v.lang, late.plan.labels)
        said = words[late.person_id].get(late.action["id"], {})
        rows.append(
            {
                "person_id": late.person_id,
                "name": late.name,
                "action_id": late.action["id"],
                "text": said.get("text", ""),
                "part": part_title(late.action["part"], v.lang),
                "responsible": said.get("responsible", ""),
                "due": late.due,
                "days": late.days,
            }
        )
    return v.render(
        "overdue.html",
        title=v.t("overdue_title"),
        rows=rows,
        persons=found.persons,
        cut=found.cut,
        limit=overdue.LIMIT,
        today=date.today(),
    )


@router.get("/plans/overdue")
async def overdue_page(v: VisitDep) -> Response:
    return await run_in_threadpool(_page, v)
