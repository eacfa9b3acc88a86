"""Benchmark: the learned ranker against the baseline and LightGBM LambdaMART, and the time
retraining takes at scale.

    .venv/bin/python -m bench.retrain quality [--seeds 3] [--days 400]
    .venv/bin/python -m bench.retrain speed --home DIR [--runs 3]
    .venv/bin/python -m bench.retrain latency --home DIR [--persons 500]

**quality**: for each seed, a fresh SQLite database with the default demo (that seed), then
``matcher simulate --days N`` (that seed). The referrals are turned into training sets exactly
as ``matcher retrain`` does and split by time the same way (the latest 20 % of days held
out). On the held-out vacancy referrals, three rankers over the same features:

- the baseline (docs/algorithm.md), which needs no training;
- the learned ranker (``matcher.rank.learned``), as ``matcher retrain`` fits it;
- LightGBM LambdaMART (``LGBMRanker``, objective ``lambdarank``, groups = each person's
  referrals), an outside reference (``pip install -e '.[bench]'``; a benchmark-only dependency).

Figures: NDCG@10 with 3-month retention as the gain (each person's held-out referrals form a
list), AUC, and *true* NDCG@10, whose gain is the hidden world's probability that the
referral ends in a job kept 3 months (``World.hidden_success``: noise-free, for evaluation
only). Medians over the seeds, with the range.

**speed**: ``matcher retrain`` end to end (reading the events, labels, features, track
records, fitting, judging, the fairness audit, saving) on the database in ``--home``, each run
in a fresh process; wall time and peak memory (the process's maximum resident set).

**latency**: a person's list of 10 with the baseline and with the active model of ``--home``
(a learned one re-scores the baseline's best ``matcher.engine.RERANK``), median and 95th
percentile over the same persons.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

TODAY = date(2026, 11, 25)


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.4f} ({min(values):.4f}–{max(values):.4f})"


def quality(seeds: int, days: int) -> None:
    import lightgbm
    import sqlalchemy as sa

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
    from simulator.world import World, job_fit

    table: dict[str, dict[str, list[float]]] = {}
    sizes = []
    for seed in range(seeds):
        with tempfile.TemporaryDirectory() as home:
            runtime = Runtime.from_settings(Settings(home=Path(home), database_url=None))
            with runtime.session() as session:
                demo.build(session, DemoSpec(seed=seed, as_of=TODAY), protector=runtime.protector)
                session.commit()
                started = time.perf_counter()
                report = simulate(
                    session, days=days, seed=seed, today=TODAY, protector=runtime.protector
                )
                simulated = time.perf_counter() - started
                engine = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
                persons = {
                    r.person_id: glue.person(r, runtime.protector)
                    for r in session.scalars(sa.select(PersonRow))
                }
                quota = {
                    b
                    for (b,) in session.execute(
                        sa.select(VacancyRow.employer_bin).where(VacancyRow.is_quota)
                    )
                }
                sets, _ = dataset.build(engine, persons, dataset.load_events(session), end=TODAY)
            data = sets["vacancy"]
            cutoff = int(np.quantile(data.day, 1 - dataset.HELD_OUT_SHARE))
            train, held = data.rows(data.day < cutoff), data.rows(data.day >= cutoff)
            sizes.append(
                (report.total_events, len(train), int(train.y.sum()), len(held), int(held.y.sum()))
            )
            print(
                f"seed {seed}: {report.total_events:,} events simulated in {simulated:.0f} s; "
                f"{len(train):,} referrals to train on ({int(train.y.sum()):,} kept 3 months), "
                f"{len(held):,} held out ({int(held.y.sum()):,})",
                file=sys.stderr,
            )
            nbase = len(FEATURES["vacancy"])
            world = World(seed, quota_employers=frozenset(quota))
            truth = np.array(
                [
                    world.hidden_success(
                        persons[p],
                        job_fit(
                            engine,
                            engine.view(persons[p], on=date.fromordinal(int(d))),
                            engine.item("vacancy", i),  # type: ignore[arg-type]
                        ),
                        day=date.fromordinal(int(d)),
                    )
                    for p, i, d in zip(held.person, held.item, held.day, strict=True)
                ]
            )
            scores: dict[str, np.ndarray] = {}
            scores["baseline"] = baseline("vacancy").predict_proba(held.X[:, :nbase])[:, 1]
            started = time.perf_counter()
            learned = LearnedRanker("vacancy", features=train.names).fit(
                train.X, train.y, train.weight, order=train.day
            )
            fit_learned = time.perf_counter() - started
            scores["learned"] = learned.predict_proba(held.X)[:, 1]
            order = np.argsort(train.person, kind="stable")
            _, groups = np.unique(train.person[order], return_counts=True)
            started = time.perf_counter()
            lambdamart = lightgbm.LGBMRanker(
                objective="lambdarank",
                n_estimators=300,
                learning_rate=0.05,
                num_leaves=31,
                min_child_samples=20,
                random_state=seed,
                verbose=-1,
            ).fit(train.X[order], train.y[order], group=groups)
            fit_lambdamart = time.perf_counter() - started
            scores["LambdaMART"] = lambdamart.predict(held.X)
            scores["hidden truth"] = truth
            for name, score in scores.items():
                print(
                    f"  {name:<14} NDCG@10 {evaluate.ndcg(held.person, held.y, score):.4f}  "
                    f"AUC {evaluate.auc(held.y, score):.4f}  "
                    f"true NDCG@10 {evaluate.ndcg(held.person, truth, score):.4f}",
                    file=sys.stderr,
                )
                row = table.setdefault(name, {"ndcg": [], "auc": [], "true": [], "fit": []})
                row["ndcg"].append(evaluate.ndcg(held.person, held.y, score))
                row["auc"].append(evaluate.auc(held.y, score))
                row["true"].append(evaluate.ndcg(held.person, truth, score))
                row["fit"].append(
                    {"learned": fit_learned, "LambdaMART": fit_lambdamart}.get(name, 0.0)
                )
    print(f"\nheld-out vacancy referrals, {seeds} seeds, {days} simulated days each")
    print(f"{'ranker':<14} {'NDCG@10 (kept 3m)':<26} {'AUC':<26} {'true NDCG@10':<26} fit s")
    for name, row in table.items():
        fit = statistics.median(row["fit"])
        print(
            f"{name:<14} {_median(row['ndcg']):<26} {_median(row['auc']):<26} "
            f"{_median(row['true']):<26} {fit:.1f}"
        )
    print("(hidden truth: the world's own probabilities, a ceiling no ranker can see)")


def speed(home: Path, runs: int) -> None:
    import sqlalchemy as sa

    from service.config import Settings
    from service.runtime import Runtime
    from service.store.tables import OutcomeEvent

    runtime = Runtime.from_settings(Settings(home=home, database_url=None))
    with runtime.session() as session:
        events = session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent))
    print(f"{events:,} outcome events in {home}")
    walls, peaks = [], []
    for _ in range(runs):
        env = {**os.environ, "MATCHER_HOME": str(home)}
        env.pop("DATABASE_URL", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "service.cli.main", "--lang", "en", "retrain"],
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        walls.append(wall)
        peaks.append(max(peak, before) / 1024)
        print(done.stdout.strip().splitlines()[0] if done.stdout else done.stderr[-300:])
        print(f"  {wall:.1f} s, peak memory {peaks[-1]:.0f} MB")
    print(
        f"retrain on {events:,} events: median {statistics.median(walls):.1f} s "
        f"({min(walls):.1f}–{max(walls):.1f}), peak memory {max(peaks):.0f} MB"
    )


def latency(home: Path, persons: int) -> None:
    """Median and 95th-percentile time of a person's list with the baseline and with the
    active (learned) model, over the same persons."""
    import sqlalchemy as sa

    from service.config import Settings
    from service.runtime import Runtime
    from service.store import rows as glue
    from service.store.tables import Person as PersonRow

    runtime = Runtime.from_settings(Settings(home=home, database_url=None))
    with runtime.session() as session:
        rows = session.scalars(sa.select(PersonRow).order_by(PersonRow.person_id).limit(persons))
        chosen = [glue.person(row, runtime.protector) for row in rows]
        for learned in (False, True):
            engine = glue.load_engine(session, today=TODAY, learned=learned)
            for kind in ("vacancy", "course", "shelter"):
                times = []
                for person in chosen:
                    started = time.perf_counter()
                    engine.recommend(person, kind, limit=10)
                    times.append(time.perf_counter() - started)
                times.sort()
                print(
                    f"{engine.model_version:<32} {kind:<8} median "
                    f"{statistics.median(times) * 1000:.1f} ms, 95th percentile "
                    f"{times[int(len(times) * 0.95)] * 1000:.1f} ms"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--seeds", type=int, default=3)
    q.add_argument("--days", type=int, default=400)
    s = sub.add_parser("speed")
    s.add_argument("--home", type=Path, required=True)
    s.add_argument("--runs", type=int, default=3)
    lat = sub.add_parser("latency")
    lat.add_argument("--home", type=Path, required=True)
    lat.add_argument("--persons", type=int, default=500)
    args = parser.parse_args()
    if args.what == "quality":
        quality(args.seeds, args.days)
    elif args.what == "latency":
        latency(args.home, args.persons)
    else:
        speed(args.home, args.runs)


if __name__ == "__main__":
    main()
