"""Engines, sessions and the schema: made on demand from the settings, never at import."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

    from service.store.protect import Protector

HEAD = "0011"
"""The newest migration (a test checks it against the migrations folder): a database already
there is recognised without loading Alembic, which a command would pay for on every start."""

BUSY_TIMEOUT_MS = 5000
"""How long a SQLite writer waits for another one before giving up (answered 503)."""
MASK = "***"
"""What a password in a database's URL is shown as."""


def shown_url(url: str | sa.URL) -> str:
    """``url`` as it may be printed, logged or written down: a password, in the user part or
    in a query parameter (``?password=``, ``sslpassword=``, which libpq also reads), as
    ``***``; the rest as it is."""
    parsed = sa.make_url(url)
    query = {
        key: MASK if "password" in key.lower() else value for key, value in parsed.query.items()
    }
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    return shown.replace("%2A%2A%2A", MASK)  # the stars, which a URL writes encoded


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``; for SQLite, a file-backed database with foreign keys, WAL and
    real SAVEPOINTs (pysqlite's own transaction handling is switched off).

    On SQLite a write transaction must say so when it begins (``writing()``): a read
    transaction that later writes cannot wait for another writer and fails at once, while
    ``BEGIN IMMEDIATE`` queues behind it for up to ``BUSY_TIMEOUT_MS``."""
    if url.startswith("sqlite"):
        file = None
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            file = Path(url.removeprefix("sqlite:///"))
            private_file(file)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **options)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()
            if file is not None:
                _owner_only(file)

        @sa.event.listens_for(engine, "begin")
        def _on_begin(connection: sa.Connection) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, **options)


def private_file(path: Path) -> None:
    """Make the database file (and its folder, when missing) before SQLite does, readable by
    this user only: the folder 0700, the file 0600. SQLite gives its journal, WAL and
    shared-memory files the mode of the database file."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _owner_only(path: Path) -> None:
    """Take group and other access away from the database file and its companions (a
    database made before files were created 0600, or copied in with another mode)."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        companion = path.with_name(name)
        with suppress(OSError):  # absent, or owned by another user: left as it is
            if companion.stat().st_mode & 0o077:
                companion.chmod(0o600)


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The migration the database is at (None: no schema yet), read without Alembic."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(
    engine: Engine | sa.Connection, revision: str = "head", *, protector: Protector | None = None
) -> None:
    """Create the schema or bring it up to ``revision``, in place, keeping the data. A
    migration that encrypts rows already there does it with ``protector`` (else with the key
    of the settings in force)."""
    if isinstance(engine, sa.Connection):
        from alembic import command

        config = _alembic_config()
        config.attributes["connection"] = engine
        config.attributes["protector"] = protector
        command.upgrade(config, revision)
        return
    with engine.begin() as connection:
        if revision == "head" and current_revision(connection) == HEAD:
            return
        from alembic import command

        config = _alembic_config()
        config.attributes["connection"] = connection
        config.attributes["protector"] = protector
        command.upgrade(config, revision)
    if config.attributes.get("scrub"):
        scrub(engine, config.attributes["scrub"])


def scrub(engine: Engine, tables: list[str]) -> None:
    """Rewrite ``tables`` on disk, after a migration encrypted values that were in clear
    there, so that the clear values are gone from the files too (not only from the rows):
    SQLite's ``VACUUM`` rewrites the whole file and the WAL is emptied; PostgreSQL's
    ``VACUUM FULL`` rewrites the tables."""
    if engine.dialect.name == "sqlite":  # outside any transaction (none is begun here)
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("VACUUM FULL " + ", ".join(f'"{t}"' for t in tables))


def downgrade(
    connection: sa.Connection, revision: str, *, protector: Protector | None = None
) -> None:
    from alembic import command

    config = _alembic_config()
    config.attributes["connection"] = connection
    config.attributes["protector"] = protector
    command.downgrade(config, revision)


_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _writer(engine: Engine) -> Engine:
    """``engine`` whose transactions begin ``IMMEDIATE``: made once per engine, not per
    request (it shares the engine's pool)."""
    found = _WRITERS.get(engine)
    if found is None:
        found = _WRITERS[engine] = engine.execution_options(sqlite_begin="IMMEDIATE")
    return found


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` says another writer held the database past the busy timeout."""
    if not isinstance(error, sa.exc.OperationalError):
        return False
    text = str(error.orig).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def session_scope(engine: Engine | sa.Connection, *, write: bool = False) -> Iterator[Session]:
    """A session whose uncommitted work is rolled back when the block fails; with ``write``,
    its transactions take SQLite's write lock when they begin (PostgreSQL needs nothing)."""
    if isinstance(engine, sa.Connection):
        session = Session(bind=engine, join_transaction_mode="create_savepoint")
    elif write and engine.dialect.name == "sqlite":
        session = Session(_writer(engine))
    else:
        session = Session(engine)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
