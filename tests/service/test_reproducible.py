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


def demo_in_a_process(home: Path, hash_seed: str) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The demo run by ``matcher`` in a new process over an SQLite file in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env.pop("DATABASE_URL", None)
    env.update({"MATCHER_HOME": str(home), "PYTHONHASHSEED": hash_seed})
    code = "from service.cli.main import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, *DEMO], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(f"sqlite:///{home / 'matcher.db'}")
    try:
        with Session(engine) as session:
            return events(session), cards(session)
    finally:
        engine.dispose()


def test_the_same_seed_gives_the_same_history_and_model(  # type: ignore[no-untyped-def]
    tmp_path: Path, run, session: Session
) -> None:
    first = demo_in_a_process(tmp_path / "first", "1")
    second = demo_in_a_process(tmp_path / "second", "2")
    assert len(first[0]) > 500
    [(_, active, card)] = first[1]
    assert active, card  # a promoted version: its saved bytes (the artifact's sha256) compare too
    assert card["artifact"]["sha256"]
    assert second[0] == first[0]
    assert second[1] == first[1]
    result = run(*DEMO)
    assert result.exit_code == 0, result.output
    assert events(session) == first[0]
    assert cards(session) == first[1]
