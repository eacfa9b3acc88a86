from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from service.api.deps import ApiError, Engines, Lang, RuntimeDep, SessionDep, Staff, audited
from service.api.routes.persons import ERRORS, PersonId, visible
from service.api.schemas import ActionEdit, ActionNew, Error, PlanOut, PlanVersionOut
from service.plans import versions as plans
from service.store.rows import person as engine_person
from service.store.tables import ApiToken, PlanVersion

router = APIRouter(tags=["plans"])
PLAN_ANSWER: dict[int | str, dict[str, object]] = {
    **ERRORS,
    200: {"content": {"application/json": {}, "text/html": {"schema": {"type": "string"}}}},
    409: {"model": Error},
}
LangParam = Annotated[
    Literal["ru", "kk", "en"] | None,
    Query(alias="lang", description="ru, kk or en (default: Accept-Language)."),
]


def _out(version: PlanVersion, lang: str, db: SessionDep, engines: Engines) -> PlanOut:
    labels = plans.item_labels(engines.engine(db), version.body)
    return PlanOut(
        version=version.version,
        change=version.change,
        plan=version.body,
        rendered=plans.render(version.body, lang, labels=labels),
    )


def _author(token: ApiToken) -> str:
    return f"{token.role}:{token.id}"


def _plan_error(error: plans.PlanError) -> ApiError:
    status = 404 if error.code in ("no_plan", "unknown_action") else 422
    params: dict[str, Any] = dict(error.params)
    return ApiError(status, f"plan_{error.code}", **params)


@router.post("/persons/{person_id}/plan", status_code=201, response_model=PlanOut, responses=ERRORS)
def generate_plan(
    person_id: PersonId,
    db: SessionDep,
    token: Staff,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    request: Request,
    text_lang: LangParam = None,
) -> PlanOut:
    """Generate the person's plan (a new version; the inspector's decisions are kept)."""
    row = visible(db, token, person_id)
    version = plans.generate(
        db, engines.engine(db), engine_person(row, rt.protector), author=_author(token)
    )
    audited(request, db, token, [person_id], "plan")
    return _out(version, text_lang or lang, db, engines)


@router.get("/persons/{person_id}/plan", response_model=PlanOut, responses=PLAN_ANSWER)
def read_plan(
    person_id: PersonId,
    db: SessionDep,
    token: Staff,
    engines: Engines,
    lang: Lang,
    request: Request,
    text_lang: LangParam = None,
    format: Annotated[
        Literal["json", "html"], Query(description="json, or html: a printable A4 page.")
    ] = "json",
    version: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="A past version (default: the latest).")
    ] = None,
) -> PlanOut | HTMLResponse:
    """The plan (latest version unless ``version``), as JSON or as a printable A4 HTML page."""
    visible(db, token, person_id)
    stored = plans.latest(db, person_id, version)
    if stored is None:
        raise ApiError(404, "plan_no_plan", id=person_id)
    audited(request, db, token, [person_id], "plan_read")
    chosen = text_lang or lang
    if format == "html":
        labels = plans.item_labels(engines.engine(db), stored.body)
        return HTMLResponse(plans.html(stored.body, chosen, labels=labels))
    return _out(stored, chosen, db, engines)


@router.get(
    "/persons/{person_id}/plan/versions", response_model=list[PlanVersionOut], responses=ERRORS
)
def plan_versions(person_id: PersonId, db: SessionDep, token: Staff) -> list[PlanVersionOut]:
    """Every version of the plan: when, by whom, what changed."""
    visible(db, token, person_id)
    return [
        PlanVersionOut.model_validate(v, from_attributes=True)
        for v in plans.versions(db, person_id)
    ]


@router.patch(
    "/persons/{person_id}/plan/actions/{action_id}", response_model=PlanOut, responses=ERRORS
)
def edit_plan_action(
    person_id: PersonId,
    action_id: Annotated[str, Path(pattern=r"^[\w.-]{1,64}$", examples=["shelter"])],
    body: ActionEdit,
    db: SessionDep,
    token: Staff,
    engines: Engines,
    lang: Lang,
    request: Request,
) -> PlanOut:
    """Edit an action: status (done, dropped with a reason), due date, who, a note."""
    visible(db, token, person_id)
    try:
        version = plans.edit_action(
            db, person_id, action_id, author=_author(token), **body.model_dump(exclude_none=True)
        )
    except plans.PlanError as error:
        raise _plan_error(error) from None
    audited(request, db, token, [person_id], "plan_edit")
    return _out(version, lang, db, engines)


@router.post(
    "/persons/{person_id}/plan/actions", status_code=201, response_model=PlanOut, responses=ERRORS
)
def add_plan_action(
    person_id: PersonId,
    body: ActionNew,
    db: SessionDep,
    token: Staff,
    engines: Engines,
    lang: Lang,
    request: Request,
) -> PlanOut:
    """Add an action in free text."""
    visible(db, token, person_id)
    try:
        version = plans.add_action(db, person_id, author=_author(token), **body.model_dump())
    except plans.PlanError as error:
        raise _plan_error(error) from None
    audited(request, db, token, [person_id], "plan_edit")
    return _out(version, lang, db, engines)
