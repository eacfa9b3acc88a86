"""Long work answered 202: a job and its state, one shape per kind of job."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from catalogs.i18n import messages
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
    for a fault, ``abandoned`` for a job whose runner went away, or ``stored_unreadable`` for a
    result or an error stored in a shape this version does not read (an earlier version's, or
    edited by hand): it is not shown, and the job keeps the state it was stored with."""
    message: str
    """What happened, in the language the job was asked in (for ``stored_unreadable``, the
    reader's)."""
    details: list[ErrorDetail] = []
    """A rejected import's bad rows (line or record, column, code, value, reason); for
    ``internal``, the fault's type (``code``) and text (``message``); for
    ``stored_unreadable``, each stored field that does not fit (``column``) and how."""


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
    """What it answered once succeeded; null before, when it failed, and when what it stored
    cannot be read (``error`` then says so)."""
    error: JobError | None
    """Why it failed, or why its stored result cannot be shown (``stored_unreadable``); null
    otherwise."""
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
ENVELOPE = ("id", "kind", "state", "progress", "created_at", "started_at", "finished_at")
"""A job's fields outside its result and error: what is answered of a job whatever it stored."""
UNREADABLE = "stored_unreadable"


def job_out(job: object, lang: str) -> AllocationJob | RetrainJob | ImportJob:
    """A ``jobs`` row as its kind's shape. A result or an error stored in another shape (by an
    earlier version, or edited by hand) is not shown: the job is answered with the state it
    was stored with, a null result, and an error ``stored_unreadable`` that names each field
    that does not fit, in ``lang``. Raises ``ValidationError`` when the rest of the row (its
    kind, state, progress or times) fits no shape (:func:`unreadable` says where)."""
    try:
        return JOB.validate_python(job, from_attributes=True)
    except ValidationError as refused:
        kind = str(getattr(job, "kind", ""))
        problems = unreadable(refused, kind, lang)
    envelope = {name: getattr(job, name, None) for name in ENVELOPE}
    said = messages("service").text(f"api_job_{UNREADABLE}", lang)
    error = {"code": UNREADABLE, "message": said, "details": problems}
    return JOB.validate_python({**envelope, "result": None, "error": error})


def unreadable(refused: ValidationError, kind: str, lang: str) -> list[dict[str, object]]:
    """Each stored field of a job of ``kind`` that ``refused`` found not to fit, as an error's
    details: the field's path (``result.summary.kinds``) and the check it failed."""
    said = messages("service").text("api_job_stored_field", lang)
    found: list[dict[str, object]] = []
    for problem in refused.errors():
        path = list(problem["loc"])
        if path[:1] == [kind]:  # the union's tag: the kind, not a field
            path = path[1:]
        column = ".".join(str(part) for part in path) or "kind"
        found.append({"column": column, "code": problem["type"], "message": said})
    return found


class JobAccepted(BaseModel):
    """A job was queued: poll ``url`` (also in the ``Location`` header)."""

    job_id: str
    state: State
    url: str
