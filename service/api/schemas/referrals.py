"""Referrals: what a referral and its moves read and write (CONTRACT.md ``/referrals``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.api.schemas.common import _ID, TEXT, WHOLE, Day, Kind, Moment

State = Literal[
    "proposed", "sent", "viewed", "interview", "hired", "declined", "no_show", "withdrawn",
    "expired", "retained_3m", "quit", "enrolled", "completed", "dropped", "requested",
    "confirmed", "arrived", "departed", "extended",
]  # fmt: skip
Destination = Literal[
    "rented", "family", "employer_housing", "another_centre", "street", "custody", "unknown"
]


class ReferralIn(BaseModel):
    """A referral to make: it holds one place of the item until it is answered."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"person_id": "P00001", "item_kind": "vacancy", "item_id": "V000170"}]
        },
    )

    person_id: str = Field(pattern=_ID)
    item_kind: Kind
    item_id: str = Field(pattern=_ID)
    state: Literal["proposed", "sent", "requested"] | None = Field(
        default=None,
        description="Where it starts: `sent` (a vacancy or course, the default), `requested` "
        "(a shelter) or `proposed` (a vacancy agreed with the person, not yet sent).",
    )
    source: Literal["shortlist", "plan", "allocation"] = Field(
        default="shortlist",
        description="Where it was made from; an accepted allocation line is `allocation`.",
    )
    plan_action: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        description="The plan action it carries out: that action becomes done and names it.",
    )
    note: str | None = Field(default=None, max_length=500, pattern=TEXT)


class TransitionIn(BaseModel):
    """A move along the referral's lifecycle (docs/referrals.md)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"to": "declined", "reason": "lacking_skills"}]},
    )

    to: State
    reason: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_0-9]{1,40}$")
    date: Day | None = Field(default=None, description="The day it happened (default: today).")
    contract_start: Day | None = None
    contract_months: Annotated[int, Field(ge=1, le=600), WHOLE] | None = None
    destination: Destination | None = None
    until: Day | None = Field(default=None, description="A stay's new last day (`extended`).")
    note: str | None = Field(default=None, max_length=500, pattern=TEXT)


class ReferralEventOut(BaseModel):
    from_state: str | None
    to_state: str
    label: str
    on: date
    actor: str
    reason: str | None
    reason_label: str | None
    note: str | None
    at: Moment


class ReferralOut(BaseModel):
    """A referral. An employer sees the person as a pseudonym until the hire."""

    id: int
    person: str
    item_kind: Kind
    item_id: str
    item_title: str
    employer_bin: str | None
    employer_name: str | None
    state: State
    state_label: str
    place: Literal["held", "taken", "free"]
    source: str
    sent_on: date
    state_on: date
    reason: str | None
    reason_label: str | None
    contract_start: date | None
    contract_months: int | None
    destination: Destination | None
    deadlines: dict[str, date]
    """``answer_due``, ``expires_on``, ``retention_due``, ``stay_until``,
    ``quota_window_last_day``, where they apply."""
    days_left: dict[str, int]
    """Calendar days left until each deadline (negative once it has passed)."""
    history: list[ReferralEventOut]


class ReferralList(BaseModel):
    items: list[ReferralOut]
