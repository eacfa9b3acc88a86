"""The audit trail is complete and tamper-evident: refusals, outcome posts, imports and
command-line reads are recorded with who, from where and as which operating-system user; each
row is chained to the previous one by a keyed hash, and ``matcher audit verify`` finds a row
deleted or edited directly in the database (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import getpass
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.api.app import PREFIX, create_app
from service.config import Settings
from service.runtime import Runtime
from service.store import audit, db
from service.store.tables import AuditEvent, OutcomeEvent
from service.usecases import persons
from service.usecases.actor import Actor
from tests.dbutil import scratch_engine
from tests.factories import csv_bytes
from tests.service.test_authorisation import World, build_world


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    audit.use_key(runtime.bind, runtime.protector.audit_key())
    return TestClient(create_app(runtime))


@pytest.fixture
def world(runtime: Runtime, session: Session, client: TestClient) -> World:
    return build_world(runtime, session, client)


def _activity(client: TestClient, world: World) -> None:
    """Reads, a refusal, an outcome post and an IIN probe, from three callers."""
    for actor, person_id in (("officer-47", "PA"), ("officer-47", "PB"), ("inspector", "PB")):
        client.get(f"{PREFIX}/persons/{person_id}", headers=world.bearer[actor])
    event = {"person_id": "PA", "item_kind": "vacancy", "item_id": "VA", "event": "referred",
             "date": world.today.isoformat()}  # fmt: skip
    assert client.post(
        f"{PREFIX}/outcomes", json=event, headers=world.bearer["officer-47"]
    ).is_success


def _chained(session: Session) -> list[AuditEvent]:
    query = select(AuditEvent).where(col(AuditEvent.chain).is_not(None)).order_by(
        col(AuditEvent.id)
    )  # fmt: skip
    return list(session.exec(query).all())


def test_every_row_is_chained_and_the_trail_verifies(
    client: TestClient,
    world: World,
    session: Session,
    run,  # type: ignore[no-untyped-def]
) -> None:
    _activity(client, world)
    rows = _chained(session)
    assert len(rows) >= 6
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok")


@pytest.mark.parametrize("tamper", ["delete", "edit"])
def test_a_row_deleted_or_edited_breaks_the_chain(
    client: TestClient,
    world: World,
    session: Session,
    run,
    tamper: str,  # type: ignore[no-untyped-def]
) -> None:
    _activity(client, world)
    rows = _chained(session)
    victim, after = rows[-4], rows[-3]
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    if tamper == "delete":
        session.execute(sa.delete(table).where(table.c.id == victim.id))
        broken = after.id
    else:
        session.execute(sa.update(table).where(table.c.id == victim.id).values(action="read"
                        if victim.action != "read" else "update"))  # fmt: skip
        broken = victim.id
    session.commit()
    result = run("audit", "verify")
    assert result.exit_code == 1, result.output
    assert f" {broken}:" in result.output or f" {broken} " in result.output, result.output


def test_who_where_and_refusals_are_recorded(
    client: TestClient, world: World, session: Session, runtime: Runtime
) -> None:
    _activity(client, world)
    denied = session.exec(
        select(AuditEvent).where(AuditEvent.action == "denied_scope")
    ).all()  # fmt: skip
    assert [(row.person_id, row.token_id) for row in denied] == [
        ("PB", world.token_ids["officer-47"])
    ]
    assert denied[0].client == "testclient"
    assert denied[0].os_user is None
    outcome = session.exec(select(AuditEvent).where(AuditEvent.action == "outcome")).one()
    assert outcome.person_id == "PA"
    # a read at the command line names the operating-system user, and no address
    persons.read(runtime, Actor.command("person show"), "PA")
    read = session.exec(
        select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.method == "CLI")
    ).one()
    assert read.os_user == getpass.getuser()
    assert read.client is None
    # a refusal of a role (an employer asking for a person) is recorded against that person
    client.get(f"{PREFIX}/persons/PA", headers=world.bearer["employer-A"])
    role = session.exec(select(AuditEvent).where(AuditEvent.action == "denied_role")).one()
    assert role.person_id == "PA"


def test_imports_record_their_author_and_the_persons_they_wrote(
    world: World,
    session: Session,
    run,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    day = date.today().isoformat()
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_bytes(
        csv_bytes(
            [
                {
                    "person_id": "PB",
                    "item_kind": "vacancy",
                    "item_id": "VB",
                    "event": "referred",
                    "date": day,
                }
            ]
        )
    )
    assert run("import", "outcomes", str(outcomes)).exit_code == 0
    row = session.exec(select(OutcomeEvent).where(OutcomeEvent.person_id == "PB",
                                                  OutcomeEvent.source == "import")).one()  # fmt: skip
    assert row.created_by == "import:cli"
    people = tmp_path / "persons.csv"
    people.write_bytes(csv_bytes([{"person_id": "PC", "kato": "471010000", "status": "probation"}]))
    assert run("import", "persons", str(people)).exit_code == 0
    imported = session.exec(
        select(AuditEvent).where(AuditEvent.action == "import_persons")
    ).all()  # fmt: skip
    assert [row.person_id for row in imported] == ["PC"]
    assert imported[0].os_user == getpass.getuser()


def test_concurrent_writers_never_fork_the_chain(tmp_path: Path) -> None:
    """Eight threads writing at once, each in its own transaction, leave one unbroken chain
    (PostgreSQL: the advisory lock; SQLite: the write lock)."""
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        rt = Runtime(Settings(home=tmp_path, secret_key="k" * 32), engine, _ready=True)
        audit.use_key(engine, rt.protector.audit_key())
        actor = Actor(role="officer", token_id=1, method="GET", route="/race", client="10.0.0.1")

        def write(worker: int) -> None:
            for n in range(10):
                with rt.writing() as session:
                    audit.record(session, actor=actor, person_ids=[f"P{worker}-{n}"],
                                 action="read")  # fmt: skip
                    session.commit()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(write, range(8)))
        with rt.session() as session:
            verdict = audit.verify(session, key=rt.protector.audit_key())
        assert verdict.ok, verdict
        assert verdict.checked == 80
