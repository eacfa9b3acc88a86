"""Training sets from recorded outcomes: every outcome event read and turned into labelled
referrals, each with the engine's features and the item's track record as of its own day; and
the track records a learned model serves with (docs/retraining.md).

A referral whose outcome is still open on the last day (``outcomes.Referral.pending``: a hire
not yet 3 months old, a course still being followed) is censored, however old the referral: it
is left out of the training sets and does not count in any track record until its outcome is
known."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from catalogs.reference.places import places
from matcher import FEATURES, Engine, Person, PersonView, Ranker, person_codes
from matcher.rank import (
    STAGE_DAYS,
    TRACK_FEATURES,
    Outcomes,
    TrackRecords,
    outcomes,
    track_snapshot,
)
from service.store.tables import OutcomeEvent

KINDS = ("vacancy", "course", "shelter")
HELD_OUT_SHARE = 0.2
MIN_TRAIN_SUCCESSES = 30
MIN_HELD_OUT_SUCCESSES = 10
MAX_POSITION_WEIGHT = 10.0


@dataclass
class TrainingSet:
    """One kind's labelled referrals with their features (all columns: base + track)."""

    kind: str
    names: tuple[str, ...]
    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    person: npt.NDArray[np.str_]
    item: npt.NDArray[np.str_]
    groups: dict[str, npt.NDArray[np.str_]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.y)

    def rows(self, mask: npt.NDArray[np.bool_]) -> TrainingSet:
        return TrainingSet(
            self.kind,
            self.names,
            self.X[mask],
            self.y[mask],
            self.day[mask],
            self.weight[mask],
            self.person[mask],
            self.item[mask],
            {k: v[mask] for k, v in self.groups.items()},
        )

    def columns(self, ranker: Ranker, kind: str) -> npt.NDArray[np.float64]:
        names = [str(n) for n in getattr(ranker, "features_", FEATURES[kind])]
        return self.X[:, [self.names.index(n) for n in names]]


def load_events(session: Session) -> list[outcomes.Event]:
    e = OutcomeEvent
    query = sa.select(
        col(e.person_id),
        col(e.item_kind),
        col(e.item_id),
        col(e.event),
        col(e.date),
        col(e.contract_months),
        col(e.rank),
    ).order_by(col(e.id))  # the order they were written in, on every database
    return [(p, k, i, ev, d.toordinal(), c, r) for p, k, i, ev, d, c, r in session.execute(query)]


def position_weights(ranks: list[int | None]) -> npt.NDArray[np.float64]:
    """Inverse propensity weights against position bias: an officer refers from the top of a
    list far more often, so referrals made from lower ranks stand for many unmade ones. The
    propensity of rank r is estimated as the referrals made at r over those made at rank 1
    (every list shows all ranks); weights are capped at ``MAX_POSITION_WEIGHT`` and average 1.
    Referrals with no rank (imported) weigh 1."""
    known = [r for r in ranks if r is not None and r >= 1]
    weights = np.ones(len(ranks))
    if not known:
        return weights
    counts = np.bincount(np.asarray(known), minlength=max(known) + 1).astype(float)
    top = counts[1] if counts[1] > 0 else counts.max()
    for i, r in enumerate(ranks):
        if r is not None and r >= 1 and counts[r] > 0:
            weights[i] = min(MAX_POSITION_WEIGHT, top / counts[r])
    ranked = np.array([r is not None and r >= 1 for r in ranks])
    if ranked.any():
        weights[ranked] /= weights[ranked].mean()
    return weights


def _age_band(birth_year: int | None, on: date) -> str:
    return law.age_band(None if birth_year is None else on.year - birth_year)


def _urban(kato: str) -> str:
    place = places().get(kato)
    while place is not None and not place.is_town and place.parent is not None:
        if place.level in ("settlement", "sub_district"):
            break
        place = places().get(place.parent)
    return "urban" if place is not None and place.is_town else "rural"


