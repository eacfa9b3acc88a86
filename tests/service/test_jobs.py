"""Long work as jobs: ``202`` with a job to poll, the same result the synchronous use case
gives, errors recorded, abandoned jobs marked failed, a job read only by its maker or an admin.
On the suite's one-connection runtime jobs run at submit time; the last tests run the real
backends (a child process of the server on a SQLite file, procrastinate with a worker on
PostgreSQL)."""

from __future__ import annotations

import io
import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from catalogs.demo import DemoSpec
from service.api.app import create_app
from service.api.routes import data as data_routes
from service.config import Settings
from service.jobs import child, queue, store, tasks
from service.runtime import Runtime
from service.store import db, demo, tokens
from service.store.protect import UPLOAD_CHUNK, UPLOAD_MAGIC, Protector
from service.store.tables import Job, JobUpload, Person, Vacancy, utcnow
from service.usecases import allocation
from service.usecases.actor import Actor
from tests.dbutil import backend_url, scratch_engine
from tests.factories import csv_bytes, person, vacancy

Headers = dict[str, str]
TEST_SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def world(runtime: Runtime, session: Session) -> dict[str, str]:
    """A small demo database and a token for each of two officers and an admin."""
    demo.build(
        session,
        DemoSpec(seed=7, as_of=date.today(), vacancies=200, courses=20, persons=80),
        protector=runtime.protector,
    )
    made = {
        name: tokens.create(session, role=role)[0]
        for name, role in (("officer", "officer"), ("other", "officer"), ("admin", "admin"))
    }
    session.commit()
    return made


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def as_role(world: dict[str, str]) -> Callable[[str], Headers]:
    def headers(name: str) -> Headers:
        return {"Authorization": f"Bearer {world[name]}", "Accept-Language": "en"}

    return headers


