"""Admin actions and allocations are in the audit trail: tokens made and revoked (API and
command line), and who allocated a cohort, for which region, how many persons, and whom."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col

from catalogs.demo import DemoSpec
from service.api.app import PREFIX, create_app
from service.runtime import Runtime
from service.store import audit, demo, tokens
from service.store.tables import AuditEvent, Person
from service.usecases import allocation
from service.usecases.actor import Actor


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    audit.use_key(runtime.bind, runtime.protector.audit_key())
    return TestClient(create_app(runtime))


def _events(session: Session, action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(col(AuditEvent.action) == action)
    return list(session.scalars(query.order_by(col(AuditEvent.id))))


def test_tokens_made_and_revoked_through_the_api_are_audited(
    runtime: Runtime, session: Session, client: TestClient
) -> None:
    secret, admin = tokens.create(session, role="admin")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    made = client.post(f"{PREFIX}/tokens", json={"role": "inspector"}, headers=headers)
    assert made.status_code == 201, made.text
    token_id = made.json()["id"]
    assert client.delete(f"{PREFIX}/tokens/{token_id}", headers=headers).status_code == 200

    (create,) = _events(session, "token_create")
    (revoke,) = _events(session, "token_revoke")
    for row in (create, revoke):
        assert row.person_id == f"#token:{token_id}"
        assert (row.token_id, row.role, row.method) == (admin.id, "admin", row.method)
        assert row.chain is not None
    assert create.method == "POST"
    assert revoke.method == "DELETE"
    assert audit.verify(session, key=runtime.protector.audit_key()).ok


def test_tokens_made_and_revoked_at_the_command_line_are_audited(
    session: Session, run: Any
) -> None:
    made = run("token", "create", "--role", "officer")
    assert made.exit_code == 0, made.output
    listed = session.scalars(sa.select(AuditEvent)).all()
    (create,) = [row for row in listed if row.action == "token_create"]
    token_id = int(create.person_id.removeprefix("#token:"))
    assert run("token", "revoke", str(token_id)).exit_code == 0

    (revoke,) = _events(session, "token_revoke")
    assert revoke.person_id == f"#token:{token_id}"
    for row in (create, revoke):
        assert row.method == "CLI"
        assert row.os_user is not None


def test_a_refused_revocation_writes_no_row(runtime: Runtime, session: Session) -> None:
    from service.usecases import admin
    from service.usecases.errors import Conflict

    _, only = tokens.create(session, role="admin")
    session.commit()
    assert only.id is not None
    with pytest.raises(Conflict):
        admin.revoke_token(runtime, Actor.command("token revoke"), only.id)
    assert _events(session, "token_revoke") == []


def test_an_allocation_records_who_which_region_how_many_and_whom(
    runtime: Runtime, session: Session
) -> None:
    spec = DemoSpec(seed=7, as_of=date(2026, 11, 1), vacancies=30, courses=5, persons=40)
    demo.build(session, spec, protector=runtime.protector)
    session.commit()
    region = session.scalars(sa.select(col(Person.region_kato)).limit(1)).one()
    officer = Actor(role="officer", token_id=41, method="POST", route="/api/v1/allocations")

    _, count = allocation.run(
        runtime,
        officer,
        kato=region,
        release_from=date(2000, 1, 1),
        release_to=date(2100, 1, 1),
        today=date(2026, 11, 1),
    )

    rows = _events(session, "allocation")
    assert count > 0
    assert rows[0].person_id == f"#allocation:{region}:{count}"
    assert len(rows) == count + 1
    assert all(row.token_id == 41 for row in rows)
    assert all(row.role == "officer" for row in rows)
    placed = {row.person_id for row in rows[1:]}
    query = sa.select(col(Person.person_id)).where(col(Person.region_kato) == region)
    assert placed <= set(session.scalars(query))
    assert audit.verify(session, key=runtime.protector.audit_key()).ok
