"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is
set (CI runs both). Each test runs inside a transaction that is rolled back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from matcher.reader.cache import default_cache_dir
from service.cli.main import app
from service.config import Settings
from service.runtime import Runtime
from service.store import accounts, db
from tests.dbutil import backend_url, scratch_engine

os.environ.setdefault("MATCHER_CACHE", str(default_cache_dir()))
"""The suite, and the servers and commands it starts in temporary homes, share one fitted title
reader instead of fitting one in each home (``Settings.cache_dir``)."""

for _pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_pool, "1")
threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")
"""One thread for OpenMP (scikit-learn's gradient-boosted trees) and OpenBLAS (NumPy), in this
process and in the servers and commands it starts: their many small fits and products gain
nothing from a second thread, and on a busy machine the threads' spin-waits compete with the
other processes for the cores (``tests/matcher/test_estimators.py`` took 5 s with one thread
and 10 to 97 s with two while the load average was 6 on two cores). The environment wins when
it sets either variable. NumPy is loaded by a pytest plugin before this file, so its OpenBLAS
is limited here; libgomp, loaded later with scikit-learn, reads ``OMP_NUM_THREADS``."""

TEST_SECRET = "test-secret-key-not-for-production"


def pytest_report_header() -> str:
    url = backend_url()
    return f"database: {'PostgreSQL ' + url.split('@')[-1] if url else 'SQLite (temporary file)'}"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Argon2 with its least work (1 pass over 8 KiB) for the passwords the tests set and
    check in this process: the same algorithm, salt and hash lengths, and code path, without
    the 0.13 s the service's parameters cost each hash and each login (the page tests log in
    over a hundred times). The hash keeps its parameters, so ``check_needs_rehash`` still
    upgrades a hash made elsewhere; the dummy hash that times a refused unknown login is made
    with the same parameters, as in the service."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", cheap)
        patch.setattr(accounts, "_DUMMY", cheap.hash("not the password of anyone"))
        yield


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with scratch_engine(tmp_path_factory.mktemp("db")) as engine:
        db.upgrade(engine)
        yield engine


@pytest.fixture
def connection(engine: Engine) -> Iterator[sa.Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def session(connection: sa.Connection) -> Iterator[Session]:
    with db.session_scope(connection) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, secret_key=SecretStr(TEST_SECRET), lang="en")


@pytest.fixture
def runtime(settings: Settings, connection: sa.Connection) -> Runtime:
    return Runtime(settings, connection, _ready=True)


@pytest.fixture
def cli(runtime: Runtime) -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runtime: Runtime, cli: CliRunner):  # type: ignore[no-untyped-def]
    """Run ``matcher ARGS...`` against the test database; returns the click Result."""

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return cli.invoke(app, list(args), obj=runtime, input=input)

    return invoke


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how much the API fuzzer sent (the CI log's record of it)."""
    import sys

    fuzz = sys.modules.get("tests.service.test_api_fuzz")
    if fuzz is not None and fuzz.CASES["count"]:
        terminalreporter.write_line(
            f"schemathesis: {fuzz.CASES['count']} requests, no server error, no schema violation"
        )
