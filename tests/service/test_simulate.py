"""``simulate``: deterministic, never in the future, every event in a valid order, referrals
that say which list they came from, and hires that follow the hidden openness."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from catalogs.demo import DemoSpec
from catalogs.enums import EVENTS_BY_KIND
from service.runtime import Runtime
from service.store import demo, modelstore
from service.store.tables import OutcomeEvent, Vacancy
from simulator.play import SimulationReport, simulate
from simulator.world import DROPPED_REASONS, LEFT_REASONS, QUIT_REASONS, REJECTED_REASONS, World

TODAY = date(2026, 6, 1)
REASONS = {
    "rejected": REJECTED_REASONS,
    "quit": QUIT_REASONS,
    "dropped": DROPPED_REASONS,
    "left": LEFT_REASONS,
}
Row = tuple[Any, ...]
COLUMNS = ("person_id", "item_kind", "item_id", "event", "date", "reason", "contract_months",
           "source", "rank", "score", "model_version")  # fmt: skip


@pytest.fixture
def world_db(session: Session, runtime: Runtime) -> Session:
    spec = DemoSpec(seed=1, as_of=TODAY, vacancies=500, courses=40, persons=240)
    demo.build(session, spec, protector=runtime.protector)
    return session


def run(session: Session, runtime: Runtime, **options: Any) -> SimulationReport:
    options = {"days": 45, "seed": 5, "today": TODAY, **options}
    return simulate(session, protector=runtime.protector, **options)


def events(session: Session) -> list[Row]:
    query = sa.select(*(getattr(OutcomeEvent, c) for c in COLUMNS)).order_by(
        *(getattr(OutcomeEvent, c) for c in COLUMNS[:5])
    )
    return [tuple(row) for row in session.execute(query)]


def broken_rules(rows: list[Row], today: date) -> list[str]:
    """Every way the events break the lifecycle rules (empty when they keep them all)."""
    problems: list[str] = []
    by_pair: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    jobs: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for row in rows:
        by_pair[(row[0], row[1], row[2])].append(row)
        if row[4] > today:
            problems.append(f"after today: {row}")
        if row[3] not in EVENTS_BY_KIND[row[1]]:
            problems.append(f"event not of its kind: {row}")
        if row[3] in REASONS and row[5] not in REASONS[row[3]]:
            problems.append(f"bad reason: {row}")
        if row[3] == "referred" and (row[8] is None or row[9] is None or row[10] is None):
            problems.append(f"referral without rank, score or model version: {row}")
        if row[7] != "simulated":
            problems.append(f"source: {row}")
    before = {
        "hired": "referred", "rejected": "referred", "retained_3m": "hired", "quit": "hired",
        "enrolled": "referred", "completed": "enrolled", "dropped": "enrolled",
        "admitted": "referred", "left": "admitted",
    }  # fmt: skip
    for (person, kind, _), pair in by_pair.items():
        dated = {row[3]: row[4] for row in pair}
        if len(dated) != len(pair):
            problems.append(f"an event twice for one pair: {pair}")
        for row in pair:
            earlier = before.get(row[3])
            if earlier is not None and not (earlier in dated and dated[earlier] < row[4]):
                problems.append(f"{row[3]} without an earlier {earlier}: {pair}")
        if "retained_3m" in dated and dated["retained_3m"] < dated["hired"] + timedelta(90):
            problems.append(f"retained before 90 days: {pair}")
        if "hired" in dated and "rejected" in dated:
            problems.append(f"hired and rejected: {pair}")
        if "completed" in dated and "dropped" in dated:
            problems.append(f"completed and dropped: {pair}")
        if kind == "vacancy" and "hired" in dated:
            jobs[person].append((dated["hired"], dated.get("quit")))
    for person, spans in jobs.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            if end is None or start < end:
                problems.append(f"two jobs at once: {person} {spans}")
    return problems


def test_same_seed_same_events_none_after_today_all_valid(
    world_db: Session, runtime: Runtime
) -> None:
    report = run(world_db, runtime)
    first = events(world_db)
    assert report.total_events == len(first) > 200
    assert report.referrals["vacancy"] > 0
    assert report.hires == sum(1 for row in first if row[3] == "hired") > 0
    assert {row[1] for row in first} >= {"vacancy", "course"}
    assert not broken_rules(first, TODAY)
    referred = [row for row in first if row[3] == "referred"]
    assert {row[10] for row in referred} == {modelstore.BASELINE}
    assert all(1 <= row[8] <= 10 and 0 <= row[9] <= 1 for row in referred)
    ranks = [row[8] for row in referred if row[1] == "vacancy"]
    assert ranks.count(1) > ranks.count(10)  # position bias
    world_db.execute(sa.delete(OutcomeEvent))
    run(world_db, runtime)
    assert events(world_db) == first
    run(world_db, runtime, seed=6)
    assert events(world_db) != first


def test_a_second_run_skips_stored_events(world_db: Session, runtime: Runtime) -> None:
    run(world_db, runtime, days=20)
    before = len(events(world_db))
    report = run(world_db, runtime, days=20)
    assert report.written == report.total_events
    assert before <= len(events(world_db)) <= before + report.total_events


def test_hires_follow_the_hidden_openness(world_db: Session, runtime: Runtime) -> None:
    report = run(world_db, runtime, days=120, sessions_per_day=40, seed=2)
    quota = frozenset(world_db.scalars(sa.select(Vacancy.employer_bin).where(Vacancy.is_quota)))
    world = World(2, quota_employers=quota)
    employer = dict(world_db.execute(sa.select(Vacancy.vacancy_id, Vacancy.employer_bin)).all())
    outcome: dict[tuple[str, str], str] = {}
    for row in events(world_db):
        if row[1] == "vacancy" and row[3] in ("hired", "rejected"):
            outcome[(row[0], row[2])] = row[3]
    decided = sorted(
        (world.openness(employer[vacancy]), result == "hired")
        for (_, vacancy), result in outcome.items()
    )
    quarter = len(decided) // 4
    assert quarter > 100
    low = sum(hired for _, hired in decided[:quarter]) / quarter
    high = sum(hired for _, hired in decided[-quarter:]) / quarter
    assert high > low + 0.15
    assert report.true_success_top3 is not None
    assert report.true_success_rest is not None


def test_rejects_no_days(world_db: Session, runtime: Runtime) -> None:
    with pytest.raises(ValueError, match="days"):
        run(world_db, runtime, days=0)


def test_cli_summary_and_json(run_cli_demo) -> None:  # type: ignore[no-untyped-def]
    result = run_cli_demo("--lang", "en", "simulate", "--days", "10", "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "sessions" in result.stdout
    assert "Hidden world" in result.stdout
    result = run_cli_demo(
        "simulate", "--days", "5", "--as-of", "2026-06-01", "--json", "--seed", "4"
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["days"] == 5
    assert payload["total_events"] >= payload["referrals"].get("vacancy", 0)
    assert run_cli_demo("simulate", "--days", "0").exit_code == 2


@pytest.fixture
def run_cli_demo(run):  # type: ignore[no-untyped-def]
    args = ("demo", "--vacancies", "300", "--courses", "30", "--persons", "80")
    assert run(*args, "--as-of", "2026-06-01").exit_code == 0
    return run
