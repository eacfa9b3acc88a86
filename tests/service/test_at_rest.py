"""Nothing a person would not want known lies in clear in the database: a demo database with
a plan and referral notes is dumped as an attacker with a copy would (the SQLite file and
its WAL byte by byte, and its SQL dump; ``pg_dump`` on PostgreSQL) and searched for every
person's IIN, name, institution, the names of their needs and the texts of their plans and
notes, and for those of a person import still queued (its body waits in ``job_uploads``). Also: the caseload's filter by need, which reads the needs decrypted, and migration
0011, which encrypts the rows of a database written before it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import col

from catalogs.demo import DemoSpec, generate
from service.config import Settings
from service.jobs import store as jobs
from service.plans import versions
from service.runtime import Runtime
from service.store import db, demo, keys, sealed
from service.store import referrals as store
from service.store.protect import Protector
from service.store.rows import person as engine_person
from service.store.tables import JobUpload, Person, PlanVersion
from service.store.workflow import ReferralEvent
from service.usecases import caseload, plans, referrals
from service.usecases.actor import Actor
from tests.dbutil import scratch_engine
from tests.factories import csv_bytes, iin_number
from tests.factories import person as person_row

KEY = "key-of-the-dumped-database-0123456789"
TODAY = date(2026, 11, 1)
SPEC = DemoSpec(seed=11, as_of=TODAY, vacancies=60, courses=8, persons=40)
ACTION_NOTE = "Справка из наркологического диспансера ожидается"
MANUAL_TEXT = "Сопроводить к психиатру по месту жительства"
REFERRAL_NOTE = "Жена против переезда, долг по алиментам"
RESPONSIBLE_NAME = "Тлеубердина Салтанат Маратовна"
QUEUED = [
    person_row(
        900 + n, iin=iin_number(birth="851207", serial=900 + n), full_name=name,
        institution="ЕЦ-166/99",
    )
    for n, name in enumerate(["Жумабаева Гульнар Серикқызы", "Ахметов Ерлан Бекович"])
]  # fmt: skip
"""Persons of an import queued and not run yet."""
NEED_WORDS = [
    "need_housing", "need_documents", "need_medical_commission", "need_psychological",
    "need_addiction_treatment", "need_legal_aid", "has_disability", "civil_claim_kzt",
    "family_ties", "institution",
]  # fmt: skip


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path) as engine:
        yield engine


def _runtime(engine: Engine, tmp_path: Path, key: str = KEY) -> Runtime:
    settings = Settings(home=tmp_path / "home", secret_key=SecretStr(key), lang="en")
    return Runtime(settings, engine)


def _world(engine: Engine, tmp_path: Path) -> tuple[Runtime, str, int]:
    """Demo persons, a plan edited with a note and an action in free text, and a referral
    with notes; returns the runtime, the planned person and the referral."""
    rt = _runtime(engine, tmp_path)
    with rt.writing() as session:
        demo.build(session, SPEC, protector=rt.protector)
        session.commit()
    actor = Actor.command("test")
    person_id = "P00001"
    made = plans.generate(rt, actor, person_id, today=TODAY)
    action = made.version.body["actions"][0]["id"]
    plans.edit_action(
        rt, actor, person_id, action, note=ACTION_NOTE, responsible_name=RESPONSIBLE_NAME
    )
    plans.add_action(
        rt, actor, person_id, text=MANUAL_TEXT, part="social_legal", responsible="probation_service",
        due=TODAY + timedelta(days=30),
    )  # fmt: skip
    with rt.session() as session:
        vacancy = session.scalar(sa.text("SELECT vacancy_id FROM vacancies ORDER BY vacancy_id"))
    view = referrals.refer(
        rt, actor, person_id=person_id, item_kind="vacancy", item_id=str(vacancy),
        today=TODAY, note=REFERRAL_NOTE,
    )  # fmt: skip
    with rt.writing() as session:  # queued for a worker that has not taken it yet
        jobs.create(
            session, kind="import", params={"kind": "persons", "format": "csv", "dry_run": False},
            created_by="test", backend="procrastinate", upload=csv_bytes(QUEUED),
            protector=rt.protector,
        )  # fmt: skip
    return rt, person_id, view.row.id or 0


def _secrets() -> dict[str, set[str]]:
    """What must not be found, from the demo records as they were imported."""
    found: dict[str, set[str]] = {"iin": set(), "name": set(), "institution": set()}
    for record in generate(SPEC).persons():
        for field, kind in (("iin", "iin"), ("full_name", "name"), ("institution", "institution")):
            if record.get(field):
                found[kind].add(str(record[field]))
    for row in QUEUED:
        found["iin"].add(row["iin"])
        found["name"].add(row["full_name"])
    found["words"] = {*NEED_WORDS, ACTION_NOTE, MANUAL_TEXT, REFERRAL_NOTE, RESPONSIBLE_NAME}
    return found


def _sqlite_dump(engine: Engine) -> bytes:
    """The database file, its WAL and its SQL dump, as bytes (the WAL read while the
    engine's connections are open, before any checkpoint folds it in)."""
    path = Path(str(engine.url.database))
    raw = b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )
    with sqlite3.connect(path) as connection:
        text = "\n".join(connection.iterdump())
    return raw + text.encode()


