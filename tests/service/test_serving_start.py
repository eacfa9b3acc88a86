"""A server warms its engine as it starts, answers /health meanwhile, and a list asked for
during the build waits for that build instead of making its own; the lifespan's end stops the
warming and waits for it, so that nothing is left reading the database the caller then drops.
These tests need a database of their own (a server's runtime owns its connections)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogs.demo import DemoSpec
from matcher import Engine
from service.api.app import create_app
from service.config import Settings
from service.runtime import Runtime
from service.serving.engines import Serving
from service.store import db, demo, tokens
from tests.dbutil import scratch_engine

LIST = "/api/v1/persons/P00001/recommendations?kind=vacancy&limit=5"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    """A runtime as a server has one (its own pool of connections), a small demo, a token."""
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        settings = Settings(home=tmp_path, secret_key="w" * 32, lang="en", engine_snapshot=False)
        rt = Runtime(settings, engine, _ready=True)
        with rt.writing() as session:
            demo.build(
                session,
                DemoSpec(seed=5, as_of=date.today(), vacancies=80, courses=8, persons=12),
                protector=rt.protector,
            )
            secret, _ = tokens.create(session, role="officer")
        yield rt, secret


class HeldBuild:
    """``Serving._fresh`` made to wait at a gate, counting its calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.entered = threading.Event()
        self.gate = threading.Event()
        fresh = Serving._fresh

        def held(rt: Runtime, session: Session, today: date) -> Engine:
            self.calls += 1
            self.entered.set()
            assert self.gate.wait(30), "the test never opened the gate"
            return fresh(rt, session, today)

        monkeypatch.setattr(Serving, "_fresh", staticmethod(held))


def test_the_engine_is_built_at_start_and_the_first_list_waits_for_that_build(
    world: tuple[Runtime, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, secret = world
    build = HeldBuild(monkeypatch)
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(rt)) as client:
        assert build.entered.wait(10), "no build began at start"
        assert client.get("/api/v1/health").status_code == 200  # answered while warming
        answers: list[int] = []
        asking = threading.Thread(
            target=lambda: answers.append(client.get(LIST, headers=headers).status_code)
        )
        asking.start()
        time.sleep(0.3)
        assert asking.is_alive()  # waiting for the build in progress
        build.gate.set()
        asking.join(30)
        assert answers == [200]
        assert build.calls == 1  # the request did not build an engine of its own
        deadline = time.monotonic() + 10
        while rt.serving._snapshot is None or rt.serving._snapshot.persons is None:
            assert time.monotonic() < deadline, "the person index was not warmed"
            time.sleep(0.05)


def test_the_end_of_the_lifespan_stops_the_warming_and_waits_for_it(
    world: tuple[Runtime, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, _ = world
    build = HeldBuild(monkeypatch)
    client = TestClient(create_app(rt))
    client.__enter__()
    assert build.entered.wait(10)
    warming = rt.serving._warming
    assert warming is not None
    assert warming.is_alive()
    threading.Timer(0.3, build.gate.set).start()
    started = time.monotonic()
    client.__exit__(None, None, None)
    assert time.monotonic() - started >= 0.25  # it waited for the step in progress...
    assert not warming.is_alive()
    assert rt.serving._snapshot is None  # ...and took no step after it
    assert build.calls == 1
    # the same runtime serves again: the next start warms it
    build.gate.set()
    with TestClient(create_app(rt)):
        assert rt.serving.warmed(30)
    assert rt.serving._snapshot is not None
    assert build.calls == 2


def test_a_runtime_on_a_lent_connection_is_not_warmed(runtime: Runtime) -> None:
    with TestClient(create_app(runtime)) as client:
        assert client.get("/api/v1/health").status_code == 200
    assert runtime.serving._warming is None


def test_the_start_also_loads_what_the_first_lists_would_load(world: tuple[Runtime, str]) -> None:
    """The title reader (a list's suggestions for a profession it cannot read) and the KATO
    places are loaded by the warming, not by the first list that needs them, during which
    the process's other requests would wait."""
    from catalogs.reference.places import places
    from matcher.reader import title_reader

    rt, _ = world
    title_reader.cache_clear()
    places.cache_clear()
    with TestClient(create_app(rt)):
        assert rt.serving.warmed(60)
        assert title_reader.cache_info().currsize == 1
        assert places.cache_info().currsize == 1
