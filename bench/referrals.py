"""Benchmark: referrals made one by one through the use case (each a write transaction that
locks the item, counts its places and writes the referral, its history, its outcome event,
the employer's notification and the audit row), then the daily clock over many open
referrals.

    .venv/bin/python -m bench.referrals [--refer 10000] [--clock 100000] [--runs 3]
    DATABASE_URL=postgresql://... .venv/bin/python -m bench.referrals   # a new database on it

Each run builds a fresh database (a SQLite file in a temporary folder, or a new PostgreSQL
database that is dropped afterwards) with a demo catalog, then:

1. ``refer``: ``--refer`` referrals of distinct persons to ordinary vacancies (which take any
   number) through ``service.usecases.referrals.refer``; the time per referral.
2. ``clock``: ``--clock`` more referrals written in bulk with answer clocks at every stage
   (sent 0 to 45 days ago), then ``matcher clock`` for today without sending mail:
   the wall time and the growth of the process's peak memory (``ru_maxrss``) during the run
   (a first run, with every reminder, notice and expiry of the backlog to write), and the wall
   time of the next day's run (what a daily run costs once the backlog is done).

Printed: the median of the runs for each figure, and every run's figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from catalogs.demo import DemoSpec
from catalogs.referrals import clocks
from service.config import Settings
from service.runtime import Runtime
from service.store import db, demo, tokens
from service.store.tables import Person, Vacancy
from service.store.workflow import Referral
from service.usecases import clock, referrals
from service.usecases.actor import Actor


@contextlib.contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    server = os.environ.get("DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    server = Settings(home=folder).database_url or server
    name = f"matcher_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_run(refer_count: int, clock_count: int, persons: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home, fresh_database(Path(home)) as url:
        settings = Settings(home=Path(home), secret_key="b" * 32, database_url=url)
        rt = Runtime(settings, db.make_engine(settings.url))
        rt.ready()
        today = date.today()
        with rt.writing() as session:
            demo.build(
                session,
                DemoSpec(seed=11, as_of=today, vacancies=3000, courses=40, persons=persons),
                protector=rt.protector,
            )
            _, officer = tokens.create(session, role="officer", label="bench")
            session.commit()
            officer_id = officer.id
        with rt.session() as session:
            people = list(session.scalars(sa.select(Person.person_id).order_by(Person.person_id)))
            jobs = list(
                session.execute(
                    sa.select(Vacancy.vacancy_id, Vacancy.employer_bin).where(
                        Vacancy.is_quota.is_(False), Vacancy.status == "open"
                    )
                )
            )
        actor = Actor(role="officer", token_id=officer_id)
        pairs = [
            (p, jobs[(i * 7 + k) % len(jobs)][0]) for k in range(50) for i, p in enumerate(people)
        ]
        started = time.perf_counter()
        for person_id, item_id in pairs[:refer_count]:
            referrals.refer(rt, actor, person_id=person_id, item_kind="vacancy", item_id=item_id)
        refer_seconds = time.perf_counter() - started

        rng = random.Random(5)
        rows = []
        for n in range(clock_count):
            age = rng.randint(0, 45)
            sent = today - timedelta(days=age)
            job, employer_bin = jobs[n % len(jobs)]
            rows.append(
                {
                    "person_id": people[n % len(people)],
                    "item_kind": "vacancy",
                    "item_id": job,
                    "employer_bin": employer_bin,
                    "region_kato": "750000000",
                    "state": "sent",
                    "place": "held",
                    "source": "shortlist",
                    "sent_on": sent,
                    "answer_due": clocks.answer_due(sent),
                    "state_on": sent,
                    "created_by": "bench",
                    "created_by_token": officer_id,
                }
            )
        with rt.writing() as session:
            for start in range(0, len(rows), 5000):
                session.execute(sa.insert(Referral), rows[start : start + 5000])
            session.commit()
        before = maxrss_mb()
        started = time.perf_counter()
        summary = clock.run(rt, Actor.command("clock"), as_of=today, deliver=False)
        clock_seconds = time.perf_counter() - started
        grown = maxrss_mb() - before
        started = time.perf_counter()
        clock.run(rt, Actor.command("clock"), as_of=today + timedelta(days=1), deliver=False)
        next_day_seconds = time.perf_counter() - started
        assert isinstance(rt.bind, sa.Engine)
        rt.bind.dispose()
        return {
            "refer_ms_each": 1000 * refer_seconds / max(1, refer_count),
            "refer_total_s": refer_seconds,
            "clock_s": clock_seconds,
            "clock_next_day_s": next_day_seconds,
            "clock_rss_growth_mb": grown,
            "clock_expired": float(summary.counts.get("expired", 0)),
            "clock_reminders": float(summary.counts.get("reminders", 0)),
            "clock_overdue": float(summary.counts.get("overdue", 0)),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refer", type=int, default=10_000)
    parser.add_argument("--clock", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    where = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    runs = []
    for number in range(1, args.runs + 1):
        figures = one_run(args.refer, args.clock, args.persons)
        runs.append(figures)
        print(f"run {number}: " + ", ".join(f"{k}={v:.2f}" for k, v in figures.items()), flush=True)
    print(f"\n{where}: {args.refer} referrals one by one, then the clock over {args.clock} more")
    for key in runs[0]:
        print(f"  {key:<22} median {statistics.median(r[key] for r in runs):10.2f}")


if __name__ == "__main__":
    main()
