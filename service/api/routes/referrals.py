"""Referrals: make one (it holds a place), list them, read one, move it along its lifecycle."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas import Error
from service.api.schemas.common import _ID
from service.api.schemas.referrals import ReferralIn, ReferralList, ReferralOut, State, TransitionIn
from service.usecases import referrals

router = APIRouter(tags=["referrals"])
ReferralId = Annotated[int, Path(ge=1, le=2_147_483_647)]
REFUSED: dict[int | str, dict[str, object]] = {
    **ERRORS,
    409: {"model": Error, "description": "The referral's state or the item's places forbid it."},
}


@router.post("/referrals", status_code=201, response_model=ReferralOut, responses=REFUSED)
async def create_referral(
    body: ReferralIn, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> ReferralOut:
    """Refer a person to a vacancy, a course or a shelter. It holds one place until it is
    answered; 409 when no place is free, when the person is already referred there, or while a
    decline's cool-down runs. The employer is told at once."""
    view = await run_in_threadpool(
        referrals.refer, rt, actor, person_id=body.person_id, item_kind=body.item_kind,
        item_id=body.item_id, start=body.state, source=body.source, note=body.note,
        plan_action=body.plan_action,
    )  # fmt: skip
    return ReferralOut.model_validate(view.as_dict(lang))


@router.get("/referrals", response_model=ReferralList, responses=ERRORS)
async def list_referrals(
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    person_id: Annotated[str | None, Query(pattern=_ID)] = None,
    state: State | None = None,
    employer_bin: Annotated[str | None, Query(pattern=r"^[0-9]{12}$")] = None,
    view: Literal["waiting", "overdue", "expired_this_week"] | None = Query(
        default=None,
        description="`waiting`: an answer is awaited (soonest deadline first); `overdue`: past "
        "its deadline; `expired_this_week`: expired since Monday.",
    ),
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReferralList:
    """Referrals the token may see: staff those of their region, an employer its own."""
    views = await run_in_threadpool(
        referrals.listing, rt, actor, person_id=person_id, state=state,
        employer_bin=employer_bin, view=view, limit=limit, offset=offset,
    )  # fmt: skip
    return ReferralList(items=[ReferralOut.model_validate(v.as_dict(lang)) for v in views])


@router.get("/referrals/{referral_id}", response_model=ReferralOut, responses=ERRORS)
async def read_referral(
    referral_id: ReferralId, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> ReferralOut:
    """One referral with its history and deadlines."""
    view = await run_in_threadpool(referrals.get, rt, actor, referral_id)
    return ReferralOut.model_validate(view.as_dict(lang))


@router.post("/referrals/{referral_id}/transitions", response_model=ReferralOut, responses=REFUSED)
async def move_referral(
    referral_id: ReferralId, body: TransitionIn, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> ReferralOut:
    """Move a referral along its lifecycle. An employer answers only its own referrals; a move
    that makes no sense is 409 (or 422 for what it carries) and changes nothing."""
    change = referrals.Move(
        to=body.to, reason=body.reason, on=body.date, contract_start=body.contract_start,
        contract_months=body.contract_months, destination=body.destination, until=body.until,
        note=body.note,
    )  # fmt: skip
    view = await run_in_threadpool(referrals.move, rt, actor, referral_id, change)
    return ReferralOut.model_validate(view.as_dict(lang))
