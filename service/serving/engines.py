"""The engine and person index a process serves from, kept fresh without stalling requests.

Building an engine over a national catalog takes seconds; answering from it, milliseconds. So
a process keeps one *snapshot* (engine, person index, the data versions it was built from) and
answers every request from it. At most every ``check_every`` seconds a request compares the
snapshot with the counters in the database (``service.store.changes``), which every import,
person change, promotion and rollback raises on whichever host made it. When they differ, or
the day has turned, a new snapshot is built on a background thread beside the old one and
swapped in with one assignment; requests meanwhile keep being answered by the old one.

A server builds its first snapshot as it starts (``warm``, on a thread of its own, from the
app's lifespan), and loads what a list would otherwise load on first use (the title reader, the
KATO places): it answers /health meanwhile, and a list asked for before the build is done waits
for that build rather than making its own. The lifespan's end stops the warming and any
rebuild between their steps and waits for the step in progress, so that nothing is left
reading a database the caller is about to close or drop. A runtime bound to one connection
(the test suite) builds in the calling thread, so that a change is seen by the next call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.engine import Engine as DatabaseEngine
from sqlmodel import Session, select

from matcher import TITLE_CUTOFF, Engine, PersonIndex
from service.runtime import Runtime
from service.serving import heap
from service.store import changes, modelstore, referrals
from service.store import rows as glue
from service.store.places import Overlay
from service.store.tables import Person

log = logging.getLogger("matcher.serving")
Today = Callable[[], date]
READINGS = "readings.json"
"""Job titles read into occupation codes, kept between processes (``rows.remembered_readings``)."""


class Stopped(Exception):
    """A build in the background gave up between two steps: the server is stopping."""


@dataclass(frozen=True)
class Snapshot:
    """What one engine was built from; never changed once made."""

    engine: Engine
    versions: changes.Versions
    day: date
    persons: PersonIndex | None = field(default=None, compare=False)
    places: Overlay | None = field(default=None, compare=False)


def _title_reader(_rt: Runtime) -> None:
    """Load the title reader, which a list uses for a profession it cannot recognise (the
    closest occupations it suggests), and read one title with it: otherwise the first such
    list loads it, a third of a second in which the process's other requests wait."""
    from matcher import title_reader

    title_reader().read("сварщик", lang="ru")


def _tables(_rt: Runtime) -> None:
    """Load what every list reads on first use: the KATO places (a tenth of a second) and
    each language's plural rules and number formats."""
    from catalogs import i18n
    from catalogs.reference.places import places

    places()
    for lang in i18n.LANGS:
        i18n.plural_category(2, lang)
        i18n.decimal(0.5, lang)


