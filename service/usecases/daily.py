"""The server's own daily run of the clocks (``MATCHER_CLOCK_HOUR``), and the sending of
notifications that wait for a retry.

A daemon thread wakes every ``every`` seconds. Once the hour has come it claims the day by
adding its ``clock_runs`` row (the database's primary key lets one host of many win) and runs
the clocks (``service.usecases.clock``); a claim left unfinished for an hour (a host stopped
mid-run) is taken over. Each wake also sends the notifications whose next attempt is due.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from service.runtime import Runtime
from service.store.workflow import ClockRun
from service.usecases import clock
from service.usecases.actor import Actor

log = logging.getLogger("matcher.clock")
STALE_CLAIM = timedelta(hours=1)


def claim(rt: Runtime, day: date, now: datetime) -> bool:
    """Whether this process runs ``day``'s clocks: no host did, or one started and vanished."""
    with rt.writing() as session:
        found = session.get(ClockRun, day)
        if found is None:
            session.add(ClockRun(day=day, started_at=now))
            try:
                session.commit()
            except sa.exc.IntegrityError:
                return False
            return True
        started = (
            found.started_at if found.started_at.tzinfo else found.started_at.replace(tzinfo=UTC)
        )
        if found.finished_at is None and now - started > STALE_CLAIM:
            found.started_at = now
            session.commit()
            return True
        return False


class DailyClock(threading.Thread):
    def __init__(
        self,
        runtime: Runtime,
        *,
        hour: int,
        every: float = 600.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(name="matcher-clock", daemon=True)
        self.runtime = runtime
        self.hour = hour
        self.every = every
        self.now = now
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.tick()

    def tick(self) -> bool:
        """One wake: the day's clocks if due and claimed (True), then pending notifications."""
        ran = False
        moment = self.now()
        local = moment.astimezone()
        try:
            if local.hour >= self.hour and claim(self.runtime, local.date(), moment):
                summary = clock.run(self.runtime, Actor.command("clock"), as_of=local.date())
                log.info("daily clock %s: %s", local.date(), summary.as_dict())
                ran = True
            else:
                clock.send_due(self.runtime)
        except Exception:
            log.exception("daily clock failed")
        return ran

    def stop(self) -> None:
        self.stopped.set()
