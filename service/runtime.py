"""What a use case needs to run: settings, a database (created or upgraded on first use), the
protector of sensitive fields and the engine this process serves from. Tests hand in a Runtime
bound to their own connection."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from service.config import Settings
from service.store import audit, db, keys
from service.store.protect import Protector

if TYPE_CHECKING:
    from service.serving.engines import Serving


@dataclass
class Runtime:
    settings: Settings
    bind: Engine | sa.Connection
    _protector: Protector | None = field(default=None, repr=False)
    _ready: bool = field(default=False, repr=False)
    _serving: Serving | None = field(default=None, repr=False)
    _audit_keyed: bool = field(default=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        """The runtime of a process (a command, a server, a job's child): it also takes the
        title reader's cache from the settings (``Settings.use_cache``)."""
        settings.use_cache()
        return cls(settings, db.make_engine(settings.url))

    @property
    def protector(self) -> Protector:
        if self._protector is None:
            self._protector = Protector(self.settings.secret())
        return self._protector

    def use_protector(self, protector: Protector) -> None:
        """Protect with ``protector`` from now on (after ``matcher key rotate``), the audit
        trail's chain included."""
        self._protector = protector
        audit.use_key(self.bind, protector.audit_key())
        self._audit_keyed = True

    @property
    def serving(self) -> Serving:
        """The engine snapshot this process answers from (``service.serving``)."""
        if self._serving is None:
            from service.serving.engines import Serving

            live = isinstance(self.bind, Engine)
            self._serving = Serving(check_every=self.settings.serving_check_seconds if live else 0)
        return self._serving

    @property
    def is_served(self) -> bool:
        """Whether this runtime owns a pool of connections (a server or a command), not one
        connection lent by a caller (the test suite): only then may it run work of its own
        on other threads."""
        return isinstance(self.bind, Engine)

    @property
    def where(self) -> str:
        """The database in force, with any password hidden."""
        return make_url(self.settings.url).render_as_string(hide_password=True)

    def ready(self) -> None:
        """Create or upgrade the schema and check that the database is written under this
        process's key (``keys.KeyMismatch`` when not: nothing starts), once per process."""
        if not self._ready:
            db.upgrade(self.bind, protector=self.protector)
            keys.check(self.bind, self.protector)
            self._ready = True

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on an up-to-date schema, for reading (and writes that race with none)."""
        self.ready()
        with _busy_is_503(), db.session_scope(self.bind) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose transactions take the write lock when they begin: on SQLite, a
        writer then waits its turn (up to ``db.BUSY_TIMEOUT_MS``) instead of failing; past
        that, ``Busy`` (answered 503 with ``Retry-After``)."""
        self.ready()
        if not self._audit_keyed:
            # the trail's rows are chained under this database's key (service.store.audit)
            audit.use_key(self.bind, self.protector.audit_key())
            self._audit_keyed = True
        lock = _sqlite_writers(self.bind)
        if lock is not None and not lock.acquire(timeout=db.BUSY_TIMEOUT_MS / 1000):
            from service.usecases.errors import Busy

            raise Busy("database_busy")
        try:
            with _busy_is_503(), db.session_scope(self.bind, write=True) as session:
                yield session
        finally:
            if lock is not None:
                lock.release()


_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def _sqlite_writers(bind: Engine | sa.Connection) -> threading.RLock | None:
    """The queue of this process's writers to one SQLite file. SQLite lets one writer in at a
    time; one that finds the lock taken sleeps in its busy handler in growing steps (up to
    100 ms), so under a few concurrent writers a short write could wait far longer than the
    writes ahead of it took. Queued here first, a writer is woken the moment the one before
    it finishes; writers of other processes still meet SQLite's own lock and busy timeout.
    PostgreSQL (row locks) and a lent connection (the tests') need no queue."""
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return None
    with _WRITERS_GUARD:
        lock = _WRITERS.get(bind)
        if lock is None:
            lock = _WRITERS[bind] = threading.RLock()
        return lock


@contextmanager
def _busy_is_503() -> Iterator[None]:
    try:
        yield
    except sa.exc.OperationalError as error:
        if db.is_busy(error):
            from service.usecases.errors import Busy

            raise Busy("database_busy") from error
        raise
