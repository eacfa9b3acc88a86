"""Two hosts, one database: two real ``matcher serve`` processes, each with its own home folder
(no file shared), behave as one service. A version promoted through one is served by both; a
rollback through one is served by the other within seconds, its lists scored by the baseline.

Runs on the backend under test: a fresh PostgreSQL database, or a SQLite file both servers
open (SQLite allows several processes on one file)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from catalogs.demo import DemoSpec
from service.config import Settings
from service.runtime import Runtime
from service.store import demo, imports, modelstore, tokens
from service.store import rows as glue
from service.store.tables import Impression
from service.training import retrain as retraining
from tests import outcome_world
from tests.dbutil import scratch_engine
from tests.outcome_world import good_employer

KEY = "multihost-secret-key-0123456789abcdef"
TODAY = date.today()
MATCHER = Path(sys.executable).with_name("matcher")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(
    port: int, method: str, path: str, token: str | None = None, body: object = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Accept-Language", "en")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        # a host's first list waits for the engine it warms as it starts (both hosts at once)
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    """A fresh database with a demo, outcomes and a learned version promoted on it."""
    with scratch_engine(tmp_path) as engine:
        url = engine.url.render_as_string(hide_password=False)
        runtime = Runtime(Settings(home=tmp_path / "setup", secret_key=KEY, lang="en"), engine)
        with runtime.session() as session:
            demo.build(
                session,
                DemoSpec(seed=11, as_of=TODAY, vacancies=500, courses=30, persons=500),
                protector=runtime.protector,
            )
            session.commit()
            baseline = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
            events = outcome_world.referrals(
                session,
                runtime.protector,
                lambda p, rec, rank, day: 0.75 if good_employer(baseline, rec.id) else 0.1,
                today=TODAY,
            )
            imports.import_records(session, "outcomes", events, protector=runtime.protector)
            outcome = retraining.retrain(
                session, protector=runtime.protector, home=tmp_path / "setup", today=TODAY
            )
            assert outcome.promoted, outcome.card
            session.commit()
        yield url, runtime


@pytest.fixture
def servers(shared: tuple[str, Runtime], tmp_path: Path) -> Iterator[tuple[int, int]]:
    """Two ``matcher serve`` processes on the shared database, each with its own home."""
    url, _ = shared
    procs: list[subprocess.Popen[bytes]] = []
    ports = []
    try:
        for name in ("a", "b"):
            home = tmp_path / f"host-{name}"
            home.mkdir()
            port = _free_port()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "MATCHER_HOME": str(home),
                "MATCHER_SECRET_KEY": KEY,
                "MATCHER_SERVING_CHECK_SECONDS": "1",
                "MATCHER_LANG": "en",
            }
            env.pop("MATCHER_DATABASE_URL", None)
            log = (tmp_path / f"host-{name}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [str(MATCHER), "serve", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            ports.append(port)

        def up(port: int) -> Callable[[], bool]:
            def check() -> bool:
                try:
                    return _call(port, "GET", "/api/v1/health")[0] == 200
                except OSError:
                    return False

            return check

        for port, proc in zip(ports, procs, strict=True):
            _until(lambda: proc.poll() is None and up(port)(), 90, f"server on {port} up")  # noqa: B023
        yield ports[0], ports[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def test_a_rollback_through_one_host_is_served_by_the_other(
    shared: tuple[str, Runtime], servers: tuple[int, int], tmp_path: Path
) -> None:
    _, runtime = shared
    a, b = servers
    with runtime.session() as session:
        admin = tokens.create(session, role="admin")[0]
        officer = tokens.create(session, role="officer")[0]
        session.commit()
        learned = modelstore.active_version(session)
    assert learned.startswith("learned-")
    # no host has a file of its own: the version lives in the database only
    assert not list((tmp_path / "host-a").rglob("*.joblib"))
    assert not list((tmp_path / "host-b").rglob("*.joblib"))

    for port in (a, b):
        status, card = _call(port, "GET", "/api/v1/model", admin)
        assert (status, card["version"]) == (200, learned)

    def served_by(port: int) -> str | None:
        """The model that scored a list the host served just now (its impressions)."""
        with runtime.session() as session:
            _clear_impressions(session)
        status, _ = _call(
            port, "GET", "/api/v1/persons/P00001/recommendations?kind=vacancy", officer
        )
        assert status == 200
        with runtime.session() as session:
            return session.scalar(
                sa.select(Impression.model_version)
                .where(Impression.person_id == "P00001", Impression.item_kind == "vacancy")
                .order_by(sa.desc(Impression.id))
                .limit(1)
            )

    _until(lambda: served_by(b) == learned, 20, "host B scores with the learned version")

    status, card = _call(
        a, "POST", "/api/v1/model/rollback", admin, {"version": modelstore.BASELINE}
    )
    assert (status, card["version"]) == (200, modelstore.BASELINE)
    started = time.monotonic()
    _until(
        lambda: _call(b, "GET", "/api/v1/model", admin)[1]["version"] == modelstore.BASELINE,
        10,
        "host B shows the baseline",
    )

    _until(lambda: served_by(b) == modelstore.BASELINE, 10, "host B scores with the baseline")
    assert time.monotonic() - started < 12

    # and back: the learned version, read from the database by a host that never had its file
    status, _ = _call(b, "POST", "/api/v1/model/rollback", admin, {"version": learned})
    assert status == 200

    _until(lambda: served_by(a) == learned, 10, "host A scores with the learned version again")


def _clear_impressions(session: Session) -> None:
    """Today's impressions keep the best rank a pair was shown at: forget them, so that the
    next list writes its own model version."""
    session.execute(sa.delete(Impression).where(Impression.person_id == "P00001"))
    session.commit()
