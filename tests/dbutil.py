"""Fresh, throw-away databases for tests: a SQLite file, or a new PostgreSQL database on the
server that DATABASE_URL points to (dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from service.config import Settings
from service.store.db import make_engine


def backend_url() -> str | None:
    """The server under test (DATABASE_URL, normalised), or None for SQLite."""
    return (
        Settings(home=Path("/nonexistent")).database_url if os.environ.get("DATABASE_URL") else None
    )


@contextmanager
def scratch_engine(tmp_dir: Path) -> Iterator[Engine]:
    """An engine on an empty database of the backend under test."""
    server = backend_url()
    if server is None:
        engine = make_engine(f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    name = f"matcher_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(make_url(server).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