def _track_key(engine: Engine, kind: str, item_id: str) -> str:
    return engine.track_key(kind, engine.item(kind, item_id))


def build(
    engine: Engine,
    persons: Mapping[str, Person],
    events: list[outcomes.Event],
    *,
    end: date,
) -> tuple[dict[str, TrainingSet], dict[str, TrackRecords]]:
    """Training sets by kind and the track records they were built with."""
    found = [
        r
        for r in outcomes.referrals(events, end=end.toordinal())
        if r.person_id in persons and engine.knows(r.kind, r.item_id)
    ]
    records = _records(engine, found)
    sets: dict[str, TrainingSet] = {}
    codes: dict[str, tuple[Mapping[str, float], Mapping[str, str]]] = {}
    for kind in KINDS:
        rows = [r for r in found if r.kind == kind and r.known]
        keys = [_track_key(engine, kind, r.item_id) for r in rows]
        if not rows:
            continue
        names = (*FEATURES[kind], *TRACK_FEATURES)
        base = np.empty((len(rows), len(FEATURES[kind])))
        for i, r in enumerate(rows):
            person = persons[r.person_id]
            # the professions are read once a person; the circumstances as of each referral
            if r.person_id not in codes:
                codes[r.person_id] = person_codes(person.professions, matcher=engine.matcher)
            view = PersonView.of(person, *codes[r.person_id], date.fromordinal(r.day))
            base[i] = engine.pair(view, kind, r.item_id).vector(FEATURES[kind])
        track = records[kind].as_of(keys, np.array([r.day for r in rows]))
        chosen = [persons[r.person_id] for r in rows]
        sets[kind] = TrainingSet(
            kind=kind,
            names=names,
            X=np.hstack([base, track]),
            y=np.array([r.success for r in rows], dtype=np.int64),
            day=np.array([r.day for r in rows], dtype=np.int64),
            weight=position_weights([r.rank for r in rows]),
            person=np.array([r.person_id for r in rows]),
            item=np.array([r.item_id for r in rows]),
            groups={
                "sex": np.array([p.sex for p in chosen]),
                "age_band": np.array([_age_band(p.birth_year, end) for p in chosen]),
                "region": np.array([p.kato[:2] for p in chosen]),
                "settlement": np.array([_urban(p.kato) for p in chosen]),
                "offence": np.array([p.offence_category or "none" for p in chosen]),
            },
        )
    return sets, records


def _records(engine: Engine, found: list[outcomes.Referral]) -> dict[str, TrackRecords]:
    """Track records by kind from every referral: each counts once resolved (in the first
    step's count after ``STAGE_DAYS``; in the rest once its outcome is known, after
    ``HORIZON_DAYS`` or later while pending), and each 1 it adds from the day that fact became
    known, if later."""
    result = {}
    for kind in KINDS:
        rows = [r for r in found if r.kind == kind]
        result[kind] = TrackRecords(
            Outcomes(
                [_track_key(engine, kind, r.item_id) for r in rows],
                _days([r.resolved for r in rows]),
                np.array([r.stage for r in rows], dtype=float),
                np.array([r.success for r in rows], dtype=float),
                np.array([r.job for r in rows], dtype=float),
                _days([r.day + STAGE_DAYS[kind] for r in rows]),
                stage_known=_days([r.stage_day for r in rows]),
                success_known=_days([r.success_day for r in rows]),
                job_known=_days([r.job_day for r in rows]),
            )
        )
    return result


def _days(days: list[int | None]) -> npt.NDArray[np.int64]:
    return np.array([0 if d is None else d for d in days], dtype=np.int64)  # 0: no such fact


def tracks(session: Session, engine: Engine, *, today: date) -> dict[str, Any]:
    """Current track records by kind, for serving a learned model."""
    found = [
        r
        for r in outcomes.referrals(load_events(session), end=today.toordinal())
        if engine.knows(r.kind, r.item_id)
    ]
    records = _records(engine, found)
    return {kind: track_snapshot(records[kind], today.toordinal() + 1) for kind in KINDS}