def _pg_dump(engine: Engine) -> bytes:
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_dump", "--no-owner", url], capture_output=True, timeout=120, check=True
    )
    return done.stdout


def _dump(engine: Engine) -> bytes:
    return _sqlite_dump(engine) if engine.dialect.name == "sqlite" else _pg_dump(engine)


def test_a_dump_holds_no_person_data_in_clear(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is needed to check the PostgreSQL dump")
    rt, person_id, referral_id = _world(engine, tmp_path)
    secrets = _secrets()
    assert len(secrets["iin"]) == SPEC.persons + len(QUEUED)
    assert secrets["institution"]
    dump = _dump(engine)
    assert b"persons" in dump
    assert len(dump) > 100_000
    for kind, values in secrets.items():
        leaked = sorted(v for v in values if v.encode() in dump)
        assert not leaked, f"{kind} in clear: {leaked[:5]}"
    # and every value is still there for those with the key
    with rt.session() as session:
        row = session.get(Person, person_id)
        assert row is not None
        plan = versions.latest(session, person_id, protector=rt.protector)
        events = store.history(session, [referral_id], protector=rt.protector)[referral_id]
    record = next(r for r in generate(SPEC).persons() if r["person_id"] == person_id)
    support = sealed.open_support(rt.protector, row.support_cipher)
    assert support.institution == record.get("institution")
    assert plan is not None
    assert plan.version == 3
    assert any(a.get("note") == ACTION_NOTE for a in plan.body["actions"])
    assert any(a.get("responsible_name") == RESPONSIBLE_NAME for a in plan.body["actions"])
    assert any(a["params"].get("text") == MANUAL_TEXT for a in plan.body["actions"])
    assert [e.note for e in events] == [REFERRAL_NOTE]
    with rt.session() as session:
        (job_id,) = session.scalars(sa.select(col(JobUpload.job_id))).all()
        queued = jobs.take_upload(session, job_id, rt.protector)
    assert queued == csv_bytes(QUEUED)


def test_sealed_support_documents_have_one_length(engine: Engine, tmp_path: Path) -> None:
    """The length of the ciphertext says nothing of who has an institution, a claim or ties."""
    rt = _runtime(engine, tmp_path)
    plain = sealed.seal_support(rt.protector, {})
    full = sealed.seal_support(
        rt.protector,
        {"institution": "УК-161/2 Атырауская", "civil_claim_kzt": 12_500_000,
         "family_ties": "supportive", "need_housing": True, "has_disability": True},
    )  # fmt: skip
    assert len(plain) == len(full)
    assert sealed.open_support(rt.protector, full).civil_claim_kzt == 12_500_000
    assert sealed.open_support(rt.protector, None) == sealed.Support()


def test_the_caseload_filters_by_need_through_the_sealed_documents(
    engine: Engine, tmp_path: Path
) -> None:
    rt = _runtime(engine, tmp_path)
    with rt.writing() as session:
        spec = DemoSpec(seed=3, as_of=TODAY, vacancies=10, courses=2, persons=130)
        demo.build(session, spec, protector=rt.protector)
        session.commit()
        rows = session.scalars(sa.select(Person)).all()
        support = {r.person_id: sealed.open_support(rt.protector, r.support_cipher) for r in rows}
    actor = Actor.command("test")
    for needs in (("housing",), ("documents", "medical_commission")):
        expected = {p for p, s in support.items() if all(getattr(s, f"need_{n}") for n in needs)}
        assert 0 < len(expected) < len(support)
        first = caseload.caseload(rt, actor, caseload.Filters(needs=needs), today=TODAY)
        assert first.total == len(expected)
        assert first.pages == -(-len(expected) // caseload.PAGE_SIZE)
        seen = []
        for page in range(1, first.pages + 1):
            found = caseload.caseload(rt, actor, caseload.Filters(needs=needs), page=page)
            seen += [case.person_id for case in found.cases]
        assert len(seen) == len(set(seen))
        assert set(seen) == expected
        ordered = sorted(
            (r for r in rows if r.person_id in expected),
            key=lambda r: (r.release_date is None, r.release_date or TODAY, r.person_id),
        )
        assert seen == [r.person_id for r in ordered]  # soonest release first, as unfiltered


# --- migration 0011 ---------------------------------------------------------------------------

PERSON_0010 = (
    "INSERT INTO persons (person_id, iin_hash, iin_cipher, full_name_cipher, offence_cipher,"
    " kato, region_kato, lat, lon, status, probation_kind, institution, professions, skills,"
    " experience_years, languages, has_driving_licence, need_housing, need_documents,"
    " need_medical_commission, need_psychological, need_addiction_treatment, need_legal_aid,"
    " has_disability, civil_claim_kzt, family_ties, wants_training, relocation_ok,"
    " max_commute_km, consent_employer_view) VALUES (:id, :hash, :iin, :name, :offence,"
    " '471010000', '470000000', 43.65, 51.17, 'in_custody', 'post_penitentiary', :institution,"
    " '[]', '[]', 0, '[]', false, :housing, false, true, false, :addiction, false, :disability,"
    " :claim, :ties, false, false, 30, false)"
)


def _at_0010(engine: Engine, protector: Protector) -> None:
    """A database written before 0011: clear support columns, plan body and note."""
    db.upgrade(engine, "0010")
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO key_fingerprint (id, fingerprint) VALUES (1, :f)"),
            {"f": protector.fingerprint()},
        )
        for n, (institution, housing, claim, ties) in enumerate(
            [("ЕЦ-166/23", True, 2_000_000, "tense"), (None, False, 0, None)], start=1
        ):
            connection.execute(
                sa.text(PERSON_0010),
                {"id": f"M{n}", "hash": protector.lookup_hash(f"90010130012{n}"),
                 "iin": protector.encrypt(f"90010130012{n}"),
                 "name": protector.encrypt("Ахметов Ерлан"), "offence": protector.encrypt("theft"),
                 "institution": institution, "housing": housing, "addiction": n == 1,
                 "disability": n == 2, "claim": claim, "ties": ties},
            )  # fmt: skip
        connection.execute(
            sa.text(
                "INSERT INTO plan_versions (person_id, version, change, author, body)"
                " VALUES ('M1', 1, 'generated', 'cli', :body)"
            ).bindparams(sa.bindparam("body", type_=sa.JSON())),
            {"body": {"version": 1, "actions": [{"id": "a1", "note": ACTION_NOTE}]}},
        )
        connection.execute(
            sa.text(
                "INSERT INTO referrals (id, person_id, item_kind, item_id, region_kato, state,"
                " place, source, sent_on, state_on, clock_step, created_by) VALUES (7, 'M1',"
                " 'vacancy', 'V1', '470000000', 'sent', 'held', 'shortlist', '2026-11-02',"
                " '2026-11-02', 0, 'cli')"
            )
        )
        connection.execute(
            sa.text(
                'INSERT INTO referral_events (referral_id, to_state, "on", actor, note)'
                " VALUES (7, 'sent', '2026-11-02', 'cli', :note)"
            ),
            {"note": REFERRAL_NOTE},
        )


def _read(engine: Engine, protector: Protector) -> dict[str, Any]:
    with db.session_scope(engine) as session:
        people = session.scalars(sa.select(Person).order_by(col(Person.person_id))).all()
        plan = versions.latest(session, "M1", protector=protector)
        (event,) = store.history(session, [7], protector=protector)[7]
        return {
            "support": [asdict(sealed.open_support(protector, p.support_cipher)) for p in people],
            "engine": [engine_person(p, protector).institution for p in people],
            "plan": None if plan is None else plan.body,
            "note": event.note,
        }


def test_0011_encrypts_the_rows_already_there_and_keeps_every_value(
    engine: Engine, tmp_path: Path
) -> None:
    protector = Protector(KEY.encode())
    _at_0010(engine, protector)
    db.upgrade(engine, protector=protector)
    found = _read(engine, protector)
    first = sealed.Support(
        institution="ЕЦ-166/23", need_housing=True, need_medical_commission=True,
        need_addiction_treatment=True, civil_claim_kzt=2_000_000, family_ties="tense",
    )  # fmt: skip
    second = sealed.Support(need_medical_commission=True, has_disability=True)
    assert found["support"] == [asdict(first), asdict(second)]
    assert found["engine"] == ["ЕЦ-166/23", None]
    assert found["plan"] == {"version": 1, "actions": [{"id": "a1", "note": ACTION_NOTE}]}
    assert found["note"] == REFERRAL_NOTE
    with engine.connect() as connection:
        persons = {c["name"] for c in sa.inspect(connection).get_columns("persons")}
        assert not persons & set(NEED_WORDS)
    dump = _dump(engine) if engine.dialect.name == "sqlite" or shutil.which("pg_dump") else b""
    for value in ("ЕЦ-166/23", ACTION_NOTE, REFERRAL_NOTE):
        assert value.encode() not in dump
    # the process that opens it next finds it under its key, and a rotation reads it all
    _runtime(engine, tmp_path).ready()
    new = Protector(b"the-next-key-of-this-database-42")
    with db.session_scope(engine, write=True) as session:
        keys.rotate(session, old=protector, new=new, actor=Actor.command("key rotate"))
        session.commit()
    assert _read(engine, new) == found


def test_0011_downgrades_by_decrypting(engine: Engine, tmp_path: Path) -> None:
    protector = Protector(KEY.encode())
    _at_0010(engine, protector)
    db.upgrade(engine, protector=protector)
    with engine.begin() as connection:
        db.downgrade(connection, "0010", protector=protector)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT institution, need_housing, need_addiction_treatment, has_disability,"
                " civil_claim_kzt, family_ties FROM persons ORDER BY person_id"
            )
        ).all()
        body = connection.execute(sa.text("SELECT body FROM plan_versions")).scalar_one()
        note = connection.execute(sa.text("SELECT note FROM referral_events")).scalar_one()
    assert [tuple(r) for r in rows] == [
        ("ЕЦ-166/23", True, True, False, 2_000_000, "tense"),
        (None, False, False, True, 0, None),
    ]
    stored = body if isinstance(body, dict) else json.loads(body)
    assert stored["actions"][0]["note"] == ACTION_NOTE
    assert note == REFERRAL_NOTE


