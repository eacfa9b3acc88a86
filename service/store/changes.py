"""Counters of the data that serving caches: every process and host reads them to know when
its engine or person index is out of date (``service.serving``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import DataVersion, ModelVersion, utcnow

Data = Literal["catalogs", "persons", "places"]
CATALOG_KINDS = frozenset({"vacancies", "courses", "shelters", "employers"})


@dataclass(frozen=True)
class Versions:
    """What the data looked like when an engine was built."""

    catalogs: int
    persons: int
    model: str
    places: int = 0
    """Referrals and capacity confirmations: what a list's free places are read from
    (``referrals.Overlay``), reloaded without rebuilding the engine."""


def data_of(kind: str) -> Data | None:
    """Which cached data an import of ``kind`` changes (outcomes change neither)."""
    if kind in CATALOG_KINDS:
        return "catalogs"
    if kind == "persons":
        return "persons"
    return None


def bump(session: Session, name: Data) -> None:
    """Raise ``name``'s counter in the caller's transaction (committed with the change)."""
    updated = session.execute(
        sa.update(DataVersion)
        .where(col(DataVersion.name) == name)
        .values(version=col(DataVersion.version) + 1, changed_at=utcnow())
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DataVersion(name=name, version=1))


def current(session: Session, *, baseline: str) -> Versions:
    """The counters and the active model version."""
    counters = dict(
        session.execute(sa.select(col(DataVersion.name), col(DataVersion.version))).all()
    )
    active = session.scalar(
        sa.select(col(ModelVersion.version)).where(col(ModelVersion.is_active)).limit(1)
    )
    return Versions(
        catalogs=int(counters.get("catalogs", 0)),
        persons=int(counters.get("persons", 0)),
        places=int(counters.get("places", 0)),
        model=active or baseline,
    )
