"""A token holder's notifications and their settings; the reasons referral moves take."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas.common import Moment
from service.usecases import notifications

router = APIRouter(tags=["notifications"])
Kind = Literal[
    "referral_new", "referral_reminder", "referral_overdue", "referral_expired",
    "referral_answered", "retention_due", "stay_ending", "capacity_stale_notice",
    "plan_action_due", "released",
]  # fmt: skip


class NotificationOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    referral_id: int | None
    state: Literal["queued", "sent", "failed", "off", "nowhere"]
    attempts: int
    created_at: Moment
    sent_at: Moment | None


class SettingOut(BaseModel):
    kind: str
    enabled: bool


class SettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool


class ReasonOut(BaseModel):
    code: str
    label: str
    cooldown_days: int | None = None
    suggestion: str | None = None


@router.get("/notifications", response_model=list[NotificationOut], responses=ERRORS)
async def my_notifications(
    rt: RuntimeDep, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[NotificationOut]:
    """The token holder's notifications (an employer's: its organisation's), newest first,
    with what became of each (sent, failed, switched off, no address)."""
    rows = await run_in_threadpool(notifications.inbox, rt, actor, limit=limit)
    return [NotificationOut.model_validate(row, from_attributes=True) for row in rows]


@router.get("/notifications/settings", response_model=list[SettingOut], responses=ERRORS)
async def my_settings(rt: RuntimeDep, actor: CurrentActor) -> list[SettingOut]:
    """Each kind of notification and whether the token holder receives it."""
    found = await run_in_threadpool(notifications.settings, rt, actor)
    return [SettingOut(kind=s.kind, enabled=s.enabled) for s in found]


@router.put("/notifications/settings/{kind}", response_model=SettingOut, responses=ERRORS)
async def switch_setting(
    kind: Annotated[Kind, Path()], body: SettingIn, rt: RuntimeDep, actor: CurrentActor
) -> SettingOut:
    """Switch a kind of notification off (or back on) for the token holder."""
    found = await run_in_threadpool(notifications.switch, rt, actor, kind, enabled=body.enabled)
    return SettingOut(kind=found.kind, enabled=found.enabled)


@router.get("/referral-reasons", response_model=dict[str, list[ReasonOut]], responses=ERRORS)
async def referral_reasons(actor: CurrentActor, lang: Lang) -> dict[str, list[ReasonOut]]:
    """The reason codes each referral move takes (`declined`, `quit`, `dropped`, `departed`,
    `withdrawn`, `expired`), labelled in the reader's language; a decline's with its cool-down
    and the message suggested to the officer; and the destinations of a departure."""
    found = notifications.referral_reasons(lang)
    return {
        state: [ReasonOut.model_validate(r) for r in entries] for state, entries in found.items()
    }
