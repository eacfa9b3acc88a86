"""A job's result and error are described field by field in the OpenAPI schema: ``GET /jobs/{id}``
answers one shape per kind of job, told apart by ``kind`` (an import's report, an allocation's
proposal and summary, a retraining's outcome and card), each part with its description. The JSON
stays what the use cases give: a real import, allocation and retraining run as jobs through the
API on the demo answer the same names, values and JSON types (an integer stays an integer) as
the use cases themselves, and are valid against the served schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.api.app import create_app
from service.api.routes import data as data_routes
from service.runtime import Runtime
from service.store import modelstore, tokens
from service.store.tables import ModelVersion, Person
from service.usecases import allocation
from service.usecases.actor import Actor
from tests import outcome_world
from tests.factories import csv_bytes, vacancy
from tests.test_api_schema_types import differences

TODAY = date.today()
Headers = dict[str, str]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return create_app(runtime=Runtime.__new__(Runtime)).openapi()


def job_errors(openapi: dict[str, Any], answer: object) -> list[str]:
    """Where ``answer`` breaks the served schema of ``GET /jobs/{job_id}``'s answer."""
    found = openapi["paths"]["/api/v1/jobs/{job_id}"]["get"]["responses"]["200"]
    schema = {**found["content"]["application/json"]["schema"], "components": openapi["components"]}  # fmt: skip
    validator = jsonschema_rs.Draft202012Validator(schema)
    return [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(answer)]


