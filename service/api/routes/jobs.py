"""Long work answered ``202`` elsewhere (allocations, retraining, large imports), read back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas import Error, JobAccepted, JobOut
from service.api.schemas.jobs import job_out, unreadable
from service.store.tables import Job
from service.usecases import jobs
from service.usecases.errors import Conflict

router = APIRouter(tags=["jobs"])
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": JobAccepted, "description": "Queued: poll the job's url."}
}


def accepted(request: Request, response: Response, job: Job) -> JobAccepted:
    """The ``202`` answer to a queued job, with its address in ``Location``."""
    url = str(request.url_for("read_job", job_id=job.id).path)
    response.status_code = 202
    response.headers["Location"] = url
    return JobAccepted(job_id=job.id, state=job.state, url=url)  # type: ignore[arg-type]


UNREADABLE: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Error,
        "description": "The job is stored in a shape this version does not read (job_unreadable: "
        "a kind, state or progress of an earlier version's, or edited by hand); details name "
        "the fields.",
    }
}


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    response_model_exclude_unset=True,
    responses={**ERRORS, **UNREADABLE},
)
async def read_job(
    job_id: Annotated[str, Path(max_length=32, pattern=r"^[0-9a-f]+$")],
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
) -> JobOut:
    """A job's state (``queued``, ``running``, ``succeeded``, ``failed``), progress in [0, 1],
    and its result or error; the result's shape is told by ``kind``. Only the token that made
    it, or an admin, can read it. A job that stopped beating for 60 s is ``failed`` with code
    ``abandoned``; a result or an error stored in a shape this version does not read is not
    shown, and ``error`` says why (``stored_unreadable``)."""
    job = await run_in_threadpool(jobs.read, rt, actor, job_id)
    # what is stored is answered as it is: a key a result lacks is not answered as null
    try:
        return job_out(job, lang)
    except ValidationError as refused:
        details = unreadable(refused, job.kind, lang)
        raise Conflict("job_unreadable", id=job.id, details=details) from refused
