"""The same seed and the same day give the same history and the same model: ``matcher demo
--history`` run in separate processes (each with its own home and its own string hashing), and
once more on the test database (SQLite or PostgreSQL), writes the same outcome events and a
model card with the same figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from service.store.tables import ModelVersion, OutcomeEvent

DEMO = ("demo", "--seed", "3", "--vacancies", "400", "--courses", "30", "--persons", "400",
        "--history", "300", "--as-of", "2026-06-01")  # fmt: skip
EVENT_COLUMNS = ("person_id", "item_kind", "item_id", "event", "date", "reason",
                 "contract_months", "source", "rank", "score", "model_version")  # fmt: skip
MOMENTS = {"created_at", "seconds", "timings", "path"}
"""What a card holds of when and where it was made, and how long it took: not its figures."""
VERSION = re.compile(r"learned-\d{8}-\d{6}-\d+")


def events(session: Session) -> list[tuple[Any, ...]]:
    columns = [getattr(OutcomeEvent, c) for c in EVENT_COLUMNS]
    query = sa.select(*columns).order_by(*columns[:5])
    return [tuple(row) for row in session.execute(query)]


def figures(card: Any) -> Any:
    """The card without its moments, timings and version names."""
    if isinstance(card, dict):
        return {
            k: figures(v)
            for k, v in card.items()
            if k not in MOMENTS and not (k == "seconds" or k.endswith("_at"))
        }
    if isinstance(card, list):
        return [figures(v) for v in card]
    return VERSION.sub("learned-…", card) if isinstance(card, str) else card


def cards(session: Session) -> list[tuple[Any, ...]]:
    query = sa.select(ModelVersion).order_by(ModelVersion.created_at)  # type: ignore[arg-type]
    return [
        (VERSION.sub("learned-…", row.version), row.is_active, figures(row.card))
        for row in session.scalars(query)
    ]


def demo_in_a_process(home: Path, hash_seed: str) -> subprocess.Popen[bytes]:
    """The demo run by ``matcher`` in a new process over an SQLite file in ``home`` (with the
    title reader fitted there), started and not waited for; what it says goes to files there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env.pop("DATABASE_URL", None)
    env.update({"MATCHER_HOME": str(home), "PYTHONHASHSEED": hash_seed})
    home.mkdir()
    code = "from service.cli.main import run; run()"
    with (home / "out.txt").open("wb") as out, (home / "err.txt").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-c", code, *DEMO], env=env, stdout=out, stderr=err
        )


def demo_written(process: subprocess.Popen[bytes], home: Path) -> tuple[list[Any], list[Any]]:
    """The events and cards written in ``home`` by the demo ``process``, once it has ended."""
    assert process.wait(timeout=600) == 0, (home / "err.txt").read_text()
    engine = sa.create_engine(f"sqlite:///{home / 'matcher.db'}")
    try:
        with Session(engine) as session:
            return events(session), cards(session)
    finally:
        engine.dispose()


def test_the_same_seed_gives_the_same_history_and_model(  # type: ignore[no-untyped-def]
    tmp_path: Path, run, session: Session
) -> None:
    # the three runs go side by side (the two processes fit a title reader each): the test
    # takes about the longest run's time, not the sum of the three, when cores are free
    homes = [tmp_path / "first", tmp_path / "second"]
    processes = [
        demo_in_a_process(home, seed) for home, seed in zip(homes, ("1", "2"), strict=True)
    ]
    try:
        result = run(*DEMO)
        first, second = (demo_written(p, home) for p, home in zip(processes, homes, strict=True))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert len(first[0]) > 500
    [(_, active, card)] = first[1]
    assert active, card  # a promoted version: its saved bytes (the artifact's sha256) compare too
    assert card["artifact"]["sha256"]
    assert second[0] == first[0]
    assert second[1] == first[1]
    assert result.exit_code == 0, result.output
    assert events(session) == first[0]
    assert cards(session) == first[1]
