"""The commands that say which database they use (``matcher stats``, ``demo``, ``serve``,
``worker``, ``simulate``) never print its password: in the URL's user part or in a query
parameter libpq reads (``?password=``, ``sslpassword=``), it is printed as ``***``. The
runtime's ``where`` (which the engine's snapshot file records) and the audit trail's key of a
database hide them through the same one function, ``service.store.db.shown_url``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from typer.testing import CliRunner

from service.cli.app import database
from service.cli.main import app
from service.config import Settings
from service.runtime import Runtime
from service.store import audit, db
from tests.conftest import TEST_SECRET

SECRETS = ("s3cret-user", "s3cret-query", "s3cret-ssl")
URL = (
    "postgresql://matcher:s3cret-user@db.example:5432/matcher"
    "?password=s3cret-query&sslmode=require&sslpassword=s3cret-ssl"
)


def _runtime(url: str, tmp_path, connection: sa.Connection, lang: str = "en") -> Runtime:  # type: ignore[no-untyped-def]
    secret = SecretStr(TEST_SECRET)
    settings = Settings(home=tmp_path, secret_key=secret, lang=lang, database_url=url)
    return Runtime(settings, connection, _ready=True)


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_stats_prints_the_database_without_its_password(tmp_path, connection, lang: str) -> None:  # type: ignore[no-untyped-def]
    rt = _runtime(URL, tmp_path, connection, lang)
    result = CliRunner().invoke(app, ["stats"], obj=rt)
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert "matcher:***@db.example:5432/matcher" in first
    assert "password=***" in first
    assert "sslpassword=***" in first
    assert "sslmode=require" in first
    for secret in SECRETS:
        assert secret not in result.output


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (URL, "postgresql+psycopg://matcher:***@db.example:5432/matcher"
              "?password=***&sslmode=require&sslpassword=***"),
        ("postgresql://matcher@db.example/matcher", "postgresql+psycopg://matcher@db.example/matcher"),
        ("postgresql://db.example/m?application_name=a%2Fb%25",
         "postgresql+psycopg://db.example/m?application_name=a%2Fb%25"),
        ("sqlite:////var/lib/matcher/matcher.db", "sqlite:////var/lib/matcher/matcher.db"),
    ],
)  # fmt: skip
def test_only_a_password_is_masked(tmp_path, connection, url: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert database(_runtime(url, tmp_path, connection)) == shown


def test_the_runtime_and_the_audit_trail_hide_every_password(tmp_path, connection) -> None:  # type: ignore[no-untyped-def]
    rt = _runtime(URL, tmp_path, connection)
    engine = sa.create_engine(rt.settings.url)
    try:
        for shown in (rt.where, audit._database(engine)):
            assert shown == database(rt) == db.shown_url(rt.settings.url)
            assert not [secret for secret in SECRETS if secret in shown]
    finally:
        engine.dispose()


def test_a_url_is_hidden_by_one_function_only() -> None:
    root = Path(__file__).parent.parent.parent
    hiding = {
        str(path.relative_to(root))
        for path in (root / "service").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.keyword)
        and node.arg == "hide_password"
        and getattr(node.value, "value", None) is True
    }
    assert hiding == {"service/store/db.py"}
