"""The server's daily clock: once the hour has come, one host of many runs the day's clocks
(the ``clock_runs`` row decides), and a claim left unfinished by a vanished host is taken over."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.config import Settings
from service.runtime import Runtime
from service.store import db
from service.store.workflow import ClockRun
from service.usecases.daily import DailyClock, claim
from tests.dbutil import scratch_engine


def _runtime(engine: sa.Engine, home: Path) -> Runtime:
    return Runtime(Settings(home=home, secret_key="d" * 32), engine, _ready=True)


def test_one_host_runs_the_day_and_only_after_the_hour(tmp_path: Path) -> None:
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        rt = _runtime(engine, tmp_path)
        day = datetime.now(UTC).astimezone().replace(hour=1, minute=0)
        early = DailyClock(rt, hour=2, now=lambda: day.astimezone(UTC))
        assert early.tick() is False
        later = day.replace(hour=3)
        hosts = [DailyClock(rt, hour=2, now=lambda: later.astimezone(UTC)) for _ in range(4)]
        ran: list[bool] = []
        gate = threading.Barrier(len(hosts))

        def wake(host: DailyClock) -> None:
            gate.wait()
            ran.append(host.tick())

        threads = [threading.Thread(target=wake, args=(h,)) for h in hosts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(ran) == [False, False, False, True]
        with rt.session() as session:
            row = session.get(ClockRun, later.date())
            assert row is not None
            assert row.finished_at is not None


def test_an_unfinished_claim_is_taken_over_after_an_hour(tmp_path: Path) -> None:
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        rt = _runtime(engine, tmp_path)
        now = datetime.now(UTC)
        today = date.today()
        assert claim(rt, today, now - timedelta(hours=2)) is True
        assert claim(rt, today, now - timedelta(minutes=90)) is False
        assert claim(rt, today, now) is True


def test_an_empty_clock_hour_switches_the_daily_clock_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_CLOCK_HOUR", "")
    assert Settings().clock_hour is None
    monkeypatch.setenv("MATCHER_CLOCK_HOUR", "7")
    assert Settings().clock_hour == 7