def test_0011_refuses_a_key_that_is_not_the_databases(engine: Engine) -> None:
    _at_0010(engine, Protector(KEY.encode()))
    with pytest.raises(Exception, match="another secret key"):
        db.upgrade(engine, protector=Protector(b"some-other-key-0123456789abcdef"))
    with engine.connect() as connection:
        assert db.current_revision(connection) == "0010"
        institution = connection.execute(
            sa.text("SELECT institution FROM persons WHERE person_id = 'M1'")
        ).scalar_one()
    assert institution == "ЕЦ-166/23"


def test_no_plan_body_or_note_column_is_left_in_clear() -> None:
    """Every column that holds a plan, a note or support data is a ``*_cipher`` column, so
    ``matcher key rotate`` re-encrypts it."""
    plan = set(PlanVersion.__table__.columns.keys())  # type: ignore[attr-defined]
    event = set(ReferralEvent.__table__.columns.keys())  # type: ignore[attr-defined]
    assert "body_cipher" in plan
    assert "body" not in plan
    assert "note_cipher" in event
    assert "note" not in event
    assert keys.protected_columns(Person.__table__)[0] == [  # type: ignore[attr-defined]
        "iin_cipher", "full_name_cipher", "offence_cipher", "support_cipher",
    ]  # fmt: skip
