"""The individual plan and its edits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from matcher import plan as planner
from service.api.schemas.common import (
    FILLED_TEXT,
    LINE,
    TEXT,
    Day,
    Moment,
    Responsible,
)
from service.plans.rendering import Words


class PlanOut(BaseModel):
    """A version of a person's individual plan: the stored data and its text in one language
    (docs/plan.md)."""

    # the shapes of ``plan`` and ``rendered`` are the stored body's and the renderer's own
    # TypedDicts, described by their docstrings; a body saved with a key since dropped is
    # answered with it, as stored
    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    version: int
    """The version's number, from 1."""
    change: str
    """What made this version: ``generated``, ``regenerated``, ``edited`` or ``added``."""
    plan: planner.Body
    """The plan as stored: codes and facts (days as YYYY-MM-DD, amounts in tenge), no words."""
    rendered: Words
    """The same plan with every text in the answer's language, as the printed page shows it."""


class PlanVersionOut(BaseModel):
    version: int
    change: str
    author: str
    created_at: Moment


ResponsibleName = Annotated[
    str,
    Field(
        max_length=120,
        pattern=LINE,
        description="The name of the person who answers for the action, beside the agency "
        "(one line, at most 120 characters; on an edit an empty one clears it). Kept in the "
        "plan, encrypted.",
        examples=["Сейтқали А. Б."],
    ),
]


class ActionEdit(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"status": "dropped", "note": "Семья предоставила жильё"}]},
    )

    status: Literal["planned", "done", "dropped"] | None = None
    due: Day | None = None
    responsible: Responsible | None = None
    responsible_name: ResponsibleName | None = None
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

    text: str = Field(min_length=1, max_length=1000, pattern=FILLED_TEXT)
    part: Literal["before_release", "social_legal", "employment", "housing"]
    responsible: Responsible
    responsible_name: ResponsibleName | None = None
    due: Day
