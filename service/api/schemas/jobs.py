"""Long work answered 202: a job and its state."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from service.api.schemas.common import (
    Moment,
)


class JobError(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class JobOut(BaseModel):
    """Long work answered ``202``: its state, progress, and result or error. The result has
    the shape the synchronous answer had (``AllocationOut``, ``RetrainOut``, ``ImportResult``)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Literal["allocation", "retrain", "import"]
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: float = Field(ge=0, le=1)
    result: dict[str, Any] | None
    error: JobError | None
    created_at: Moment
    started_at: Moment | None
    finished_at: Moment | None


class JobAccepted(BaseModel):
    """A job was queued: poll ``url`` (also in the ``Location`` header)."""

    job_id: str
    state: Literal["queued", "running", "succeeded", "failed"]
    url: str