def _component(openapi: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = openapi["components"]["schemas"][name]
    return found


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


JOBS = {"allocation": "AllocationJob", "retrain": "RetrainJob", "import": "ImportJob"}
RESULTS = {
    "AllocationJob": "AllocationOut",
    "RetrainJob": "RetrainOut",
    "ImportJob": "ImportResult",
}
SHAPES = [
    "ImportResult", "AllocationOut", "AllocationSummary", "KindSummary", "Guard", "RetrainOut",
    "Refusal", "JobError", "Reason", "Audit", "GroupFigures", "Ratio", "Gates",
    "RankerCard",
]  # fmt: skip


def test_a_jobs_result_is_described_by_its_kind(openapi: dict[str, Any]) -> None:
    found = openapi["paths"]["/api/v1/jobs/{job_id}"]["get"]["responses"]["200"]
    answer = found["content"]["application/json"]["schema"]
    assert answer["oneOf"] == [_ref(name) for name in JOBS.values()]
    mapping = {kind: _ref(name)["$ref"] for kind, name in JOBS.items()}
    assert answer["discriminator"] == {"propertyName": "kind", "mapping": mapping}
    for kind, name in JOBS.items():
        job = _component(openapi, name)
        assert job["properties"]["kind"]["const"] == kind
        assert {"anyOf": [_ref(RESULTS[name]), {"type": "null"}]}.items() <= job["properties"]["result"].items()  # fmt: skip
        assert list(job["properties"]) == [
            "id", "kind", "state", "progress", "result", "error", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip
        assert all(field.get("description") for field in job["properties"].values()), name
    for name in SHAPES:
        shape = _component(openapi, name)
        assert shape.get("description"), name
        assert shape["properties"], name
        assert all(shape["properties"].values()), name  # none left open
        undescribed = [key for key, field in shape["properties"].items() if not field.get("description")]  # fmt: skip
        # keys that are not names (``ndcg@10``) are described in their shape's description
        assert [key for key in undescribed if key not in shape["description"]] == [], name
    summary = _component(openapi, "AllocationOut")["properties"]["summary"]
    assert _ref("AllocationSummary").items() <= summary.items()
    assert (
        _ref("ModelCard").items() <= _component(openapi, "RetrainOut")["properties"]["card"].items()
    )
    entry = _component(openapi, "KindEntry")["properties"]
    assert entry["refused"]["items"] == _ref("Reason")
    assert entry["fairness"]["additionalProperties"] == _ref("Audit")
    assert _ref("RankerCard").items() <= entry["model"].items()
    card = _component(openapi, "ModelCard")["properties"]
    assert _ref("Gates") in card["gates"]["anyOf"]
    assert _component(openapi, "Gates")["properties"]["ndcg@10"]["type"] == "string"
    assert _component(openapi, "Reason")["required"] == ["code"]


@pytest.fixture
def world(runtime: Runtime, session: Session, tmp_path: Path, run) -> Runtime:  # type: ignore[no-untyped-def]
    """The demo and a history of outcomes in which some employers keep people."""
    outcome_world.demo_with_history(session, runtime.protector, tmp_path, run, TODAY)
    return runtime


def _finished(client: TestClient, answer: Any, headers: Headers) -> dict[str, Any]:
    """The job a ``202`` answer queued, once finished (the suite's runtime runs it at once)."""
    assert answer.status_code == 202, answer.text
    for _ in range(600):
        job: dict[str, Any] = client.get(answer.json()["url"], headers=headers).json()
        if job["state"] in ("succeeded", "failed"):
            return job
    raise AssertionError(f"the job did not finish: {job}")


def test_three_real_jobs_answer_as_their_use_cases_and_as_the_schema_says(
    world: Runtime,
    session: Session,
    openapi: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = tokens.create(session, role="admin")[0]
    officer = tokens.create(session, role="officer")[0]
    session.commit()
    client = TestClient(create_app(world))
    as_admin: Headers = {"Authorization": f"Bearer {admin}", "Accept-Language": "en"}
    as_officer: Headers = {"Authorization": f"Bearer {officer}", "Accept-Language": "en"}

    def answered(job: dict[str, Any]) -> None:
        assert job_errors(openapi, job) == [], job["kind"]

    # an import: its result is the synchronous answer; a rejected one lists its bad rows
    monkeypatch.setattr(data_routes, "LARGE_IMPORT", 10)
    good = csv_bytes([vacancy(n) for n in range(1, 4)])
    as_csv = {**as_admin, "Content-Type": "text/csv"}
    job = _finished(client, client.post("/api/v1/imports/vacancies", content=good, headers=as_csv), as_admin)  # fmt: skip
    expected = {"kind": "vacancies", "ok": True, "dry_run": False, "rows": 3, "inserted": 3, "updated": 0}  # fmt: skip
    assert differences(expected, job["result"]) == []
    assert job["kind"] == "import"
    assert job["error"] is None
    answered(job)
    bad = csv_bytes([vacancy(10), vacancy(11, salary_kzt="lots")])
    job = _finished(client, client.post("/api/v1/imports/vacancies", content=bad, headers=as_csv), as_admin)  # fmt: skip
    assert job["state"] == "failed"
    assert job["result"] is None
    detail = {"line": 3, "column": "salary_kzt", "code": job["error"]["details"][0]["code"]}
    assert detail.items() <= job["error"]["details"][0].items()
    assert set(job["error"]["details"][0]) == {"line", "column", "code", "value", "message"}
    answered(job)

    # an allocation: the use case's proposal, in the asker's language
    person = session.exec(select(Person).where(Person.release_date != None)).first()  # noqa: E711
    assert person is not None
    body = {"kato": person.region_kato, "release_from": "2020-01-01", "release_to": "2030-12-31"}
    job = _finished(client, client.post("/api/v1/allocations", json=body, headers=as_officer), as_officer)  # fmt: skip
    assert job["state"] == "succeeded", job
    proposal, _ = allocation.run(
        world, Actor(role="officer"), kato=person.region_kato,
        release_from=date(2020, 1, 1), release_to=date(2030, 12, 31),
    )  # fmt: skip
    answered(job)
    expected = json.loads(json.dumps(proposal.as_dict("en")))
    assert job["result"]["summary"].pop("seconds") >= 0  # how long it took differs, nothing else
    expected["summary"].pop("seconds")
    assert differences(expected, job["result"]) == []
    assert job["result"]["assignments"]
    assert job["result"]["summary"]["kinds"]

    # a retraining: the version, what was refused in words, and the card as stored
    job = _finished(client, client.post("/api/v1/model/retrain", headers=as_admin), as_admin)
    assert job["state"] == "succeeded", job
    result = job["result"]
    row = session.get(ModelVersion, result["version"])
    assert row is not None
    stored = json.loads(json.dumps(row.card))
    refused = [
        {"kind": kind, "code": reason["code"], "text": modelstore.reason_text(reason, "en")}
        for kind, entry in stored["kinds"].items()
        for reason in entry.get("refused", [])
    ]
    expected = {
        "version": row.version,
        "promoted": stored["status"] == "active",
        "active": modelstore.active_version(session),
        "refused": refused,
        "card": stored,
    }
    assert differences(expected, result) == []
    assert {"gates", "kinds", "versions", "timings"} <= result["card"].keys()
    assert "description" not in result["card"]  # answered as stored: no key added
    answered(job)
