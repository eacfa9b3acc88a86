"""Writers on the embedded SQLite database: a request waits for another writer, and when the
lock cannot be had in time it is answered 503 with Retry-After, with nothing half-written.
These tests need a database file of their own (a lock is held from another connection)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from catalogs.demo import DemoSpec
from service.api.app import create_app
from service.config import Settings
from service.runtime import Runtime
from service.store import db, demo, tokens
from service.store.tables import AuditEvent, Impression

pytestmark = pytest.mark.skipif(
    Settings().url.startswith("postgresql"),
    reason="SQLite's write lock (PostgreSQL queues writers itself)",
)


@pytest.fixture
def file_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, str]]:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    settings = Settings(home=tmp_path, secret_key="k" * 32, database_url=None)
    rt = Runtime.from_settings(settings)
    with rt.writing() as session:
        demo.build(
            session,
            DemoSpec(seed=3, as_of=date.today(), vacancies=120, courses=10, persons=20),
            protector=rt.protector,
        )
        secret, _ = tokens.create(session, role="officer")
    yield rt, secret
    assert isinstance(rt.bind, sa.Engine)
    rt.bind.dispose()


def _count(rt: Runtime, table: type) -> int:
    with rt.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def test_a_held_write_lock_is_503_with_retry_after_and_nothing_written(
    file_world: tuple[Runtime, str],
) -> None:
    rt, secret = file_world
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "ru"}
    url = "/api/v1/persons/P00001/recommendations?kind=vacancy&limit=5"
    assert client.get(url, headers=headers).status_code == 200
    audits, shown = _count(rt, AuditEvent), _count(rt, Impression)

    blocker = sqlite3.connect(str(rt.settings.home / "matcher.db"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        answer = client.get(url, headers=headers)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json()["error"]["code"] == "database_busy"
    assert "повторите" in answer.json()["error"]["message"]
    assert (_count(rt, AuditEvent), _count(rt, Impression)) == (audits, shown)

    assert client.get(url, headers=headers).status_code == 200
    assert _count(rt, AuditEvent) == audits + 1


def test_a_writer_waits_for_another_instead_of_failing(file_world: tuple[Runtime, str]) -> None:
    rt, secret = file_world
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/persons/P00001/plan", headers=headers).status_code == 201
    blocker = sqlite3.connect(
        str(rt.settings.home / "matcher.db"), isolation_level=None, check_same_thread=False
    )
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.1, lambda: (blocker.execute("COMMIT"), blocker.close()))
    release.start()
    try:
        answer = client.post("/api/v1/persons/P00001/plan", headers=headers)
    finally:
        release.join()
    assert answer.status_code == 201
    assert answer.json()["version"] == 2


def test_writers_of_two_processes_queue_on_the_file_lock(tmp_path: Path) -> None:
    """Two ``Writers`` on one file stand for two processes (each opens the file itself): the
    second waits while the first writes, is let in within milliseconds of its end, and gives
    up at its timeout; a nested write of the same thread does not let the other in."""
    from service.runtime import Writers

    first, second = Writers(tmp_path / "db.writers"), Writers(tmp_path / "db.writers")
    holding = threading.Event()
    released: list[float] = []

    def write_for_a_while() -> None:
        assert first.acquire(timeout=1)
        assert first.acquire(timeout=1)  # nested: the same thread writes again
        first.release()
        holding.set()
        time.sleep(0.4)
        released.append(time.monotonic())
        first.release()

    writer = threading.Thread(target=write_for_a_while)
    writer.start()
    assert holding.wait(5)
    began = time.monotonic()
    assert not second.acquire(timeout=0.1)  # still held by the outer write
    assert time.monotonic() - began >= 0.1
    assert second.acquire(timeout=5)
    assert released
    assert time.monotonic() - released[0] < 0.05  # let in as soon as the first was done
    second.release()
    writer.join()
