"""Outcome events, imports and cohort allocation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from service.api.schemas.common import (
    _ID,
    REGION_KATO,
    WHOLE,
    Day,
    IsoDate,
    Kind,
)
from service.api.schemas.lists import ReasonOut


class EventIn(BaseModel):
    """An outcome event (CONTRACT.md ``outcomes``)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "person_id": "P00001",
                    "item_kind": "vacancy",
                    "item_id": "V000170",
                    "event": "referred",
                    "date": "2026-11-20",
                }
            ]
        },
    )

    person_id: str = Field(pattern=_ID)
    item_kind: Kind
    item_id: str = Field(pattern=_ID)
    event: Literal[
        "referred", "applied", "interviewed", "hired", "rejected", "quit", "retained_3m",
        "enrolled", "completed", "dropped", "admitted", "left",
    ]  # fmt: skip
    date: IsoDate
    reason: str | None = Field(
        default=None, max_length=40, description="A reason code of the event (docs/formats.md)."
    )
    contract_months: Annotated[int, Field(ge=0, le=600), WHOLE] | None = None


Events = Annotated[list[EventIn], Field(min_length=1)]
"""Several outcome events, recorded all or none (at least one)."""


class ImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "vacancies",
                    "ok": True,
                    "dry_run": False,
                    "rows": 1000,
                    "inserted": 990,
                    "updated": 10,
                }
            ]
        }
    )

    kind: str
    ok: bool
    dry_run: bool
    rows: int
    inserted: int
    updated: int


class AllocationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"kato": "470000000", "release_from": "2026-12-01", "release_to": "2026-12-31"}
            ]
        },
    )

    kato: str = Field(
        pattern=r"^\d{9}$",
        json_schema_extra={"pattern": REGION_KATO},
        description="KATO code of a region or a city of national significance "
        "(another code is 422 at once; a region KATO does not know, 404)",
    )
    release_from: Day
    release_to: Day


class OptionOut(BaseModel):
    kind: str
    item_id: str
    expected: float
    reasons: list[ReasonOut]


class AssignmentOut(BaseModel):
    person_id: str
    kind: str
    item_id: str | None
    expected: float
    reasons: list[ReasonOut]
    alternatives: list[OptionOut]


class AllocationOut(BaseModel):
    """A proposal: one entry per person and kind; nothing is booked until an officer accepts."""

    assignments: list[AssignmentOut]
    summary: dict[str, Any]