class Serving:
    """One process's snapshot, checked against the database and rebuilt beside the old one."""

    def __init__(self, *, check_every: float = 2.0, today: Today = date.today) -> None:
        self.check_every = check_every
        self._today = today
        self._snapshot: Snapshot | None = None
        self._build_lock = threading.Lock()
        self._checked_at = 0.0
        self._rebuilding: threading.Thread | None = None
        self._warming: threading.Thread | None = None
        self._stop = threading.Event()

    def warm(self, rt: Runtime) -> None:
        """Build the snapshot, its places and its person index, and load the title reader and
        the reference tables a list reads, on a thread of its own (a server's start); a
        request that needs them meanwhile waits for this build."""
        self._stop.clear()

        def run() -> None:
            started = time.perf_counter()
            try:
                with self._build_lock:
                    if self._snapshot is None:
                        self._snapshot = self._build(rt, None, stop=self._stop)
                        self._checked_at = time.monotonic()
                for step in (self.places, self.persons, _title_reader, _tables):
                    self._check(self._stop)
                    step(rt)
            except Stopped:
                log.info("warming the engine stopped: the server is stopping")
                return
            except Exception:
                log.exception("warming the engine failed; the first request builds it")
                return
            heap.settle()
            log.info("engine warm in %.1f s", time.perf_counter() - started)

        self._warming = threading.Thread(target=run, name="engine-warm", daemon=True)
        self._warming.start()

    def warmed(self, timeout: float | None = None) -> bool:
        """Wait for the warming begun by ``warm`` (if any) to end; whether it has."""
        if self._warming is not None:
            self._warming.join(timeout)
            return not self._warming.is_alive()
        return True

    def stop(self, timeout: float = 60.0) -> None:
        """Stop warming and rebuilding at their next step and wait for them (a server's end)."""
        self._stop.set()
        for thread in (self._warming, self._rebuilding):
            if thread is not None and thread.is_alive():
                thread.join(timeout)
                if thread.is_alive():
                    log.warning("%s still running after %.0f s", thread.name, timeout)
        self._stop.clear()  # the same runtime may serve again (a test's next app)

    @staticmethod
    def _check(stop: threading.Event | None) -> None:
        if stop is not None and stop.is_set():
            raise Stopped

    def engine(self, rt: Runtime) -> Engine:
        return self.snapshot(rt).engine

    def persons(self, rt: Runtime) -> PersonIndex:
        """The person index of the current snapshot (built once per snapshot)."""
        snap = self.snapshot(rt)
        if snap.persons is not None:
            return snap.persons
        with self._build_lock:
            current = self._snapshot or snap
            if current.persons is None:
                with rt.session() as session:
                    index = glue.load_persons(session, current.engine, protector=rt.protector)
                current = replace(current, persons=index)
                if self._snapshot is not None and self._snapshot.engine is current.engine:
                    self._snapshot = current
            assert current.persons is not None
            return current.persons

    def places(self, rt: Runtime) -> Overlay:
        """The places lists are checked against (``referrals.Overlay``), loaded once per
        snapshot and again whenever only they changed."""
        snap = self.snapshot(rt)
        if snap.places is not None:
            return snap.places
        with self._build_lock:
            current = self._snapshot or snap
            if current.places is None:
                with rt.session() as session:
                    overlay = referrals.load_overlay(session, current.day)
                current = replace(current, places=overlay)
                if self._snapshot is not None and self._snapshot.engine is current.engine:
                    self._snapshot = current
            assert current.places is not None
            return current.places

    def snapshot(self, rt: Runtime) -> Snapshot:
        """The snapshot to answer from now; starts a rebuild when the data have moved on."""
        snap = self._snapshot
        if snap is None:
            with self._build_lock:
                if self._snapshot is None:
                    self._snapshot = self._build(rt, None)
                    self._checked_at = time.monotonic()
                return self._snapshot
        if time.monotonic() - self._checked_at < self.check_every:
            return snap
        self._checked_at = time.monotonic()
        with rt.session() as session:
            now = changes.current(session, baseline=modelstore.BASELINE)
        if now == snap.versions and snap.day == self._today():
            return snap
        if replace(now, places=snap.versions.places) == snap.versions and snap.day == self._today():
            # only referrals or confirmations changed: the engine stays, the places are reread
            with self._build_lock:
                current = self._snapshot or snap
                if current.versions != now:
                    with rt.session() as session:
                        overlay = referrals.load_overlay(session, current.day)
                    current = replace(current, versions=now, places=overlay)
                    self._snapshot = current
            return current
        if not isinstance(rt.bind, DatabaseEngine):
            with self._build_lock:
                fresh = self._build(rt, snap)
                self._snapshot = fresh
            return fresh
        self._rebuild_in_background(rt, snap)
        return snap

    def refresh(self, rt: Runtime) -> Snapshot:
        """Check now (not after ``check_every``): for a command or a test after a change."""
        self._checked_at = 0.0
        return self.snapshot(rt)

    def _rebuild_in_background(self, rt: Runtime, old: Snapshot) -> None:
        with self._build_lock:
            if self._rebuilding is not None and self._rebuilding.is_alive():
                return

            def run() -> None:
                try:
                    built = self._build(rt, old, stop=self._stop)
                except Stopped:
                    return
                except Exception:
                    log.exception("rebuilding the engine failed; the old one keeps serving")
                    return
                self._snapshot = built
                log.info("serving %s from now on", built.versions)
                heap.settle()

            self._rebuilding = threading.Thread(target=run, name="engine-rebuild", daemon=True)
            self._rebuilding.start()

    def _build(
        self, rt: Runtime, old: Snapshot | None, *, stop: threading.Event | None = None
    ) -> Snapshot:
        """A new snapshot; only the rankers change when only the model did. With ``stop``
        (a build in the background), ``Stopped`` between its steps once it is set."""
        today = self._today()
        self._check(stop)
        with rt.session() as session:
            versions = changes.current(session, baseline=modelstore.BASELINE)
            same_data = (
                old is not None
                and old.day == today
                and (old.versions.catalogs, old.versions.persons)
                == (versions.catalogs, versions.persons)
            )
            if old is not None and same_data:
                engine = glue.with_active_model(session, old.engine)
                return Snapshot(engine, versions, today, persons=old.persons)
            started = time.perf_counter()
            engine = self._fresh(rt, session, today)
            self._check(stop)
            read_professions(session, engine)
            log.info("engine built in %.1f s", time.perf_counter() - started)
        return Snapshot(engine, versions, today)

    @staticmethod
    def _fresh(rt: Runtime, session: Session, today: date) -> Engine:
        """An engine built from the database; with its catalogs' indexes taken from the
        home's snapshot when they are still what the database holds (``saved``), in a
        process that owns its connections (a command, a server), not in one lent a
        connection (the test suite)."""
        readings = rt.settings.home / READINGS
        if not (rt.is_served and rt.settings.engine_snapshot):
            return glue.load_engine(session, today=today, readings=readings)
        from service.serving import saved

        return saved.engine(
            session,
            today=today,
            home=rt.settings.home,
            database=rt.where,
            secret=rt.settings.secret(),
            readings=readings,
        )


def read_professions(session: Session, engine: Engine) -> None:
    """Every person's professions as written, read by the engine's matcher in one batch (it
    remembers them): a person's first list then reads none of them one by one."""
    texts = list(
        dict.fromkeys(
            text for written in session.exec(select(Person.professions)) for text in written or ()
        )
    )
    if texts:
        engine.matcher.match_many(texts, limit=1, cutoff=TITLE_CUTOFF)
