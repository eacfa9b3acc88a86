"""Benchmark: how much of the way from the baseline to a learner that knows the hidden world
the learned ranker goes.

    .venv/bin/python -m bench.learner_recovery [--seeds 1] [--days 400] [--cache DIR]

For each seed: the default demo (that seed), then ``matcher simulate --days N`` (that seed);
the vacancy referrals turned into training sets exactly as ``matcher retrain`` does and split by
time the same way (the latest 20 % of days held out). On the held-out referrals, three rankers:

- **baseline**: the fixed weights (docs/algorithm.md);
- **learned**: ``LearnedRanker`` as ``matcher retrain`` fits it (engine features and the
  employers' track records as of each referral's day);
- **reference**: the same estimator given, in addition, what the hidden world knows
  (``simulator.world``): the occupation fit computed from the person's and the job's true
  codes (``job_fit``: the world's own view of the pair) and the employer's true record, its
  openness to people with a record.

``--cache DIR`` keeps each seed's simulated database in ``DIR/seed<S>-days<N>`` and reuses it
on the next run (the demo and the simulation do not depend on the rankers measured), so that
a change to the learner can be measured without simulating again.

In this world the occupation fit the world reads *is* the engine's feature (``job_fit`` takes
it from ``vacancy_pair``), so the reference's edge is the employers' openness alone. A fourth
ranker, **records**, bounds what the service's own data can give: the same estimator given the
openness as far as the employers' track records and quota status tell it (a linear fit of the
true openness on those columns, on the training referrals — a diagnostic, not a ranker the
service could have); its R² on the held-out employers is printed.

Figure: NDCG@10 with 3-month retention as the gain (as ``matcher retrain`` judges), and the
*recovery* ``(learned − baseline) / (reference − baseline)``. Also the true NDCG@10 (gain: the
world's probability of a kept job) and its recovery.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

TODAY = date(2026, 11, 25)


def _recovery(learned: float, baseline: float, reference: float) -> float:
    gap = reference - baseline
    return float("nan") if abs(gap) < 1e-9 else (learned - baseline) / gap


def _hidden(engine: Any, world: Any, persons: Any, part: Any) -> tuple[np.ndarray, np.ndarray]:
    """What the hidden world knows of each referral (the true occupation fit, the employer's
    openness), and its true probability of a job kept 3 months."""
    from simulator.world import job_fit

    extra, truth = [], []
    for p, i, d in zip(part.person, part.item, part.day, strict=True):
        day = date.fromordinal(int(d))
        fit = job_fit(engine, engine.view(persons[p], on=day), engine.item("vacancy", i))
        extra.append((fit.occupation, world.openness(fit.employer_bin)))
        truth.append(world.hidden_success(persons[p], fit, day=day))
    return np.asarray(extra, dtype=np.float64), np.asarray(truth, dtype=np.float64)


def _told_openness(
    train: Any, held: Any, train_open: np.ndarray, held_open: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], float]:
    """The employers' openness as far as what the service knows can tell it: a linear fit of
    the true openness on the track-record columns and the quota column, on the training
    referrals; its values for both parts, and its R² on the held-out ones."""
    from sklearn.linear_model import LinearRegression

    from matcher.rank.track import TRACK_FEATURES

    columns = [train.names.index(n) for n in ("quota", *TRACK_FEATURES)]
    fit = LinearRegression().fit(train.X[:, columns], train_open)
    told = fit.predict(train.X[:, columns]), fit.predict(held.X[:, columns])
    return told, float(fit.score(held.X[:, columns], held_open))


def _home(cache: Path | None, seed: int, days: int) -> tuple[Path, bool]:
    """Where a seed's database lives, and whether it is already simulated (only in a cache)."""
    if cache is None:
        return Path(tempfile.mkdtemp(prefix="learner-recovery-")), False
    home = cache / f"seed{seed}-days{days}"
    home.mkdir(parents=True, exist_ok=True)
    return home, (home / DONE).exists()


DONE = "simulated"
"""The file a cached home holds once its demo is built and simulated."""


