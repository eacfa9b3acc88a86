"""The model in force, its versions, retraining and rollback (docs/retraining.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.runtime import Runtime
from service.store import modelstore
from service.store.model_card import Audit, KindEntry, ModelCard
from service.store.tables import ModelVersion
from service.training import retrain as retraining
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, NotFound

Card = ModelCard


def _for(actor: Actor, card: Card) -> Card:
    """An employer sees the ratios of the fairness audit, not the groups' figures."""
    if actor.role != "employer":
        return card
    return {**card, "kinds": {k: _ratios_only(v) for k, v in card.get("kinds", {}).items()}}


def _ratios_only(entry: KindEntry) -> KindEntry:
    entry = KindEntry(**entry)
    for key in ("fairness", "fairness_champion"):
        audits = entry.get(key)
        if isinstance(audits, dict):
            entry[key] = {attribute: _without_groups(audit) for attribute, audit in audits.items()}
    return entry


def _without_groups(audit: Audit) -> Audit:
    ratios = Audit(**audit)
    ratios.pop("groups", None)
    return ratios


def card(rt: Runtime, actor: Actor) -> Card:
    """The card of the model in force."""
    with rt.session() as session:
        return _for(actor, modelstore.card(session))


@dataclass(frozen=True)
class VersionLine:
    version: str
    status: str
    created_at: str | None
    has_file: bool


def versions(rt: Runtime, actor: Actor) -> list[VersionLine]:
    """Every version trained, newest first (refused challengers included), then the baseline."""
    access.admin_only(actor)
    with rt.session() as session:
        active = modelstore.active_version(session)
        lines = [
            VersionLine(
                version=row.version,
                status=modelstore.status(row),
                created_at=row.created_at.isoformat(timespec="seconds"),
                has_file=row.path is not None or row.artifact is not None,
            )
            for row in modelstore.versions(session)
        ]
    status = "active" if active == modelstore.BASELINE else "inactive"
    lines.append(VersionLine(modelstore.BASELINE, status, None, False))
    return lines


def version_card(rt: Runtime, actor: Actor, version: str) -> Card:
    access.admin_only(actor)
    with rt.session() as session:
        if version == modelstore.BASELINE:
            active = modelstore.active_version(session) == modelstore.BASELINE
            return _for(actor, modelstore.baseline_card(active=active))
        row = session.get(ModelVersion, version)
        if row is None:
            raise NotFound("unknown_model_version", version=version)
        return _for(actor, modelstore.card_of(row))


def retrain(rt: Runtime, actor: Actor, *, today: date | None = None) -> retraining.Outcome:
    """Train on the recorded outcomes, judge on the latest period, promote only if better
    and fair. A refusal is an answer (``promoted`` false with reasons), not an error."""
    access.admin_only(actor)
    with rt.session() as session:
        try:
            outcome = retraining.retrain(
                session, protector=rt.protector, home=rt.settings.home, today=today
            )
        except retraining.Busy:
            raise Conflict("retrain_running") from None
        session.commit()
    return outcome


def rollback(rt: Runtime, actor: Actor, version: str) -> Card:
    """Serve an earlier promoted version (or the baseline) again, on every host."""
    access.admin_only(actor)
    with rt.writing() as session:
        try:
            modelstore.activate(session, version)
        except modelstore.UnknownVersion:
            raise NotFound("unknown_version", version=version) from None
        except modelstore.Refused as refused:
            raise Conflict(refused.code, **refused.params) from None
        session.commit()
        return _for(actor, modelstore.card(session))
