"""Benchmark: the quota ledger on a national database with 1,000,000 outcome events.

    .venv/bin/python -m bench.reports [--events 1000000] [--persons 20000]

Builds the demo catalogs (seed 0) in a temporary SQLite file (or the database DATABASE_URL
names: use a scratch one), adds ``--events`` synthetic events written straight into the table
(referrals, hires with a contract term, 3-month retentions and quits, dated in the last two
years), then times ``quota_ledger`` for the whole country and for one region.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from catalogs.demo import DemoSpec
from service.reports import quota as reports
from service.store import db, demo
from service.store.protect import Protector
from service.store.tables import OutcomeEvent, Person, Vacancy

AS_OF = date(2026, 11, 25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'b.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    started = time.perf_counter()
    with db.session_scope(engine) as session:
        spec = DemoSpec(seed=0, as_of=AS_OF, persons=args.persons)
        demo.build(
            session, spec, protector=Protector(b"bench-secret-not-for-production"), fresh=True
        )
        persons = session.scalars(sa.select(col(Person.person_id))).all()
        vacancies = session.scalars(sa.select(col(Vacancy.vacancy_id))).all()
    print(
        f"demo: {len(persons)} persons, {len(vacancies)} vacancies, "
        f"{time.perf_counter() - started:.0f} s"
    )
    rng = random.Random(1)
    rows, seen = [], set()
    while len(rows) < args.events:
        person, vacancy = rng.choice(persons), rng.choice(vacancies)
        day = AS_OF - timedelta(rng.randrange(730))
        story = [("referred", day, None)]
        if rng.random() < 0.5:
            story.append(("hired", day + timedelta(10), rng.choice((None, 1, 3, 6, 12))))
            if rng.random() < 0.5:
                story.append(("retained_3m", day + timedelta(100), None))
            elif rng.random() < 0.5:
                story.append(("quit", day + timedelta(40), None))
        for event, when, months in story:
            key = (person, vacancy, event, when)
            if key not in seen and when <= AS_OF:
                seen.add(key)
                rows.append(
                    {"person_id": person, "item_kind": "vacancy", "item_id": vacancy,
                     "event": event, "date": when, "contract_months": months}
                )  # fmt: skip
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, len(rows), 50_000):
            connection.execute(sa.insert(OutcomeEvent), rows[start : start + 50_000])
    print(f"{len(rows)} events written in {time.perf_counter() - started:.0f} s")
    with db.session_scope(engine) as session:
        for kato in (None, "470000000"):
            started = time.perf_counter()
            ledger = reports.quota_ledger(session, kato=kato, today=AS_OF)
            elapsed = time.perf_counter() - started
            total = ledger.total
            print(
                f"ledger {kato or 'country'}: {len(ledger.rows)} rows, {total.referred} referred, "
                f"{total.fulfilled} fulfilled, {elapsed:.2f} s"
            )


if __name__ == "__main__":
    main()
