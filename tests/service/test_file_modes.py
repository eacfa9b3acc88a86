"""The embedded database, its WAL and shared-memory files and the generated key are readable
by the service's user only, and so is the home folder the service makes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.config import Settings
from service.runtime import Runtime
from service.store import db, tokens


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (files 0644, folders 0755 unless the service says otherwise)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_a_fresh_sqlite_database_and_its_home_are_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    rt = Runtime.from_settings(Settings(home=home, secret_key=None, database_url=None))
    try:
        with rt.writing() as session:
            tokens.create(session, role="admin")
            session.commit()
        database = home / "matcher.db"
        assert (home / "matcher.db-wal").exists()  # a connection is still open: WAL in use
        assert _mode(home) == 0o700
        for path in (database, home / "matcher.db-wal", home / "matcher.db-shm"):
            assert _mode(path) == 0o600, path
        assert _mode(home / "secret.key") == 0o600
        assert _mode(tmp_path / "new") == 0o755  # only the service's own folder is narrowed
    finally:
        assert isinstance(rt.bind, sa.Engine)
        rt.bind.dispose()


@pytest.mark.usefixtures("open_umask")
def test_a_database_made_readable_by_others_is_narrowed_on_connect(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert _mode(path) == 0o600
        assert _mode(tmp_path / "old.db-wal") == 0o600
    finally:
        engine.dispose()


@pytest.mark.usefixtures("open_umask")
def test_the_generated_key_home_is_private(tmp_path: Path) -> None:
    home = tmp_path / "keyhome"
    Settings(home=home, secret_key=None).secret()
    assert _mode(home) == 0o700
    assert _mode(home / "secret.key") == 0o600
