"""Retraining: outcomes → training sets → a challenger → held-out evaluation → promotion.

1. Every outcome event is read and turned into labelled referrals (``matcher.rank.outcomes``).
2. Each referral gets the engine's features as of its day and the item's track record as of
   its day (``matcher.rank.track``: only outcomes known that day).
3. The referrals are split by time: the latest ``HELD_OUT_SHARE`` of the days are held out.
4. For each kind of item with enough successes, a ``LearnedRanker`` is fitted on the earlier
   part, weighted against position bias (``position_weights``).
5. Challenger and champion (the active model) are scored on the held-out part: NDCG@10, AUC
   and the fairness audit (``matcher.rank.evaluate``). A kind is promoted only if the
   challenger's NDCG@10 and AUC are at least the champion's and the audit passes; otherwise
   the champion keeps it and the card says why.
6. When some kind was promoted, exactly the rankers that were judged are saved as a new
   version and activated in one transaction (not refitted on the held-out period: a champion
   must never be judged on data it has seen); otherwise the refusal is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from catalogs.reference.places import places
from matcher import FEATURES, Engine, Person, PersonView, Ranker, person_codes
from matcher.rank import (
    HORIZON_DAYS,
    STAGE_DAYS,
    TRACK_FEATURES,
    LearnedRanker,
    Outcomes,
    TrackRecords,
    evaluate,
    outcomes,
    track_snapshot,
)
from service.store import modelstore
from service.store import rows as glue
from service.store.protect import Protector
from service.store.tables import OutcomeEvent
from service.store.tables import Person as PersonRow

KINDS = ("vacancy", "course", "shelter")
HELD_OUT_SHARE = 0.2
MIN_TRAIN_SUCCESSES = 30
MIN_HELD_OUT_SUCCESSES = 10
MAX_POSITION_WEIGHT = 10.0

Report = Callable[[str], None]


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
    )
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


def _scores(ranker: Ranker, data: TrainingSet, kind: str) -> npt.NDArray[np.float64]:
    return np.asarray(ranker.predict_proba(data.columns(ranker, kind))[:, 1], dtype=np.float64)


def judge(challenger: Ranker, champion: Ranker, held_out: TrainingSet, kind: str) -> dict[str, Any]:
    """The held-out figures of both, the fairness audit, and the reasons to refuse (if any)."""
    figures: dict[str, Any] = {}
    audits = {}
    for name, ranker in (("challenger", challenger), ("champion", champion)):
        score = _scores(ranker, held_out, kind)
        figures[name] = {
            "ndcg@10": round(evaluate.ndcg(held_out.person, held_out.y, score), 4),
            "auc": round(evaluate.auc(held_out.y, score), 4),
        }
        audits[name] = evaluate.audit(
            held_out.groups,
            lists=held_out.item,
            persons=held_out.person,
            labels=held_out.y,
            scores=score,
        )
    reasons: list[dict[str, Any]] = []
    for metric in ("ndcg@10", "auc"):
        if not figures["challenger"][metric] >= figures["champion"][metric]:
            reasons.append(
                {
                    "code": "worse_than_champion",
                    "metric": metric,
                    "challenger": figures["challenger"][metric],
                    "champion": figures["champion"][metric],
                }
            )
    for problem in evaluate.fairness_problems(audits["challenger"], audits["champion"]):
        reasons.append({"code": "fairness", **problem, "floor": evaluate.FAIRNESS_FLOOR})
    return {
        "held_out": {
            "referrals": len(held_out),
            "successes": int(held_out.y.sum()),
            "lists": len(set(held_out.person.tolist())),
        },
        **figures,
        "fairness": audits["challenger"],
        "fairness_champion": audits["champion"],
        "refused": reasons,
        "promoted": not reasons,
    }


class Busy(RuntimeError):
    """Another retraining is running (in this process, or anywhere on PostgreSQL)."""


_running = threading.Lock()


def running_here() -> bool:
    """Whether this process is retraining now (a command, a schedule or a job)."""
    return _running.locked()


ADVISORY_KEY = 0x6D61746368
"""PostgreSQL advisory lock taken while retraining (one at a time across servers)."""


@dataclass
class Outcome:
    """What a retraining did."""

    version: str
    promoted: bool
    active: str
    card: dict[str, Any]


def retrain(
    session: Session,
    *,
    protector: Protector,
    home: Any,
    today: date | None = None,
    report: Report | None = None,
) -> Outcome:
    """Train, evaluate and promote only if better and fair; the caller's session commits.
    Raises ``Busy`` when another retraining is running."""
    if not _running.acquire(blocking=False):
        raise Busy()
    try:
        if session.get_bind().dialect.name == "postgresql":
            taken = session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(ADVISORY_KEY)))
            if not taken:
                raise Busy()
        return _retrain(session, protector=protector, home=home, today=today, report=report)
    finally:
        _running.release()


def _retrain(
    session: Session,
    *,
    protector: Protector,
    home: Any,
    today: date | None,
    report: Report | None,
) -> Outcome:
    started = time.perf_counter()
    say = report or (lambda _: None)
    today = today or date.today()
    engine = glue.load_engine(session, today=today, congestion=False, learned=False)
    champion_version, champion = modelstore.rankers(session)
    persons = {
        row.person_id: glue.person(row, protector) for row in session.scalars(sa.select(PersonRow))
    }
    events = load_events(session)
    timings = {"reading": time.perf_counter() - started}
    say(f"events: {len(events)}")
    sets, records = build(engine, persons, events, end=today)
    timings["features"] = time.perf_counter() - started - sum(timings.values())
    timings["fitting"] = timings["judging"] = 0.0
    say(f"training sets: { {k: len(v) for k, v in sets.items()} }")
    version = modelstore.new_version()
    card: dict[str, Any] = {
        "version": version,
        "kind": "learned",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "champion": champion_version,
        "data": {"events": len(events), "until": today.isoformat()},
        "gates": {
            "ndcg@10": "at least the champion's",
            "auc": "at least the champion's",
            "fairness_floor": evaluate.FAIRNESS_FLOOR,
            "fairness_min_group": evaluate.MIN_GROUP,
        },
        "kinds": {},
        "versions": _library_versions(),
    }
    final: dict[str, Ranker] = {}
    for kind in KINDS:
        data = sets.get(kind)
        entry: dict[str, Any] = {}
        card["kinds"][kind] = entry
        if data is None or len(data) == 0:
            entry.update(promoted=False, refused=[{"code": "no_outcomes"}])
            continue
        cutoff = int(np.quantile(data.day, 1 - HELD_OUT_SHARE))
        train, held_out = data.rows(data.day < cutoff), data.rows(data.day >= cutoff)
        entry["window"] = {
            "from": date.fromordinal(int(data.day.min())).isoformat(),
            "held_out_from": date.fromordinal(cutoff).isoformat(),
            "until": date.fromordinal(int(data.day.max())).isoformat(),
            "train_referrals": len(train),
            "train_successes": int(train.y.sum()),
        }
        if train.y.sum() < MIN_TRAIN_SUCCESSES or held_out.y.sum() < MIN_HELD_OUT_SUCCESSES:
            entry.update(
                promoted=False,
                refused=[
                    {
                        "code": "too_few_outcomes",
                        "train_successes": int(train.y.sum()),
                        "held_out_successes": int(held_out.y.sum()),
                        "needed": [MIN_TRAIN_SUCCESSES, MIN_HELD_OUT_SUCCESSES],
                    }
                ],
            )
            continue
        say(f"{kind}: fitting on {len(train)} referrals, judging on {len(held_out)}")
        lap = time.perf_counter()
        challenger = _fit(kind, train)
        timings["fitting"] += time.perf_counter() - lap
        lap = time.perf_counter()
        entry.update(judge(challenger, champion[kind], held_out, kind))
        timings["judging"] += time.perf_counter() - lap
        if entry["promoted"]:
            final[kind] = challenger
            entry["model"] = dict(challenger.card())
    card["seconds"] = round(time.perf_counter() - started, 1)
    card["timings"] = {phase: round(seconds, 1) for phase, seconds in timings.items()}
    promoted = bool(final)
    if not promoted:
        card["status"] = "refused"
        modelstore.record_refusal(session, version, card)
        return Outcome(version, False, champion_version, card)
    rankers = {k: v for k, v in champion.items() if k in modelstore.RANKER_KINDS}
    rankers.update(final)
    if "vacancy" in final:
        rankers["candidate"] = final["vacancy"]
    card["status"] = "active"
    card["served"] = {
        kind: (
            version
            if kind in final or (kind == "candidate" and "vacancy" in final)
            else champion_version
        )
        for kind in modelstore.RANKER_KINDS
    }
    card["tracks"] = {kind: records[kind].size for kind in KINDS}
    modelstore.save(session, home, version, rankers, card)
    modelstore.activate(session, version)
    return Outcome(version, True, version, card)


def _fit(kind: str, data: TrainingSet) -> LearnedRanker:
    return LearnedRanker(kind, features=data.names).fit(data.X, data.y, data.weight, order=data.day)


def _records(engine: Engine, found: list[outcomes.Referral]) -> dict[str, TrackRecords]:
    """Track records by kind from every referral: each outcome counts from the day it is
    known (the first step after ``STAGE_DAYS``, success after ``HORIZON_DAYS``)."""
    result = {}
    for kind in KINDS:
        rows = [r for r in found if r.kind == kind]
        result[kind] = TrackRecords(
            Outcomes(
                [_track_key(engine, kind, r.item_id) for r in rows],
                np.array([r.day + HORIZON_DAYS[kind] for r in rows], dtype=np.int64),
                np.array([r.stage for r in rows], dtype=float),
                np.array([r.success for r in rows], dtype=float),
                np.array([r.job for r in rows], dtype=float),
                np.array([r.day + STAGE_DAYS[kind] for r in rows], dtype=np.int64),
            )
        )
    return result


def tracks(session: Session, engine: Engine, *, today: date) -> dict[str, Any]:
    """Current track records by kind, for serving a learned model."""
    found = [
        r
        for r in outcomes.referrals(load_events(session), end=today.toordinal())
        if engine.knows(r.kind, r.item_id)
    ]
    records = _records(engine, found)
    return {kind: track_snapshot(records[kind], today.toordinal() + 1) for kind in KINDS}


def _library_versions() -> dict[str, str]:
    import joblib
    import numpy
    import sklearn

    from matcher import __version__

    return {
        "matcher": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
    }
