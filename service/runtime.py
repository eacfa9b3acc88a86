"""What a use case needs to run: settings, a database (created or upgraded on first use), the
protector of sensitive fields and the engine this process serves from. Tests hand in a Runtime
bound to their own connection."""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # not a POSIX system: each process queues its own writers only
    fcntl = None  # type: ignore[assignment]

import sqlalchemy as sa
from sqlalchemy.engine import Engine
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
        """The database in force, any password hidden, in the user part or in a query
        parameter (``db.shown_url``)."""
        return db.shown_url(self.settings.url)

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
        queue = _sqlite_writers(self.bind)
        if queue is not None and not queue.acquire(timeout=db.BUSY_TIMEOUT_MS / 1000):
            from service.usecases.errors import Busy

            raise Busy("database_busy")
        try:
            with _busy_is_503(), db.session_scope(self.bind, write=True) as session:
                yield session
        finally:
            if queue is not None:
                queue.release()


class Writers:
    """The queue of writers to one SQLite file. SQLite lets one writer in at a time; one that
    finds the lock taken sleeps in its busy handler in growing steps (1, 2, 5, 10 ... up to
    100 ms), so under a few concurrent writers a short write could wait far longer than the
    writes ahead of it took, and every writer queued behind it in its process with it.

    Queued here first, a writer of this process waits on a lock that wakes it the moment the
    one before it finishes; then, when the database is a file, on a lock of the file
    ``<database>.writers`` shared by every process of this host that writes through this code
    (``matcher serve --workers N``, job children, commands), asked for again every fraction
    of a millisecond, so that a writer of another process is not met in SQLite's busy handler
    but let in as soon as it is done. Other programs still meet SQLite's own lock and busy
    timeout."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.lock = threading.RLock()
        self.depth = 0  # changed only by the thread holding ``lock``
        self.fd: int | None = None
        self.pid = 0

    def acquire(self, *, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout=timeout):
            return False
        if self.depth == 0 and self.file is not None and not self._lock_file(deadline):
            self.lock.release()
            return False
        self.depth += 1
        return True

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.lock.release()

    def _lock_file(self, deadline: float) -> bool:
        if self.fd is None or self.pid != os.getpid():  # a forked child opens its own
            assert self.file is not None
            try:
                self.fd = os.open(self.file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:  # a folder this process cannot write: SQLite's lock alone
                self.file = None
                return True
            self.pid = os.getpid()
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 1.5, 0.002)


_WRITERS: weakref.WeakKeyDictionary[Engine, Writers] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def _sqlite_writers(bind: Engine | sa.Connection) -> Writers | None:
    """The queue of writers to ``bind``'s SQLite database (``Writers``). PostgreSQL (row
    locks) and a lent connection (the tests') need no queue."""
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return None
    with _WRITERS_GUARD:
        found = _WRITERS.get(bind)
        if found is None:
            database = bind.url.database
            file = None
            if database and database != ":memory:" and fcntl is not None:
                file = Path(database).with_name(Path(database).name + ".writers")
            found = _WRITERS[bind] = Writers(file)
        return found


@contextmanager
def _busy_is_503() -> Iterator[None]:
    try:
        yield
    except sa.exc.OperationalError as error:
        if db.is_busy(error):
            from service.usecases.errors import Busy

            raise Busy("database_busy") from error
        raise
