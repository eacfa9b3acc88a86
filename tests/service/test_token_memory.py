"""A server remembers a token it found for ``tokens.REMEMBER_SECONDS`` (one query per token and
moment, not per request); a revocation made in the process is in force at once, one made by
another process or host within those seconds, and an expired token is never let in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.runtime import Runtime
from service.store import db, tokens
from service.store.tables import ApiToken, utcnow
from service.usecases import admin
from service.usecases.actor import Actor
from tests.dbutil import scratch_engine

URL = "/api/v1/persons/P00001"  # no such person: 404 for a live token, 401 for any other


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Clock]]:
    """A runtime that owns its connections, as a server's does, and the memory's clock."""
    clock = Clock()
    monkeypatch.setattr(tokens, "clock", clock)
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        settings = Settings(home=tmp_path, secret_key="t" * 32, lang="en")
        yield Runtime(settings, engine, _ready=True), clock


def _token(rt: Runtime, role: str = "officer") -> tuple[str, int]:
    with rt.writing() as session:
        secret, record = tokens.create(session, role=role)
        assert record.id is not None
        return secret, record.id


def _queries(rt: Runtime) -> list[str]:
    seen: list[str] = []
    assert isinstance(rt.bind, sa.Engine)
    sa.event.listen(rt.bind, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_token_is_looked_up_once_per_moment_not_per_request(
    served: tuple[Runtime, Clock],
) -> None:
    rt, clock = served
    secret, _ = _token(rt)
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 404
    seen = _queries(rt)
    for _ in range(3):
        assert client.get(URL, headers=headers).status_code == 404
    assert not [q for q in seen if "api_tokens" in q]
    clock.now += tokens.REMEMBER_SECONDS
    assert client.get(URL, headers=headers).status_code == 404
    assert [q for q in seen if "api_tokens" in q]  # looked up again


def test_a_revocation_in_this_process_is_in_force_at_once(served: tuple[Runtime, Clock]) -> None:
    rt, _ = served
    secret, token_id = _token(rt)
    _token(rt, "admin")  # the last admin token cannot be revoked: one more
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 404
    admin.revoke_token(rt, Actor.command("token revoke"), token_id)
    assert client.get(URL, headers=headers).status_code == 401


def test_a_revocation_elsewhere_is_in_force_within_seconds(served: tuple[Runtime, Clock]) -> None:
    rt, clock = served
    secret, token_id = _token(rt)
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 404
    # another process (the command line, another host) revokes it: this one is not told
    assert isinstance(rt.bind, sa.Engine)
    with rt.bind.begin() as connection:
        table = ApiToken.__table__  # type: ignore[attr-defined]
        connection.execute(
            sa.update(table).where(table.c.id == token_id).values(revoked_at=utcnow())
        )
    clock.now += tokens.REMEMBER_SECONDS - 0.5
    assert client.get(URL, headers=headers).status_code == 404  # still remembered
    clock.now += 0.5
    assert client.get(URL, headers=headers).status_code == 401


def test_a_remembered_token_that_expires_is_refused(
    served: tuple[Runtime, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, _ = served
    secret, _ = _token(rt)
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 404
    later = utcnow() + timedelta(days=tokens.DEFAULT_DAYS + 1)
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    refused = client.get(URL, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_expired"


def test_the_last_use_is_written_once_and_the_memory_knows_it(
    served: tuple[Runtime, Clock],
) -> None:
    rt, _ = served
    secret, token_id = _token(rt)
    client = TestClient(create_app(rt))
    headers = {"Authorization": f"Bearer {secret}"}
    seen = _queries(rt)
    for _ in range(4):
        assert client.get(URL, headers=headers).status_code == 404
    assert len([q for q in seen if q.lstrip().upper().startswith("UPDATE API_TOKENS")]) == 1
    with rt.session() as session:
        stored = session.get(ApiToken, token_id)
        assert stored is not None
        assert stored.last_used_at is not None
