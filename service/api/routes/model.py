"""The model in force, retraining and rollback (docs/retraining.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.jobs import ACCEPTED, accepted
from service.api.routes.persons import ERRORS
from service.api.schemas import Error, JobAccepted, ModelCard, ModelVersionOut, RollbackIn
from service.usecases import jobs, model

router = APIRouter(tags=["model"])


@router.get("/model", response_model=ModelCard, response_model_exclude_unset=True, responses=ERRORS)
def model_card(rt: RuntimeDep, actor: CurrentActor) -> ModelCard:
    """The ranking model in force: the transparent baseline until a learned one is promoted;
    for a learned one, its data window, held-out metrics, fairness audit and refusals."""
    return ModelCard.of(model.card(rt, actor))


@router.get("/model/versions", response_model=list[ModelVersionOut], responses=ERRORS)
def model_versions(rt: RuntimeDep, actor: CurrentActor) -> list[ModelVersionOut]:
    """Every version trained, newest first (refused challengers included), then the baseline."""
    return [
        ModelVersionOut.model_validate(line, from_attributes=True)
        for line in model.versions(rt, actor)
    ]


@router.get(
    "/model/versions/{version}",
    response_model=ModelCard,
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def model_version_card(
    version: Annotated[str, Path(max_length=40, pattern=r"^[\p{L}\p{N}_.:-]+$")],
    rt: RuntimeDep,
    actor: CurrentActor,
) -> ModelCard:
    """One version's card: a refused challenger's reasons, a rolled-back version's figures."""
    return ModelCard.of(model.version_card(rt, actor, version))


@router.post(
    "/model/retrain",
    status_code=202,
    response_model=JobAccepted,
    responses={**ERRORS, **ACCEPTED, 409: {"model": Error}},
)
async def retrain(
    request: Request, response: Response, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> JobAccepted:
    """Train on the recorded outcomes, judge on the latest period, promote only if NDCG@10 and
    AUC are at least the model in force and the fairness audit passes. Queued: ``202`` with a
    job whose result is a ``RetrainOut``; a refusal is an answer (``promoted: false`` with the
    reasons), not an error. ``409`` while another retraining is queued or running."""
    job = await run_in_threadpool(lambda: jobs.retrain(rt, actor, lang=lang))
    return accepted(request, response, job)


@router.post(
    "/model/rollback", response_model=ModelCard, response_model_exclude_unset=True, responses=ERRORS
)
def rollback(body: RollbackIn, rt: RuntimeDep, actor: CurrentActor) -> ModelCard:
    """Serve an earlier promoted version (or the baseline) again, on every host within
    seconds."""
    return ModelCard.of(model.rollback(rt, actor, body.version))
