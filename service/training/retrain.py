"""Retraining: outcomes → training sets → a challenger → held-out evaluation → promotion.

1. Every outcome event is read and turned into labelled referrals (``matcher.rank.outcomes``).
2. Each referral gets the engine's features as of its day and the item's track record as of
   its day (``matcher.rank.track``: only outcomes known that day).
3. The referrals are split by time: the latest ``HELD_OUT_SHARE`` of the days are held out.
4. For each kind of item with enough successes, a ``LearnedRanker`` is fitted on the earlier
   part, weighted against position bias (``position_weights``).
5. Challenger and champion (the active model) are scored on the held-out part: NDCG@10, AUC
   the fairness audit and, for vacancies, how high persons with a trade find jobs of their own
   trade in the lists an officer would see (``service.training.trade_gate``, against the
   champion and the baseline). A kind is promoted only if the challenger's NDCG@10 and AUC are
   at least the champion's, the audit passes and the trade stays first; otherwise the champion
   keeps it and the card says why.
6. When some kind was promoted, exactly the rankers that were judged are saved as a new
   version and activated in one transaction (not refitted on the held-out period: a champion
   must never be judged on data it has seen); otherwise the refusal is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlmodel import Session, col

from matcher import Ranker
from matcher.rank import (
    LearnedRanker,
    baseline_ranker,
    evaluate,
)
from service.store import modelstore
from service.store import rows as glue
from service.store.model_card import Audit, KindEntry, ModelCard, RankerCard, Reason
from service.store.protect import Protector
from service.store.tables import Person as PersonRow
from service.training import trade_gate
from service.training.dataset import (
    HELD_OUT_SHARE,
    KINDS,
    MIN_HELD_OUT_SUCCESSES,
    MIN_TRAIN_SUCCESSES,
    TrainingSet,
    build,
    load_events,
)
from service.training.trade_gate import Shortlists

Report = Callable[[str], None]


def _scores(ranker: Ranker, data: TrainingSet, kind: str) -> npt.NDArray[np.float64]:
    return np.asarray(ranker.predict_proba(data.columns(ranker, kind))[:, 1], dtype=np.float64)


def judge(
    challenger: Ranker,
    champion: Ranker,
    held_out: TrainingSet,
    kind: str,
    *,
    lists: Shortlists | None = None,
) -> KindEntry:
    """The held-out figures of both, the fairness audit, and the reasons to refuse (if any).
    The trade-first gate judges the vacancy lists an officer would see of the held-out
    period's persons, built from ``lists`` (``trade_gate``); without ``lists``, the held-out
    referral lists."""
    figures: dict[str, Any] = {}
    audits: dict[str, dict[str, Audit]] = {}
    # the lists as the engine orders them: trade first, its open quota jobs first
    fit, quota = _column(held_out, "occupation"), _column(held_out, "quota")
    for name, ranker in (("challenger", challenger), ("champion", champion)):
        score = _scores(ranker, held_out, kind)
        as_shown = evaluate.ndcg(held_out.person, held_out.y, score, fit=fit, quota=quota)
        figures[name] = {
            "ndcg@10": round(as_shown, 4),
            "auc": round(evaluate.auc(held_out.y, score), 4),
        }
        audit = evaluate.audit(
            held_out.groups,
            lists=held_out.item,
            persons=held_out.person,
            labels=held_out.y,
            scores=score,
        )
        audits[name] = cast(dict[str, Audit], audit)
    reasons: list[Reason] = []
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
        reasons.append(
            cast(Reason, {"code": "fairness", **problem, "floor": evaluate.FAIRNESS_FLOOR})
        )
    trade = _trade_first(challenger, champion, held_out, kind, fit)
    shown = None
    if lists is not None and fit is not None:
        shown = lists.measure(
            held_out.person,
            challenger=challenger,
            champion=champion,
            baseline=baseline_ranker(kind),
        )
        refused = trade_gate.refusal(
            shown, persons=shown["reachable"], least=evaluate.TRADE_MIN_LISTS
        )
    else:
        persons = int(trade["challenger"]["persons"]) if trade else 0
        refused = trade_gate.refusal(trade, persons=persons)
    if refused is not None:
        reasons.append(refused)
    entry: KindEntry = {
        "held_out": {
            "referrals": len(held_out),
            "successes": int(held_out.y.sum()),
            "lists": len(set(held_out.person.tolist())),
        },
        "challenger": figures["challenger"],
        "champion": figures["champion"],
        "fairness": audits["challenger"],
        "fairness_champion": audits["champion"],
        "trade_first": trade,
        "refused": reasons,
        "promoted": not reasons,
    }
    if shown is not None:
        entry["trade_first_lists"] = shown
    return entry


def _column(held_out: TrainingSet, name: str) -> npt.NDArray[np.float64] | None:
    """A feature column of the held-out referrals of vacancies, whose lists the engine orders
    trade first (None for the other kinds)."""
    if held_out.kind != "vacancy" or name not in held_out.names:
        return None
    return np.asarray(held_out.X[:, held_out.names.index(name)], dtype=np.float64)


def _trade_first(
    challenger: Ranker,
    champion: Ranker,
    held_out: TrainingSet,
    kind: str,
    fit: npt.NDArray[np.float64] | None,
) -> dict[str, dict[str, float | int]]:
    """``evaluate.trade_first`` of the challenger, the champion and the baseline on the
    held-out lists as they would be shown (trade first); empty when the kind's lists are not
    ordered by trade or no list holds an exact-trade match (nothing to judge)."""
    if fit is None or not (fit > evaluate.EXACT_TRADE_FIT).any():
        return {}
    rankers = {"challenger": challenger, "champion": champion, "baseline": baseline_ranker(kind)}
    return {
        name: evaluate.trade_first(held_out.person, fit, _scores(ranker, held_out, kind))
        for name, ranker in rankers.items()
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
    card: ModelCard


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
    rows = session.scalars(sa.select(PersonRow).order_by(col(PersonRow.person_id)))
    persons = {row.person_id: glue.person(row, protector, today) for row in rows}
    events = load_events(session)
    timings = {"reading": time.perf_counter() - started}
    say(f"events: {len(events)}")
    sets, records = build(engine, persons, events, end=today)
    lists = Shortlists.of(engine, persons, records, today=today)
    timings["features"] = time.perf_counter() - started - sum(timings.values())
    timings["fitting"] = timings["judging"] = 0.0
    say(f"training sets: { {k: len(v) for k, v in sets.items()} }")
    version = modelstore.new_version()
    card: ModelCard = {
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
            "exact_trade_top": evaluate.TRADE_TOP,
            "exact_trade_slack": evaluate.TRADE_SLACK,
            "exact_trade_fit": evaluate.EXACT_TRADE_FIT,
            "exact_trade_band": evaluate.TRADE_BAND,
            "exact_trade_lists": trade_gate.K,
            "exact_trade_sample": trade_gate.SAMPLE,
            "exact_trade_min_lists": evaluate.TRADE_MIN_LISTS,
        },
        "kinds": {},
        "versions": modelstore.installed_versions(),
    }
    kinds = card["kinds"]
    final: dict[str, Ranker] = {}
    for kind in KINDS:
        data = sets.get(kind)
        entry: KindEntry = {}
        kinds[kind] = entry
        if data is None or len(data) == 0:
            entry.update({"promoted": False, "refused": [{"code": "no_outcomes"}]})
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
            too_few: Reason = {
                "code": "too_few_outcomes",
                "train_successes": int(train.y.sum()),
                "held_out_successes": int(held_out.y.sum()),
                "needed": [MIN_TRAIN_SUCCESSES, MIN_HELD_OUT_SUCCESSES],
            }
            entry.update({"promoted": False, "refused": [too_few]})
            continue
        say(f"{kind}: fitting on {len(train)} referrals, judging on {len(held_out)}")
        lap = time.perf_counter()
        challenger = _fit(kind, train)
        timings["fitting"] += time.perf_counter() - lap
        lap = time.perf_counter()
        entry.update(judge(challenger, champion[kind], held_out, kind, lists=lists))
        timings["judging"] += time.perf_counter() - lap
        if entry["promoted"]:
            final[kind] = challenger
            entry["model"] = cast(RankerCard, dict(challenger.card()))
    card["seconds"] = round(time.perf_counter() - started, 1)
    card["timings"] = {phase: round(seconds, 1) for phase, seconds in timings.items()}
    promoted = bool(final)
    if not promoted:
        card["status"] = "refused"
        _to_writing(session)
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
    packed = modelstore.dump(rankers)  # compressing takes seconds: not while holding the lock
    _to_writing(session)
    modelstore.save(session, home, version, rankers, card, data=packed)
    modelstore.activate(session, version)
    return Outcome(version, True, version, card)


def _to_writing(session: Session) -> None:
    """End the long read on SQLite and take the write lock for what is left: a read
    transaction that writes after others have committed fails at once, while one that begins
    as a writer waits its turn (``service.store.db``). PostgreSQL keeps its one transaction,
    which holds the advisory lock."""
    bind = session.get_bind()
    if isinstance(bind, sa.Engine) and bind.dialect.name == "sqlite":
        session.commit()
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _fit(kind: str, data: TrainingSet) -> LearnedRanker:
    return LearnedRanker(kind, features=data.names).fit(data.X, data.y, data.weight, order=data.day)
