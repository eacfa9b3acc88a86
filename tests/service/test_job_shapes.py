"""A job row stored in a shape this version does not read (an earlier version's result or
error, a row edited by hand, on SQLite even to text that is not JSON) is never a 500 on ``GET /jobs/{id}``: a result or an error that
does not fit is answered as not shown, with the job's state and an error ``stored_unreadable``
naming the fields, valid against the served schema; a row whose kind, state or progress fits
no shape is a 409 ``job_unreadable`` that names them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.app import create_app
from service.runtime import Runtime
from service.store import tokens
from service.store.tables import Job, utcnow
from tests.dbutil import backend_url
from tests.service.test_api_job_types import job_errors
from tests.test_messages import latin_words

NOT_JSON = "{not json"
"""A cell's text as a hand edit may leave it: not JSON at all."""
SQLITE_ONLY = pytest.mark.skipif(
    backend_url() is not None,
    reason="PostgreSQL refuses text that is not JSON in a json column at write: "
    "only SQLite can hold such a cell",
)
OLD_ALLOCATION = {"proposal": [{"person": "P00001", "place": "V00001"}], "ratio": 0.9}
"""An allocation's result as no version of the API answers it (no ``assignments``/``summary``)."""


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return create_app(runtime=Runtime.__new__(Runtime)).openapi()


@pytest.fixture
def admin(session: Session) -> str:
    token = tokens.create(session, role="admin")[0]
    session.commit()
    return token


@pytest.fixture
def read(runtime: Runtime, admin: str, session: Session):  # type: ignore[no-untyped-def]
    """Store a finished job row as given and read it through the API in ``lang``."""
    client = TestClient(create_app(runtime))

    def stored_and_read(lang: str = "en", text: dict[str, str] | None = None, **row: Any) -> Any:
        """``text``: cells then overwritten with this text as it is (a hand edit)."""
        finished = utcnow()
        job = Job(
            id=uuid.uuid4().hex,
            params={"lang": "en", "backend": "inline"},
            created_by="cli",
            started_at=finished - timedelta(seconds=3),
            finished_at=finished,
            **row,
        )
        session.add(job)
        session.commit()
        job_id = job.id
        for column, stored in (text or {}).items():
            update = sa.text(f"UPDATE jobs SET {column} = :stored WHERE id = :id")
            session.execute(update, {"stored": stored, "id": job_id})
        session.commit()
        headers = {"Authorization": f"Bearer {admin}", "Accept-Language": lang}
        return client.get(f"/api/v1/jobs/{job_id}", headers=headers)

    return stored_and_read


def test_an_old_result_is_answered_as_not_shown_with_the_jobs_state(read, openapi) -> None:  # type: ignore[no-untyped-def]
    answer = read(kind="allocation", state="succeeded", progress=1.0, result=OLD_ALLOCATION)
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert (job["kind"], job["state"], job["progress"], job["result"]) == (
        "allocation", "succeeded", 1.0, None,
    )  # fmt: skip
    assert job["error"]["code"] == "stored_unreadable"
    assert "run the job again" in job["error"]["message"]
    columns = {detail["column"] for detail in job["error"]["details"]}
    assert {"result.assignments", "result.summary"} <= columns
    assert {detail["code"] for detail in job["error"]["details"]} >= {"missing"}
    assert job_errors(openapi, job) == []


@pytest.mark.parametrize(
    "error",
    [{"msg": "boom", "trace": ["x"]}, "boom", [{"code": "internal"}], {"code": 7, "message": None}],
)
def test_an_error_of_another_shape_is_answered_as_not_shown(read, openapi, error: object) -> None:  # type: ignore[no-untyped-def]
    answer = read(kind="retrain", state="failed", progress=0.4, error=error)
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert (job["state"], job["progress"], job["result"]) == ("failed", 0.4, None)
    assert job["error"]["code"] == "stored_unreadable"
    assert all(d["column"].startswith("error") for d in job["error"]["details"])
    assert job_errors(openapi, job) == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_note_is_in_the_readers_language(read, lang: str) -> None:  # type: ignore[no-untyped-def]
    job = read(lang, kind="import", state="succeeded", progress=1.0, result={"rows": "all"}).json()
    assert job["error"]["code"] == "stored_unreadable"
    assert latin_words(job["error"]["message"]) == []
    assert all(latin_words(d["message"]) == [] for d in job["error"]["details"])


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"kind": "simulation", "state": "succeeded", "progress": 1.0}, "kind"),
        ({"kind": "retrain", "state": "paused", "progress": 0.5}, "state"),
        ({"kind": "import", "state": "running", "progress": 1.5}, "progress"),
    ],
)
def test_a_row_that_fits_no_shape_is_a_409_that_names_the_field(read, row, column: str) -> None:  # type: ignore[no-untyped-def]
    answer = read("ru", result={"x": 1}, **row)
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "job_unreadable"
    assert "сохранено в виде" in error["message"]
    assert column in {detail["column"] for detail in error["details"]}


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"kind": "allocation", "state": "succeeded", "progress": 1.0}, "result"),
        ({"kind": "retrain", "state": "failed", "progress": 0.4}, "error"),
        ({"kind": "import", "state": "succeeded", "progress": 1.0}, "params"),
    ],
)
def test_a_cell_that_is_not_json_is_not_a_500(read, openapi, row, column: str) -> None:  # type: ignore[no-untyped-def]
    answer = read("kk", text={column: NOT_JSON}, **row)
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert (job["kind"], job["state"], job["progress"]) == (
        row["kind"], row["state"], row["progress"],
    )  # fmt: skip
    assert job_errors(openapi, job) == []
    if column == "params":  # not answered: the job reads as it was stored
        assert job["error"] is None
        return
    assert job["result"] is None
    assert job["error"]["code"] == "stored_unreadable"
    assert latin_words(job["error"]["message"]) == []
    assert {detail["column"].split(".")[0] for detail in job["error"]["details"]} == {column}


@SQLITE_ONLY
def test_a_stale_job_with_a_cell_that_is_not_json_is_marked_abandoned(read) -> None:  # type: ignore[no-untyped-def]
    beaten = utcnow() - timedelta(minutes=5)
    row = {"kind": "retrain", "state": "running", "progress": 0.3, "heartbeat_at": beaten}
    answer = read(text={"error": NOT_JSON, "params": NOT_JSON}, **row)
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert (job["state"], job["error"]["code"]) == ("failed", "abandoned")


def test_a_job_of_the_current_shape_is_answered_as_stored(read) -> None:  # type: ignore[no-untyped-def]
    error = {"code": "internal", "message": "boom", "details": []}
    job = read(kind="retrain", state="failed", progress=0.2, error=error).json()
    assert job["error"] == error
    assert job["result"] is None