def run(seeds: int, days: int, cache: Path | None = None) -> None:
    import sqlalchemy as sa
    from sqlmodel import col

    from catalogs.demo import DemoSpec
    from matcher.features.pairs import FEATURES
    from matcher.rank import evaluate
    from matcher.rank.baseline import baseline
    from matcher.rank.learned import LearnedRanker
    from service.config import Settings
    from service.runtime import Runtime
    from service.store import demo
    from service.store import rows as glue
    from service.store.tables import Person as PersonRow
    from service.store.tables import Vacancy as VacancyRow
    from service.training import dataset
    from simulator.play import simulate
    from simulator.world import World

    rows: dict[str, dict[str, list[float]]] = {}
    for seed in range(seeds):
        home, ready = _home(cache, seed, days)
        try:
            runtime = Runtime.from_settings(Settings(home=home, database_url=None))
            with runtime.session() as session:
                if not ready:
                    protector = runtime.protector
                    demo.build(session, DemoSpec(seed=seed, as_of=TODAY), protector=protector)
                    session.commit()
                    simulate(session, days=days, seed=seed, today=TODAY, protector=protector)
                    session.commit()
                    if cache is not None:
                        (home / DONE).touch()
                engine = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
                persons = {
                    r.person_id: glue.person(r, runtime.protector)
                    for r in session.scalars(sa.select(PersonRow))
                }
                quota = {
                    b
                    for (b,) in session.execute(
                        sa.select(col(VacancyRow.employer_bin)).where(col(VacancyRow.is_quota))
                    )
                }
                sets, _ = dataset.build(engine, persons, dataset.load_events(session), end=TODAY)
        finally:
            if cache is None:
                shutil.rmtree(home, ignore_errors=True)
        data = sets["vacancy"]
        world = World(seed, quota_employers=frozenset(quota))

        cutoff = int(np.quantile(data.day, 1 - dataset.HELD_OUT_SHARE))
        train, held = data.rows(data.day < cutoff), data.rows(data.day >= cutoff)
        train_extra, _ = _hidden(engine, world, persons, train)
        held_extra, truth = _hidden(engine, world, persons, held)
        names = (*train.names, "true_occupation", "employer_openness")
        told, told_r2 = _told_openness(train, held, train_extra[:, 1], held_extra[:, 1])
        scores = {
            "baseline": baseline("vacancy").predict_proba(held.X[:, : len(FEATURES["vacancy"])])[
                :, 1
            ],
            "learned": LearnedRanker("vacancy", features=train.names)
            .fit(train.X, train.y, train.weight, order=train.day)
            .predict_proba(held.X)[:, 1],
            "reference": LearnedRanker("vacancy", features=names)
            .fit(np.hstack([train.X, train_extra]), train.y, train.weight, order=train.day)
            .predict_proba(np.hstack([held.X, held_extra]))[:, 1],
            "records": LearnedRanker("vacancy", features=(*train.names, "told_openness"))
            .fit(np.column_stack([train.X, told[0]]), train.y, train.weight, order=train.day)
            .predict_proba(np.column_stack([held.X, told[1]]))[:, 1],
        }
        print(
            f"seed {seed}: {len(train):,} referrals to train on ({int(train.y.sum()):,} kept "
            f"3 months), {len(held):,} held out ({int(held.y.sum()):,})",
            file=sys.stderr,
        )
        for name, score in scores.items():
            row = rows.setdefault(name, {"ndcg": [], "true": []})
            row["ndcg"].append(evaluate.ndcg(held.person, held.y, score))
            row["true"].append(evaluate.ndcg(held.person, truth, score))
            print(
                f"  {name:<10} NDCG@10 {row['ndcg'][-1]:.4f}  true NDCG@10 {row['true'][-1]:.4f}",
                file=sys.stderr,
            )
        print(
            f"  the records tell the held-out employers' openness with R² {told_r2:.2f}",
            file=sys.stderr,
        )
        for figure in ("ndcg", "true"):
            b, le, r, rec = (
                rows[n][figure][-1] for n in ("baseline", "learned", "reference", "records")
            )
            rows.setdefault("recovery", {}).setdefault(figure, []).append(_recovery(le, b, r))
            rows.setdefault("bound", {}).setdefault(figure, []).append(_recovery(rec, b, r))
        print(
            f"  recovery   {rows['recovery']['ndcg'][-1]:.0%}  "
            f"true {rows['recovery']['true'][-1]:.0%}  "
            f"(records: {rows['bound']['ndcg'][-1]:.0%}, true {rows['bound']['true'][-1]:.0%})",
            file=sys.stderr,
        )
    print(f"\nheld-out vacancy referrals, {seeds} seed(s), {days} simulated days each (median)")
    for figure, label in (("ndcg", "NDCG@10 (kept 3 months)"), ("true", "true NDCG@10")):
        b, le, r = (
            statistics.median(rows[n][figure]) for n in ("baseline", "learned", "reference")
        )
        print(
            f"{label:<24} baseline {b:.4f}  learned {le:.4f}  reference {r:.4f}  "
            f"recovery of the medians {_recovery(le, b, r):.0%}, "
            f"median recovery {statistics.median(rows['recovery'][figure]):.0%} "
            f"(records: {statistics.median(rows['bound'][figure]):.0%})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep and reuse each seed's simulated database"
    )
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    # as the service's jobs do: on a shared machine, the trees' OpenMP threads waiting for
    # each other cost many times the fit (one fit took over 10 CPU-minutes, 23 s on one thread)
    with threadpool_limits(limits=1):
        run(args.seeds, args.days, args.cache)


if __name__ == "__main__":
    main()
