"""The secret key's fingerprint, on a database of its own (real commits, on SQLite or on the
PostgreSQL of DATABASE_URL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from catalogs.i18n import LANGS
from service.api.app import create_app
from service.config import Settings
from service.runtime import Runtime
from service.store import db, keys
from service.store.protect import Protector
from service.store.tables import KeyFingerprint
from tests.dbutil import scratch_engine

OLD = "old-key-of-this-database-0123456789"
NEW = "new-key-of-this-database-9876543210"
EMPLOYER = "123456789012"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path) as engine:
        yield engine


def runtime(engine: Engine, tmp_path: Path, key: str) -> Runtime:
    return Runtime(Settings(home=tmp_path / "home", secret_key=SecretStr(key), lang="en"), engine)


def test_the_first_process_records_the_fingerprint_and_another_key_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    runtime(engine, tmp_path, OLD).ready()
    with db.session_scope(engine) as session:
        (row,) = session.scalars(sa.select(KeyFingerprint)).all()
    assert row.fingerprint == Protector(OLD.encode()).fingerprint()
    assert OLD not in row.fingerprint
    assert row.fingerprint != Protector(NEW.encode()).fingerprint()

    runtime(engine, tmp_path, OLD).ready()  # the same key again: fine
    with pytest.raises(keys.KeyMismatch) as refused:
        runtime(engine, tmp_path, NEW).ready()
    for lang in LANGS:
        said = refused.value.message(lang)
        assert "matcher key rotate" in said
        assert row.fingerprint not in said
    assert "does not" not in refused.value.message("ru") + refused.value.message("kk")


def test_a_server_with_another_key_does_not_start(engine: Engine, tmp_path: Path) -> None:
    right = runtime(engine, tmp_path, OLD)
    right.ready()
    fingerprint = right.protector.fingerprint()
    with TestClient(create_app(right)) as client:
        answer = client.get("/api/v1/health")
    assert answer.status_code == 200
    assert fingerprint not in answer.text

    with pytest.raises(keys.KeyMismatch), TestClient(create_app(runtime(engine, tmp_path, NEW))):
        pass  # the lifespan refuses before the first request


def test_a_command_with_another_key_says_so_and_exits_3(engine: Engine, tmp_path: Path) -> None:
    runtime(engine, tmp_path, OLD).ready()
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "MATCHER_SECRET_KEY": NEW, "MATCHER_LANG": "kk"}
    env["MATCHER_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-m", "service.cli.main", "token", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr.strip() == keys.KeyMismatch().message("kk")
