"""The model in force, retraining and rollback (docs/retraining.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from service.api.deps import Admin, AnyRole, ApiError, Engines, Lang, RuntimeDep, SessionDep
from service.api.routes.persons import ERRORS
from service.api.schemas import Error, ModelCard, ModelVersionOut, Refusal, RetrainOut, RollbackIn
from service.store import modelstore
from service.store.tables import ModelVersion

router = APIRouter(tags=["model"])


def _card(card: dict[str, Any], *, role: str) -> ModelCard:
    """An employer sees the ratios of the fairness audit, not the groups' figures."""
    if role == "employer":
        card = {**card, "kinds": {k: _ratios_only(v) for k, v in card.get("kinds", {}).items()}}
    return ModelCard.model_validate(card)


def _ratios_only(entry: dict[str, Any]) -> dict[str, Any]:
    entry = dict(entry)
    for key in ("fairness", "fairness_champion"):
        if isinstance(entry.get(key), dict):
            entry[key] = {
                attribute: {m: v for m, v in audit.items() if m != "groups"}
                for attribute, audit in entry[key].items()
            }
    return entry


@router.get("/model", response_model=ModelCard, responses=ERRORS)
def model_card(db: SessionDep, token: AnyRole) -> ModelCard:
    """The ranking model in force: the transparent baseline until a learned one is promoted;
    for a learned one, its data window, held-out metrics, fairness audit and refusals."""
    return _card(modelstore.card(db), role=token.role)


@router.get("/model/versions", response_model=list[ModelVersionOut], responses=ERRORS)
def model_versions(db: SessionDep, token: Admin) -> list[ModelVersionOut]:
    """Every version trained, newest first (refused challengers included), then the baseline."""
    active = modelstore.active_version(db)
    rows = [
        ModelVersionOut(
            version=row.version,
            status=modelstore.status(row),
            created_at=row.created_at.isoformat(timespec="seconds"),
            has_file=row.path is not None,
        )
        for row in modelstore.versions(db)
    ]
    status = "active" if active == modelstore.BASELINE else "inactive"
    rows.append(
        ModelVersionOut(version=modelstore.BASELINE, status=status, created_at=None, has_file=False)
    )
    return rows


@router.get("/model/versions/{version}", response_model=ModelCard, responses=ERRORS)
def model_version_card(
    version: Annotated[str, Path(max_length=40, pattern=r"^[\w.:-]+$")],
    db: SessionDep,
    token: Admin,
) -> ModelCard:
    """One version's card: a refused challenger's reasons, a rolled-back version's figures."""
    if version == modelstore.BASELINE:
        active = modelstore.active_version(db) == modelstore.BASELINE
        return _card(modelstore.baseline_card(active=active), role=token.role)
    row = db.get(ModelVersion, version)
    if row is None:
        raise ApiError(404, "unknown_model_version", version=version)
    return _card(modelstore.card_of(row), role=token.role)


@router.post(
    "/model/retrain", response_model=RetrainOut, responses={**ERRORS, 409: {"model": Error}}
)
def retrain(
    db: SessionDep, token: Admin, rt: RuntimeDep, engines: Engines, lang: Lang
) -> RetrainOut:
    """Train on the recorded outcomes, judge on the latest period, promote only if NDCG@10 and
    AUC are at least the model in force and the fairness audit passes. A refusal is an
    answer (``promoted: false`` with the reasons), not an error."""
    from service.training import retrain as retraining

    try:
        outcome = retraining.retrain(db, protector=rt.protector, home=rt.settings.home)
    except retraining.Busy:
        raise ApiError(409, "retrain_running") from None
    db.commit()
    refused = [
        Refusal(kind=kind, code=str(reason["code"]), text=modelstore.reason_text(reason, lang))
        for kind, entry in outcome.card["kinds"].items()
        for reason in entry.get("refused", [])
    ]
    return RetrainOut(
        version=outcome.version,
        promoted=outcome.promoted,
        active=outcome.active,
        refused=refused,
        card=_card(outcome.card, role=token.role),
    )


@router.post("/model/rollback", response_model=ModelCard, responses=ERRORS)
def rollback(body: RollbackIn, db: SessionDep, token: Admin) -> ModelCard:
    """Serve an earlier promoted version (or the baseline) again, from the next request on."""
    try:
        modelstore.activate(db, body.version)
    except modelstore.UnknownVersion:
        raise ApiError(404, "unknown_version", version=body.version) from None
    db.commit()
    return _card(modelstore.card(db), role=token.role)
