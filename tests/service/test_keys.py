"""The secret key's fingerprint and ``matcher key rotate``, on a database of their own (real
commits, on SQLite or on the PostgreSQL of DATABASE_URL)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import col
from typer.testing import CliRunner

import service.cli.main  # noqa: F401  (registers the commands)
from catalogs.demo import DemoSpec
from catalogs.i18n import LANGS
from service.api.app import create_app
from service.cli.app import app as cli_app
from service.config import Settings
from service.jobs import store as jobs
from service.runtime import Runtime
from service.store import audit, db, demo, keys, referrals, sealed
from service.store.protect import Protector
from service.store.tables import (
    AuditEvent,
    JobUpload,
    KeyFingerprint,
    Notification,
    Person,
    PlanVersion,
    Referral,
    ReferralEvent,
)
from service.usecases.actor import Actor
from tests.dbutil import scratch_engine

OLD = "old-key-of-this-database-0123456789"
NEW = "new-key-of-this-database-9876543210"
EMPLOYER = "123456789012"
NOTE = "Проходит лечение у нарколога"
UPLOAD = "iin,full_name\n900101300123,Сериков Асхат Нурланович\n".encode()
"""The body of a person import queued and not run yet."""


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


def test_a_database_from_before_fingerprints_records_only_a_key_that_reads_it(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _world(engine, tmp_path)
    with engine.begin() as connection:  # as a database written before migration 0010
        connection.execute(sa.delete(KeyFingerprint))
    with pytest.raises(keys.KeyMismatch):
        runtime(engine, tmp_path, NEW).ready()
    assert _state(engine)["key"] == []
    runtime(engine, tmp_path, OLD).ready()
    assert _state(engine)["key"] == [(rt.protector.fingerprint(),)]


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


# --- rotation ---------------------------------------------------------------------------


def _world(engine: Engine, tmp_path: Path) -> Runtime:
    """Persons, audit rows, an employer's notification and a queued import's body, written
    under ``OLD``."""
    rt = runtime(engine, tmp_path, OLD)
    with rt.writing() as session:
        spec = DemoSpec(seed=5, as_of=date(2026, 11, 1), vacancies=20, courses=3, persons=12)
        demo.build(session, spec, protector=rt.protector)
        session.commit()
        person = session.scalars(sa.select(Person).order_by(col(Person.person_id))).first()
        assert person is not None
        referral = Referral(
            person_id=person.person_id,
            item_kind="vacancy",
            item_id="V-1",
            employer_bin=EMPLOYER,
            region_kato=person.region_kato,
            state="sent",
            place="job",
            sent_on=date(2026, 11, 2),
            state_on=date(2026, 11, 2),
            created_by="cli",
        )
        session.add(referral)
        session.flush()
        referrals.add_event(
            session, referral, from_state=None, on=date(2026, 11, 2), actor="cli",
            note=NOTE, protector=rt.protector,
        )  # fmt: skip
        body = {"version": 1, "actions": [{"id": "a1", "note": NOTE}]}
        session.add(
            PlanVersion(
                person_id=person.person_id, version=1, change="generated", author="cli",
                body_cipher=sealed.seal_json(rt.protector, body),
            )
        )  # fmt: skip
        code = rt.protector.pseudonym(person.person_id, employer_bin=EMPLOYER)
        session.add(
            Notification(
                key="test:1",
                kind="referral_new",
                recipient=f"employer:{EMPLOYER}",
                lang="ru",
                subject=f"Направление {code}",
                body=f"Кандидат {code} направлен к вам.",
                referral_id=referral.id,
            )
        )
        actor = Actor.command("person show")
        audit.record(session, actor=actor, person_ids=[person.person_id], action="read")
        audit.record(session, actor=actor, person_ids=["#token:1"], action="token_create")
        session.commit()
        jobs.create(
            session, kind="import", params={"kind": "persons", "format": "csv"},
            created_by="cli", backend="procrastinate", upload=UPLOAD, protector=rt.protector,
        )  # fmt: skip
    return rt


def _state(engine: Engine) -> dict[str, Any]:
    """Everything a rotation rewrites, as stored."""
    with engine.connect() as connection:
        return {
            "persons": connection.execute(sa.select(Person).order_by(col(Person.person_id))).all(),
            "plans": connection.execute(sa.select(col(PlanVersion.body_cipher))).all(),
            "events": connection.execute(sa.select(col(ReferralEvent.note_cipher))).all(),
            "chain": connection.execute(
                sa.select(col(AuditEvent.id), col(AuditEvent.chain)).order_by(col(AuditEvent.id))
            ).all(),
            "notes": connection.execute(
                sa.select(col(Notification.subject), col(Notification.body))
            ).all(),
            "key": connection.execute(sa.select(col(KeyFingerprint.fingerprint))).all(),
            "uploads": connection.execute(sa.select(col(JobUpload.body))).all(),
        }


def _clear(rt: Runtime) -> list[tuple[Any, ...]]:
    """Each person's protected fields in clear (with the support document), and the IIN's
    lookup hash checked."""
    found = []
    with rt.session() as session:
        for row in session.scalars(sa.select(Person).order_by(col(Person.person_id))):
            iin = rt.protector.decrypt(row.iin_cipher)
            assert row.iin_hash == (None if iin is None else rt.protector.lookup_hash(iin))
            name = rt.protector.decrypt(row.full_name_cipher)
            offence = rt.protector.decrypt(row.offence_cipher)
            support = sealed.open_support(rt.protector, row.support_cipher)
            found.append((row.person_id, iin, name, offence, support, row.iin_hash))
    return found


def _plans_and_notes(rt: Runtime) -> tuple[list[dict[str, Any]], list[str | None]]:
    """Every plan body and referral note, decrypted."""
    with rt.session() as session:
        bodies = [
            sealed.open_json(rt.protector, row.body_cipher)
            for row in session.scalars(sa.select(PlanVersion).order_by(col(PlanVersion.id)))
        ]
        ids = [i for i in session.scalars(sa.select(col(Referral.id))) if i is not None]
        notes = [
            event.note
            for events in referrals.history(session, ids, protector=rt.protector).values()
            for event in events
        ]
    return bodies, notes


def _rotate(rt: Runtime, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli_app, ["key", "rotate", *args], obj=rt, input=input)


def test_rotate_re_protects_everything_and_the_old_key_is_refused_after(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _world(engine, tmp_path)
    before = [row[:5] for row in _clear(rt)]
    assert any(row[1] for row in before)
    assert any(row[4].institution for row in before)
    old_hashes = {row[5] for row in _clear(rt)}
    sealed_before = _plans_and_notes(rt)
    assert sealed_before == ([{"version": 1, "actions": [{"id": "a1", "note": NOTE}]}], [NOTE])
    person_id = before[0][0]
    events_before = len(_state(engine)["chain"])
    new_file = tmp_path / "new.key"
    new_file.write_text(NEW + "\n")

    result = _rotate(rt, "--new-key-file", str(new_file))
    assert result.exit_code == 0, result.output
    assert "14 protected records, 1 notifications" in result.output  # 12 persons, a plan, a note

    with pytest.raises(keys.KeyMismatch):
        runtime(engine, tmp_path, OLD).ready()
    after_rt = runtime(engine, tmp_path, NEW)
    after = _clear(after_rt)
    assert [row[:5] for row in after] == before
    assert not old_hashes & {row[5] for row in after}
    assert _plans_and_notes(after_rt) == sealed_before
    with after_rt.session() as session:
        verdict = audit.verify(session, key=after_rt.protector.audit_key())
        last = session.scalars(sa.select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        (note,) = session.scalars(sa.select(Notification)).all()
    assert verdict.ok
    assert verdict.checked == events_before + 1
    assert last is not None
    assert (last.action, last.person_id, last.method) == ("key_rotate", "#key", "CLI")
    code = after_rt.protector.pseudonym(person_id, employer_bin=EMPLOYER)
    assert code in note.body
    assert code in note.subject
    assert Protector(OLD.encode()).pseudonym(person_id, employer_bin=EMPLOYER) not in note.body
    with after_rt.session() as session:
        (job_id,) = session.scalars(sa.select(col(JobUpload.job_id))).all()
        stored = session.scalar(sa.select(col(JobUpload.body)))
        assert jobs.take_upload(session, job_id, after_rt.protector) == UPLOAD
    assert stored is not None
    with pytest.raises(ValueError, match="another key"):
        Protector(OLD.encode()).open_upload(stored)
    # the runtime that rotated goes on under the new key
    assert rt.protector.fingerprint() == after_rt.protector.fingerprint()


def test_a_failure_midway_leaves_everything_under_the_old_key(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = _world(engine, tmp_path)
    stored = _state(engine)

    def fail(*args: object) -> int:  # after the persons were re-protected
        raise RuntimeError("disk full")

    monkeypatch.setattr(keys, "_rechain", fail)
    result = _rotate(rt, "--new-key-stdin", input=NEW + "\n")
    assert isinstance(result.exception, RuntimeError)

    assert _state(engine) == stored
    runtime(engine, tmp_path, OLD).ready()
    with pytest.raises(keys.KeyMismatch):
        runtime(engine, tmp_path, NEW).ready()


def test_a_value_under_yet_another_key_stops_the_rotation(engine: Engine, tmp_path: Path) -> None:
    rt = _world(engine, tmp_path)
    with rt.writing() as session:
        last = session.scalars(sa.select(Person).order_by(col(Person.person_id).desc())).first()
        assert last is not None
        last.full_name_cipher = Protector(b"a third key, not this database's").encrypt("X")
        session.add(last)
        unreadable = last.person_id
        session.commit()
    stored = _state(engine)

    result = _rotate(rt, "--new-key-stdin", input=NEW)
    assert result.exit_code == 1
    assert f"persons (row {unreadable})" in result.output
    assert _state(engine) == stored


def test_rotate_seals_an_import_body_queued_before_bodies_were_sealed(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _world(engine, tmp_path)
    with rt.writing() as session:  # as a database from before kept it: in clear
        session.execute(sa.update(JobUpload).values(body=UPLOAD))
        session.commit()
        (job_id,) = session.scalars(sa.select(col(JobUpload.job_id))).all()
        assert jobs.take_upload(session, job_id, rt.protector) == UPLOAD

    assert _rotate(rt, "--new-key-stdin", input=NEW).exit_code == 0
    with rt.session() as session:
        stored = session.scalar(sa.select(col(JobUpload.body)))
        assert stored is not None
        assert b"900101300123" not in stored
        assert jobs.take_upload(session, job_id, rt.protector) == UPLOAD


def test_a_broken_audit_trail_is_refused_before_anything_changes(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _world(engine, tmp_path)
    with engine.begin() as connection:
        first = connection.execute(sa.select(sa.func.min(col(AuditEvent.id)))).scalar_one()
        connection.execute(
            sa.update(AuditEvent).where(col(AuditEvent.id) == first).values(action="update")
        )
    stored = _state(engine)

    result = _rotate(rt, "--new-key-stdin", input=NEW)
    assert result.exit_code == 1
    assert f"broken at row {first}" in result.output
    assert _state(engine) == stored


def test_generate_writes_a_private_key_file_and_rotates_to_it(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _world(engine, tmp_path)
    target = tmp_path / "generated.key"
    result = _rotate(rt, "--generate", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    runtime(engine, tmp_path, target.read_text().strip()).ready()

    again = _rotate(rt, "--generate", str(target))  # never over an existing file
    assert isinstance(again.exception, FileExistsError)


@pytest.mark.parametrize(
    ("args", "input", "code", "words"),
    [
        ((), None, 2, "one way"),
        (("--new-key-stdin",), "short", 2, "too short"),
        (("--new-key-stdin",), OLD, 1, "the key in force"),
    ],
)
def test_rotate_refuses_a_missing_short_or_same_key(
    engine: Engine, tmp_path: Path, args: tuple[str, ...], input: str | None, code: int, words: str
) -> None:
    rt = runtime(engine, tmp_path, OLD)
    rt.ready()
    result = _rotate(rt, *args, input=input)
    assert result.exit_code == code
    assert words in result.output
