"""The individual plan and its edits."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from service.api.schemas.common import (
    TEXT,
    Day,
    Moment,
    Responsible,
)


class PlanOut(BaseModel):
    """A version of a person's individual plan: the stored data and its text in one language."""

    version: int
    change: str
    plan: dict[str, Any]
    rendered: dict[str, Any]


class PlanVersionOut(BaseModel):
    version: int
    change: str
    author: str
    created_at: Moment


class ActionEdit(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"status": "dropped", "note": "Семья предоставила жильё"}]},
    )

    status: Literal["planned", "done", "dropped"] | None = None
    due: Day | None = None
    responsible: Responsible | None = None
    note: str | None = Field(default=None, max_length=1000, pattern=TEXT)


class ActionNew(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "Встреча с матерью в учреждении",
                    "part": "before_release",
                    "responsible": "probation_service",
                    "due": "2027-01-15",
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=1000, pattern=TEXT)
    part: Literal["before_release", "social_legal", "employment", "housing"]
    responsible: Responsible
    due: Day
