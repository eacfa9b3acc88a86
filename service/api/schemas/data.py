"""Outcome events, imports and cohort allocation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    with_config,
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
from service.usecases.allocation import AllocationSummary
from service.usecases.data import ImportResult as ImportResult


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


# an import's answer is the use case's own shape; the schema reads its keys' docstrings and
# shows an example (``with_config`` sets the shape's pydantic configuration, nothing else)
with_config(
    ConfigDict(
        use_attribute_docstrings=True,
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
        },
    )
)(ImportResult)


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
    """Another item the person could have had."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: str
    """``vacancy``, ``course`` or ``shelter``."""
    item_id: str
    expected: float
    """Its expected success for the person (the list's score)."""
    reasons: list[ReasonOut]
    """Why it suits the person, in the request's language."""


class AssignmentOut(BaseModel):
    """What one person gets of one kind of place."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    person_id: str
    kind: str
    """``vacancy``, ``course`` or ``shelter``."""
    item_id: str | None
    """The item given; null: nothing of this kind (the reasons say why)."""
    expected: float
    """Its expected success for the person."""
    reasons: list[ReasonOut]
    """Why, in the request's language; when the item is not the person's list's first, the
    first reason says why that one was passed over."""
    alternatives: list[OptionOut]
    """At most two other items the person could have had, open ones first."""


class AllocationOut(BaseModel):
    """A proposal: one entry per person and kind; nothing is booked until an officer accepts."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    assignments: list[AssignmentOut]
    """One line per person and kind of place the person needs."""
    summary: AllocationSummary
    """The cohort's figures: per kind, how many were served, the capacity, the expected
    success against officers each taking a person's first choice, and the group guard."""
