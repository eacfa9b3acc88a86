"""The individual plan: generate, read (JSON or a printable page), versions, edits."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS, PersonId
from service.api.schemas import ActionEdit, ActionNew, Error, PlanOut, PlanVersionOut
from service.plans import versions as rendering
from service.usecases import plan_sheet, plans
from service.usecases.plans import Plan

router = APIRouter(tags=["plans"])
CHANGES: dict[int | str, dict[str, object]] = {**ERRORS, 409: {"model": Error}}
PLAN_ANSWER: dict[int | str, dict[str, object]] = {
    **ERRORS,
    200: {"content": {"application/json": {}, "text/html": {"schema": {"type": "string"}}}},
}
LangParam = Annotated[
    Literal["ru", "kk", "en"] | None,
    Query(alias="lang", description="ru, kk or en (default: Accept-Language)."),
]


def _out(plan: Plan, lang: str) -> PlanOut:
    version = plan.version
    return PlanOut(
        version=version.version,
        change=version.change,
        plan=version.body,
        rendered=rendering.render(version.body, lang, labels=plan.labels),
    )


@router.post(
    "/persons/{person_id}/plan", status_code=201, response_model=PlanOut, responses=CHANGES
)
def generate_plan(
    person_id: PersonId,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    text_lang: LangParam = None,
) -> PlanOut:
    """Generate the person's plan (a new version; the inspector's decisions are kept)."""
    return _out(plans.generate(rt, actor, person_id), text_lang or lang)


@router.get("/persons/{person_id}/plan", response_model=PlanOut, responses=PLAN_ANSWER)
def read_plan(
    person_id: PersonId,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    text_lang: LangParam = None,
    format: Annotated[
        Literal["json", "html"], Query(description="json, or html: a printable A4 page.")
    ] = "json",
    version: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="A past version (default: the latest).")
    ] = None,
) -> PlanOut | HTMLResponse:
    """The plan (latest version unless ``version``), as JSON or as a printable A4 HTML page."""
    chosen = text_lang or lang
    if format == "html":  # the same A4 document as the pages print, its style written in
        sheet = plan_sheet.sheet(rt, actor, person_id, version=version)
        return HTMLResponse(plan_sheet.printed(sheet, chosen))
    return _out(plans.read(rt, actor, person_id, version=version), chosen)


@router.get(
    "/persons/{person_id}/plan/versions", response_model=list[PlanVersionOut], responses=ERRORS
)
def plan_versions(person_id: PersonId, rt: RuntimeDep, actor: CurrentActor) -> list[PlanVersionOut]:
    """Every version of the plan: when, by whom, what changed."""
    return [
        PlanVersionOut.model_validate(v, from_attributes=True)
        for v in plans.history(rt, actor, person_id)
    ]


@router.patch(
    "/persons/{person_id}/plan/actions/{action_id}", response_model=PlanOut, responses=CHANGES
)
def edit_plan_action(
    person_id: PersonId,
    action_id: Annotated[str, Path(pattern=r"^[\p{L}\p{N}_.-]{1,64}$", examples=["shelter"])],
    body: ActionEdit,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
) -> PlanOut:
    """Edit an action: status (done, dropped with a reason), due date, who (the agency and the
    person's name), a note."""
    fields = body.model_dump(exclude_none=True)
    return _out(plans.edit_action(rt, actor, person_id, action_id, **fields), lang)


@router.post(
    "/persons/{person_id}/plan/actions",
    status_code=201,
    response_model=PlanOut,
    responses=CHANGES,
)
def add_plan_action(
    person_id: PersonId, body: ActionNew, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> PlanOut:
    """Add an action in free text."""
    return _out(plans.add_action(rt, actor, person_id, **body.model_dump()), lang)
