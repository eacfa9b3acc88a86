"""Benchmark: import of a large vacancy file, and the demo build.

    .venv/bin/python -m bench.imports [--rows 100000] [--runs 3] [--postgres URL]

Writes a CSV of ROWS synthetic vacancies once, then imports it RUNS times into a fresh database
(SQLite, and PostgreSQL when --postgres is given), and builds the default demo RUNS times.
Prints the median and the spread: the machines are shared, so single runs mean little.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from catalogs.demo import DemoSpec, generate
from service.store import db
from service.store import demo as demo_module
from service.store.imports import import_file
from service.store.protect import Protector
from tests.dbutil import scratch_engine

PROTECTOR = Protector(b"benchmark-secret-key-0123456789")
AS_OF = date(2026, 11, 25)


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def write_vacancies(path: Path, rows: int) -> None:
    data = generate(DemoSpec(seed=1, as_of=AS_OF, vacancies=rows))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in data.vacancies():
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: cell(v) for k, v in row.items()})


def timed(runs: int, action: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def report(label: str, seconds: list[float], rows: int | None = None) -> None:
    median = statistics.median(seconds)
    spread = f"{min(seconds):.2f}–{max(seconds):.2f} s"
    rate = f", {rows / median:,.0f} rows/s" if rows else ""
    print(f"{label:<42} median {median:6.2f} s ({spread}, {len(seconds)} runs){rate}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL server")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "vacancies.csv"
        started = time.perf_counter()
        write_vacancies(path, args.rows)
        print(
            f"wrote {args.rows:,} vacancies ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )

        backends = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
        for name, url in backends:
            if url:
                os.environ["DATABASE_URL"] = url

            def import_once() -> None:
                with scratch_engine(folder) as engine:
                    db.upgrade(engine)
                    with db.session_scope(engine) as session, path.open("rb") as stream:
                        result = import_file(
                            session,
                            "vacancies",
                            stream,
                            fmt="csv",
                            protector=PROTECTOR,
                            today=AS_OF,
                        )
                        if not result.ok or result.inserted != args.rows:
                            raise SystemExit(f"import failed: {result.errors[:3]}")

            def demo_once() -> None:
                with scratch_engine(folder) as engine:
                    db.upgrade(engine)
                    with db.session_scope(engine) as session:
                        demo_module.build(session, DemoSpec(as_of=AS_OF), protector=PROTECTOR)

            report(
                f"{name}: import {args.rows:,} vacancies", timed(args.runs, import_once), args.rows
            )
            report(f"{name}: build the default demo", timed(args.runs, demo_once))
            if url:
                del os.environ["DATABASE_URL"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