def wait_for(client: TestClient, url: str, headers: Headers, seconds: float = 60) -> Any:
    """Poll a job until it has finished."""
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        job = answer.json()
        if job["state"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_an_allocation_is_a_job_with_the_synchronous_result(
    client: TestClient, as_role: Callable[[str], Headers], session: Session, runtime: Runtime
) -> None:
    person = session.exec(select(Person).where(Person.release_date != None)).first()  # noqa: E711
    assert person is not None
    body = {"kato": person.region_kato, "release_from": "2020-01-01", "release_to": "2030-12-31"}
    answer = client.post("/api/v1/allocations", json=body, headers=as_role("officer"))
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    assert set(accepted) == {"job_id", "state", "url"}
    assert answer.headers["Location"] == accepted["url"] == f"/api/v1/jobs/{accepted['job_id']}"
    job = wait_for(client, accepted["url"], as_role("officer"))
    assert job["state"] == "succeeded", job
    assert job["kind"] == "allocation"
    assert job["progress"] == 1.0
    assert job["error"] is None
    assert None not in (job["created_at"], job["started_at"], job["finished_at"])
    officer = Actor(role="officer")
    expected, _ = allocation.run(
        runtime,
        officer,
        kato=person.region_kato,
        release_from=date(2020, 1, 1),
        release_to=date(2030, 12, 31),
    )
    synchronous = json.loads(json.dumps(expected.as_dict("en")))
    for answer_ in (synchronous, job["result"]):
        answer_["summary"].pop("seconds")  # how long it took differs, nothing else
    assert job["result"] == synchronous
    assert job["result"]["assignments"]


def test_a_bad_allocation_is_refused_at_once_never_queued(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    body = {"kato": "471010000", "release_from": "2020-01-01", "release_to": "2030-12-31"}
    answer = client.post("/api/v1/allocations", json=body, headers=as_role("officer"))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "allocate_bad_region"
    assert session.exec(select(Job)).all() == []


def test_a_failing_job_is_failed_with_its_error(
    client: TestClient,
    as_role: Callable[[str], Headers],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    bad = csv_bytes([vacancy(10), vacancy(11, salary_kzt="lots")])
    headers = {**as_role("admin"), "Content-Type": "text/csv"}
    answer = client.post("/api/v1/imports/vacancies", content=bad, headers=headers)
    assert answer.status_code == 202, answer.text
    job = wait_for(client, answer.json()["url"], as_role("admin"))
    assert job["state"] == "failed"
    assert job["result"] is None
    assert job["error"]["code"] == "import_rejected"
    assert job["error"]["message"].startswith("nothing imported")
    detail = job["error"]["details"][0]
    assert (detail["line"], detail["column"]) == (3, "salary_kzt")
    assert session.get(Vacancy, "V00010") is None
    assert session.scalar(sa.select(sa.func.count()).select_from(JobUpload)) == 0

    def crash(*_args: object) -> dict[str, object]:
        raise RuntimeError("the solver ran out of memory")

    monkeypatch.setitem(tasks.KINDS, "retrain", crash)
    answer = client.post("/api/v1/model/retrain", headers=as_role("admin"))
    assert answer.status_code == 202
    job = wait_for(client, answer.json()["url"], as_role("admin"))
    assert job["state"] == "failed"
    assert job["error"]["code"] == "internal"
    assert job["error"]["details"][0]["message"] == "the solver ran out of memory"


def test_a_small_import_stays_synchronous_and_a_large_one_is_a_job(
    client: TestClient,
    as_role: Callable[[str], Headers],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = csv_bytes([vacancy(n) for n in range(1, 4)])
    headers = {**as_role("admin"), "Content-Type": "text/csv"}
    answer = client.post("/api/v1/imports/vacancies", content=good, headers=headers)
    assert answer.status_code == 200
    synchronous = answer.json()
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    answer = client.post("/api/v1/imports/vacancies", content=good, headers=headers)
    assert answer.status_code == 202
    job = wait_for(client, answer.json()["url"], as_role("admin"))
    assert job["state"] == "succeeded"
    assert job["result"] == {**synchronous, "inserted": 0, "updated": 3}
    assert client.post("/api/v1/imports/rockets", content=good, headers=headers).status_code == 404
    assert session.exec(select(Job).where(Job.kind == "import")).all()[0].state == "succeeded"


def test_an_abandoned_job_is_marked_failed(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    long_ago = utcnow() - timedelta(minutes=5)

    def stored(state: str, backend: str, beat: Any) -> str:
        job = Job(
            id=uuid.uuid4().hex,
            kind="retrain",
            state=state,
            params={"lang": "en", "backend": backend},
            created_by="cli",
            heartbeat_at=beat,
        )
        session.add(job)
        session.commit()
        return job.id

    dead = stored("running", "procrastinate", long_ago)
    orphan = stored("queued", "in-process", long_ago)
    waiting = stored("queued", "procrastinate", None)
    alive = stored("running", "procrastinate", utcnow())
    read = {
        job_id: client.get(f"/api/v1/jobs/{job_id}", headers=as_role("admin")).json()
        for job_id in (dead, orphan, waiting, alive)
    }
    assert read[dead]["state"] == read[orphan]["state"] == "failed"
    assert read[dead]["error"]["code"] == "abandoned"
    assert "stopped without finishing" in read[dead]["error"]["message"]
    assert read[dead]["finished_at"] is not None
    assert read[waiting]["state"] == "queued"
    assert read[alive]["state"] == "running"


def test_another_officer_cannot_read_my_job(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    person = session.exec(select(Person).where(Person.release_date != None)).first()  # noqa: E711
    assert person is not None
    body = {"kato": person.region_kato, "release_from": "2020-01-01", "release_to": "2030-12-31"}
    url = client.post("/api/v1/allocations", json=body, headers=as_role("officer")).json()["url"]
    other = client.get(url, headers=as_role("other"))
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "unknown_job"
    assert client.get(url, headers=as_role("admin")).status_code == 200
    assert client.get(url, headers=as_role("officer")).status_code == 200
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/jobs/0123abcd", headers=as_role("admin")).status_code == 404


# the real backends, on a database of their own (committed, not rolled back)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Runtime, Headers]]:
    """A runtime on its own engine (not one connection), with an admin token."""
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        settings = Settings(home=tmp_path, secret_key=TEST_SECRET, lang="en")
        rt = Runtime(settings, engine, _ready=True)
        with rt.session() as session:
            secret = tokens.create(session, role="admin")[0]
            session.commit()
        yield rt, {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.mark.skipif(backend_url() is not None, reason="the SQLite backend")
def test_sqlite_runs_a_job_in_a_child_process(
    live: tuple[Runtime, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, headers = live
    assert child.applies(rt)
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)

    def not_here(*_args: object) -> dict[str, object]:
        raise AssertionError("the import ran in the serving process")

    # what this process runs is broken; the child, a fresh interpreter, runs the real code
    monkeypatch.setitem(tasks.KINDS, "import", not_here)
    rows = [person(n) for n in range(1, 6)]
    with TestClient(create_app(rt)) as client:
        answer = client.post(
            "/api/v1/imports/persons",
            content=csv_bytes(rows),
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert answer.status_code == 202
        assert answer.json()["state"] in ("queued", "running", "succeeded")
        job = wait_for(client, answer.json()["url"], headers)
    assert job["state"] == "succeeded", job
    assert job["result"]["inserted"] == 5
    assert job["progress"] == 1.0
    # the child had this runtime's database and secret key (not those of the environment)
    with rt.session() as session:
        stored = session.exec(select(Person)).all()
        assert len(stored) == 5
        assert {rt.protector.decrypt(p.full_name_cipher) for p in stored} == {rows[0]["full_name"]}
        assert {p.iin_hash for p in stored} == {rt.protector.lookup_hash(r["iin"]) for r in rows}
        assert session.scalar(sa.select(sa.func.count()).select_from(JobUpload)) == 0


def _slow_import(rows: int = 20_000) -> bytes:
    """A vacancy import that runs for seconds (SQLite holds its write lock to the end)."""
    return csv_bytes([vacancy(n) for n in range(1, rows + 1)])


def _until_running(rt: Runtime, job_id: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with rt.session() as session:
            state = session.scalar(sa.select(Job.state).where(Job.id == job_id))
        assert state in ("queued", "running"), state
        if state == "running":
            return
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not start in {seconds} s")


@pytest.mark.skipif(backend_url() is not None, reason="the SQLite backend")
def test_a_killed_job_process_fails_its_job_at_once(
    live: tuple[Runtime, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, headers = live
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    with TestClient(create_app(rt)) as client:
        answer = client.post(
            "/api/v1/imports/vacancies",
            content=_slow_import(),
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert answer.status_code == 202
        job_id = answer.json()["job_id"]
        _until_running(rt, job_id)
        process = queue.pool(rt).children[job_id]
        assert process.pid != os.getpid()
        os.kill(process.pid, signal.SIGKILL)
        job = wait_for(client, answer.json()["url"], headers, seconds=30)
    assert job["state"] == "failed", job
    assert job["error"]["code"] == "abandoned"
    assert "stopped without finishing" in job["error"]["message"]
    assert job["error"]["details"] == [
        {"code": "process_ended", "message": "the job's process ended with signal SIGKILL"}
    ]
    assert job["finished_at"] is not None
    with rt.session() as session:  # the import's transaction died with it
        assert session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(JobUpload)) == 0


@pytest.mark.skipif(backend_url() is not None, reason="the SQLite backend")
def test_a_job_whose_process_and_server_are_gone_stops_beating_and_is_abandoned(
    live: tuple[Runtime, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, _ = live
    admin = Actor(role="admin")
    with rt.writing() as session:
        job = store.create(
            session,
            kind="import",
            params={
                "kind": "vacancies",
                "format": "csv",
                "dry_run": False,
                "lang": "en",
                "actor": tasks.actor_params(admin),
            },
            created_by=admin.author,
            backend="in-process",
            upload=_slow_import(),
            protector=rt.protector,
        )
    process = child.start(rt, job.id)  # no server waits for it
    _until_running(rt, job.id)
    process.kill()
    assert process.wait() == -signal.SIGKILL
    with rt.session() as session:
        assert session.scalar(sa.select(Job.state).where(Job.id == job.id)) == "running"
    assert tasks.reap(rt) == 0  # it beat a moment ago
    monkeypatch.setattr(store, "ABANDONED_AFTER", timedelta(0))
    assert tasks.reap(rt) == 1
    with rt.session() as session:
        ended = session.exec(select(Job).where(Job.id == job.id)).one()
        assert ended.state == "failed"
        assert (ended.error or {}).get("code") == "abandoned"


@pytest.mark.skipif(backend_url() is None, reason="the PostgreSQL backend")
def test_postgresql_queues_jobs_for_a_procrastinate_worker(
    live: tuple[Runtime, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.jobs import procrastinate_app

    rt, headers = live
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    good = csv_bytes([vacancy(n) for n in range(1, 6)])
    try:
        with TestClient(create_app(rt)) as client:
            answer = client.post(
                "/api/v1/imports/vacancies",
                content=good,
                headers={**headers, "Content-Type": "text/csv"},
            )
            assert answer.status_code == 202
            url = answer.json()["url"]
            assert client.get(url, headers=headers).json()["state"] == "queued"
            procrastinate_app.run_worker(rt, wait=False, install_signal_handlers=False)
            job = client.get(url, headers=headers).json()
    finally:
        procrastinate_app.close_deferrers()
    assert job["state"] == "succeeded", job
    assert job["result"]["inserted"] == 5
    assert job["started_at"] <= job["finished_at"]


@pytest.mark.skipif(backend_url() is None, reason="the PostgreSQL backend")
def test_a_server_can_run_the_worker_itself(
    live: tuple[Runtime, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.jobs import procrastinate_app

    rt, headers = live
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"worker_in_server": True}))
    good = csv_bytes([vacancy(n) for n in range(1, 4)])
    try:
        with TestClient(create_app(rt)) as client:
            answer = client.post(
                "/api/v1/imports/vacancies",
                content=good,
                headers={**headers, "Content-Type": "text/csv"},
            )
            assert answer.status_code == 202
            job = wait_for(client, answer.json()["url"], headers, seconds=30)
    finally:
        procrastinate_app.close_deferrers()
    assert job["state"] == "succeeded", job
    assert job["result"]["inserted"] == 3


# --- a queued import's body, sealed at rest --------------------------------------------


@pytest.mark.parametrize("size", [0, 5, UPLOAD_CHUNK, 2 * UPLOAD_CHUNK + 5])
def test_an_upload_body_is_sealed_in_chunks_and_read_back(size: int) -> None:
    protector = Protector(b"k" * 32)
    clear = os.urandom(size)
    from_bytes = protector.seal_upload(clear)
    from_stream = protector.seal_upload(io.BytesIO(clear))
    assert from_bytes != from_stream  # a fresh nonce each time
    chunks = max(1, -(-size // UPLOAD_CHUNK))
    assert len(from_bytes) == len(UPLOAD_MAGIC) + size + chunks * 28
    assert protector.open_upload(from_bytes) == clear
    assert protector.open_upload(from_stream) == clear
    with pytest.raises(ValueError, match="another key"):
        Protector(b"o" * 32).open_upload(from_bytes)


def test_a_changed_cut_or_reordered_upload_body_is_refused() -> None:
    protector = Protector(b"k" * 32)
    clear = os.urandom(3 * UPLOAD_CHUNK)
    sealed = bytes(protector.seal_upload(clear))
    piece = 12 + UPLOAD_CHUNK + 16
    head, rest = sealed[: len(UPLOAD_MAGIC)], sealed[len(UPLOAD_MAGIC) :]
    first, second, third = rest[:piece], rest[piece : 2 * piece], rest[2 * piece :]
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    for bad in (bytes(flipped), head + first + second, head + second + first + third):
        with pytest.raises(ValueError, match="another key"):
            protector.open_upload(bad)
    with pytest.raises(ValueError, match="not a sealed body"):
        protector.open_upload(clear)


def test_a_queued_import_keeps_its_body_sealed_until_it_runs(runtime: Runtime) -> None:
    body = csv_bytes([person(70), person(71, full_name="Серікбаев Дәулет Асқарұлы")])
    with runtime.writing() as session:
        job = store.create(
            session, kind="import", params={"kind": "persons"}, created_by="test",
            backend="procrastinate", upload=body, protector=runtime.protector,
        )  # fmt: skip
    with runtime.session() as session:
        query = sa.select(col(JobUpload.body)).where(col(JobUpload.job_id) == job.id)
        stored = session.scalar(query)
        assert stored is not None
        assert "Серікбаев".encode() not in stored
        assert person(70)["iin"].encode() not in stored
        assert store.take_upload(session, job.id, runtime.protector) == body
    with runtime.writing() as session, pytest.raises(ValueError, match="protector"):
        store.create(
            session, kind="import", params={}, created_by="test", backend="procrastinate",
            upload=body,
        )  # fmt: skip
