"""Long work answered 202: a job and its state, one shape per kind of job."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
)

from service.api.schemas.common import (
    ErrorDetail,
    Moment,
)
from service.api.schemas.data import AllocationOut, ImportResult
from service.api.schemas.model import RetrainOut

State = Literal["queued", "running", "succeeded", "failed"]


class JobError(BaseModel):
    """Why a job failed, as the API's errors say it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    code: str
    """The refusal's code (``import_rejected``, ``allocate_unknown_region``, ...), ``internal``
    for a fault, or ``abandoned`` for a job whose runner went away."""
    message: str
    """What happened, in the language the job was asked in."""
    details: list[ErrorDetail] = []
    """A rejected import's bad rows (line or record, column, code, value, reason); for
    ``internal``, the fault's type (``code``) and text (``message``)."""


class _Job(BaseModel):
    """What every job answers; ``kind`` and ``result`` are narrowed by each kind's shape."""

    model_config = ConfigDict(from_attributes=True, use_attribute_docstrings=True)

    id: str
    """The job's id (also in its url)."""
    kind: str
    """``allocation``, ``retrain`` or ``import``: the shape of ``result``."""
    state: State
    """``queued``, ``running``, ``succeeded`` or ``failed``."""
    progress: float = Field(ge=0, le=1)
    """How far it got, from 0 to 1 (1 once succeeded)."""
    result: object | None
    """What it answered once succeeded; null before, and when it failed."""
    error: JobError | None
    """Why it failed; null otherwise."""
    created_at: Moment
    """When it was queued."""
    started_at: Moment | None
    """When a runner took it; null while queued."""
    finished_at: Moment | None
    """When it ended; null until then."""


class AllocationJob(_Job):
    """A cohort allocation (``POST /allocations``)."""

    kind: Literal["allocation"]
    """``allocation``."""
    result: AllocationOut | None
    """The proposal: one line per person and kind of place, and its summary."""


class RetrainJob(_Job):
    """A retraining (``POST /model/retrain``)."""

    kind: Literal["retrain"]
    """``retrain``."""
    result: RetrainOut | None
    """The version trained, whether it was promoted, why any kind was refused, and its card
    as stored."""


class ImportJob(_Job):
    """A large import (``POST /imports/{kind}`` with a body over 2 MB)."""

    kind: Literal["import"]
    """``import``."""
    result: ImportResult | None
    """The import's answer, as a small import answers it at once."""


JobOut = Annotated[AllocationJob | RetrainJob | ImportJob, Field(discriminator="kind")]
"""Long work answered ``202``: its state, progress, and result or error; the shape of the
result is told by ``kind``."""

JOB: TypeAdapter[AllocationJob | RetrainJob | ImportJob] = TypeAdapter(JobOut)
"""Reads a ``jobs`` row as its kind's shape."""


class JobAccepted(BaseModel):
    """A job was queued: poll ``url`` (also in the ``Location`` header)."""

    job_id: str
    state: State
    url: str
