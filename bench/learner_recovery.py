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
it from ``vacancy_pair``), so the reference's edge is the employers' openness alone. Two more
rankers tell how much of that edge the service's own data can give:

- **records**: the same estimator given the openness as far as the employers' track records and
  quota status tell it (a linear fit of the true openness on those columns, on the training
  referrals); its R² on the held-out employers is printed;
- **same information**: the same estimator given the true occupation fit and, for the
  employer, the *posterior mean* of its openness given exactly the outcomes the service had
  recorded of it before the referral's day (each hire; each refusal and its reason; each job
  kept 3 months or not, once known), computed with the world's own prior and chances. No
  learner can read more of an employer's openness out of those records; it is the reference
  "given the true occupation codes and employer records", where the first reference is given
  the hidden trait itself.

Neither is a ranker the service could have (both are built with the hidden world's knowledge).

Figure: NDCG@10 with 3-month retention as the gain (as ``matcher retrain`` judges), and the
*recovery* ``(learned − baseline) / (reference − baseline)``, against each reference. Also the
true NDCG@10 (gain: the world's probability of a kept job) and its recovery.
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


GRID = np.linspace(0.005, 0.995, 199)
"""The openness values the posterior is computed on."""
STEADINESS = (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
"""The person's hidden steadiness, averaged over (no record tells it)."""


UNDECIDED = ("no_show", "position_filled")
"""Refusal reasons that need not be the employer's answer (the person did not come, the
place was taken): left out of the posterior."""


def _posterior_openness(
    engine: Any, world: Any, persons: Any, events: Any, reasons: Any, parts: Any
) -> list[np.ndarray]:
    """For each part's rows (person, item, day): the posterior mean of the employer's openness given the
    outcomes of its earlier referrals as the service knew them before that day, with the
    world's prior (``World.openness``'s Beta) and the world's chances of a hire, of each
    refusal's reason and of a job kept (averaged over the person's hidden steadiness). A
    refusal for a no-show or a place already taken is left out (it may not be the employer's
    answer at all), as in the track records."""
    from dataclasses import replace
    from datetime import timedelta

    from scipy.stats import beta

    from matcher.rank import outcomes
    from simulator.chances import CONTRACT_MONTHS, HIRE, KEEP
    from simulator.pairs import PersonState
    from simulator.world import World, job_fit

    end = max(int(d) for part in parts for d in part.day) + 1
    found = [
        r
        for r in outcomes.referrals(events, end=end)
        if r.kind == "vacancy" and r.person_id in persons and engine.knows("vacancy", r.item_id)
    ]
    # worlds where every employer's openness is 1/2 (the chances' other terms), made-up
    # employers ``GRID[k]`` are open GRID[k] (the refusal reasons' shares), and every person
    # is as steady as each of STEADINESS
    grid_bins = [f"grid-{k}" for k in range(len(GRID))]
    fixed = {
        **dict.fromkeys((engine.item("vacancy", r.item_id).employer_bin for r in found), 0.5),
        **dict(zip(grid_bins, GRID.tolist(), strict=True)),
    }
    flats = [
        World(world.seed, openness=fixed, steadiness=dict.fromkeys(persons, s)) for s in STEADINESS
    ]
    long_contract = 1.0 - CONTRACT_MONTHS[0][1]
    closed = np.maximum(0.0, 1.0 - 2.0 * GRID)
    facts: dict[str, list[tuple[int, np.ndarray]]] = {}
    for r in found:
        person = persons[r.person_id]
        day = date.fromordinal(r.day)
        fit = job_fit(engine, engine.view(person, on=day), engine.item("vacancy", r.item_id))
        violent = person.offence_category == "violent"
        hire = _sigmoid(
            _logit(flats[0].p_hired(person, fit))
            + HIRE["openness"] * (GRID - 0.5)
            + HIRE["violent_closed"] * violent * closed
        )
        staged = r.day + outcomes.STAGE_DAYS["vacancy"]
        told = facts.setdefault(fit.employer_bin, [])
        if r.stage:
            told.append((max(staged, r.stage_day or 0), np.log(hire)))
            if r.known:
                hired = day + timedelta(10)
                kept = long_contract * np.mean(
                    [
                        _sigmoid(
                            _logit(flat.p_kept(person, fit, PersonState(), hired))
                            + KEEP["openness"] * (GRID - 0.5)
                        )
                        for flat in flats
                    ],
                    axis=0,
                )
                known = max(r.resolved, r.success_day or 0) if r.success else r.resolved
                told.append((known, np.log(kept if r.success else 1 - kept)))
        elif (reason := reasons.get((r.person_id, r.item_id))) not in (None, *UNDECIDED):
            weights = [
                flats[0].rejection_weights(person, replace(fit, employer_bin=b)) for b in grid_bins
            ]
            share = np.array([w[reason] / sum(w.values()) for w in weights])
            told.append((staged, np.log(1 - hire) + np.log(share)))
    result = []
    for part in parts:
        means = []
        for i, d in zip(part.item, part.day, strict=True):
            employer = engine.item("vacancy", i).employer_bin
            log = beta(*world.openness_prior(employer)).logpdf(GRID)
            for known, value in facts.get(employer, ()):
                if known < int(d):
                    log += value
            weight = np.exp(log - log.max())
            means.append(float((weight * GRID).sum() / weight.sum()))
        result.append(np.asarray(means))
    return result


def _refusals(session: Any) -> dict[tuple[str, str], str | None]:
    """The reason of each vacancy referral's refusal, by (person, vacancy)."""
    import sqlalchemy as sa
    from sqlmodel import col

    from service.store.tables import OutcomeEvent as E

    query = sa.select(col(E.person_id), col(E.item_id), col(E.reason)).where(
        col(E.item_kind) == "vacancy", col(E.event) == "rejected"
    )
    return {(p, i): r for p, i, r in session.execute(query)}


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


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
                events = dataset.load_events(session)
                reasons = _refusals(session)
                sets, _ = dataset.build(engine, persons, events, end=TODAY)
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
        posterior = _posterior_openness(engine, world, persons, events, reasons, (train, held))
        posterior_r2 = 1 - float(np.mean((posterior[1] - held_extra[:, 1]) ** 2)) / float(
            np.var(held_extra[:, 1])
        )
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
            "same info": LearnedRanker(
                "vacancy", features=(*train.names, "true_occupation", "posterior_openness")
            )
            .fit(
                np.column_stack([train.X, train_extra[:, 0], posterior[0]]),
                train.y,
                train.weight,
                order=train.day,
            )
            .predict_proba(np.column_stack([held.X, held_extra[:, 0], posterior[1]]))[:, 1],
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
            f"  the held-out employers' openness told with R² {told_r2:.2f} by the records' "
            f"linear fit, {posterior_r2:.2f} by the posterior",
            file=sys.stderr,
        )
        for figure in ("ndcg", "true"):
            b = rows["baseline"][figure][-1]
            for name, ranker, towards in RECOVERIES:
                value = _recovery(rows[ranker][figure][-1], b, rows[towards][figure][-1])
                rows.setdefault(name, {}).setdefault(figure, []).append(value)
        print(
            "  "
            + "  ".join(
                f"{name} {rows[name]['ndcg'][-1]:.0%} (true {rows[name]['true'][-1]:.0%})"
                for name, *_ in RECOVERIES
            ),
            file=sys.stderr,
        )
    print(f"\nheld-out vacancy referrals, {seeds} seed(s), {days} simulated days each (median)")
    for figure, label in (("ndcg", "NDCG@10 (kept 3 months)"), ("true", "true NDCG@10")):
        medians = {n: statistics.median(rows[n][figure]) for n in RANKERS}
        print(f"{label}: " + "  ".join(f"{n} {v:.4f}" for n, v in medians.items()))
        for name, *_ in RECOVERIES:
            print(
                f"  {name:<38} median {statistics.median(rows[name][figure]):.0%}  "
                f"(seeds: {', '.join(f'{v:.0%}' for v in rows[name][figure])})"
            )


RANKERS = ("baseline", "learned", "reference", "records", "same info")
RECOVERIES = (
    ("learned, of the way to the reference", "learned", "reference"),
    ("learned, of the way to same information", "learned", "same info"),
    ("same information, of the way to the reference", "same info", "reference"),
    ("records, of the way to the reference", "records", "reference"),
)
"""Each recovery printed: its name, the ranker, and the reference it goes towards."""


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
