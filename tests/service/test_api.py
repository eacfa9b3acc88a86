from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogs.demo import DemoSpec
from service.api.app import create_app
from service.runtime import Runtime
from service.store import demo, tokens
from service.store.sealed import open_support
from service.store.tables import Person, Vacancy
from tests.factories import csv_bytes, iin_number, vacancy

AS_OF = date.today()
Headers = dict[str, str]


@pytest.fixture
def world(runtime: Runtime, session: Session) -> dict[str, object]:
    """A small demo database and one token per role."""
    demo.build(
        session,
        DemoSpec(seed=5, as_of=AS_OF, vacancies=400, courses=40, persons=150),
        protector=runtime.protector,
    )
    employer_bin = session.exec(
        select(Vacancy.employer_bin).where(Vacancy.status == "open")
    ).first()
    made = {
        "officer": tokens.create(session, role="officer")[0],
        "inspector": tokens.create(session, role="inspector")[0],
        "admin": tokens.create(session, role="admin")[0],
        "employer": tokens.create(session, role="employer", employer_bin=employer_bin)[0],
        "akmola": tokens.create(session, role="officer", region_kato="110000000")[0],
    }
    return {"tokens": made, "employer_bin": employer_bin}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def as_role(world: dict[str, object]) -> Callable[[str], Headers]:
    def headers(role: str) -> Headers:
        return {"Authorization": f"Bearer {world['tokens'][role]}", "Accept-Language": "en"}  # type: ignore[index]

    return headers


def test_health_needs_no_token(client: TestClient) -> None:
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_no_bad_or_revoked_token_is_401(
    client: TestClient, session: Session, world: dict[str, object]
) -> None:
    assert client.get("/api/v1/persons/P00001").status_code == 401
    bad = client.get("/api/v1/persons/P00001", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "bad_token"
    secret, record = tokens.create(session, role="officer")
    assert (
        client.get(
            "/api/v1/persons/P00001", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )
    assert record.id is not None
    tokens.revoke(session, record.id)
    assert (
        client.get(
            "/api/v1/persons/P00001", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )


def test_officer_sees_a_masked_iin_unless_asked_and_it_is_audited(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    person = session.get(Person, "P00001")
    assert person is not None
    shown = client.get("/api/v1/persons/P00001", headers=as_role("officer")).json()
    assert shown["iin"] is None
    assert shown["iin_masked"].startswith("********")
    revealed = client.get(
        "/api/v1/persons/P00001?reveal_iin=true", headers=as_role("officer")
    ).json()
    assert len(revealed["iin"]) == 12
    assert revealed["iin"].endswith(shown["iin_masked"][-4:])
    trail = client.get("/api/v1/audit?person_id=P00001", headers=as_role("admin")).json()
    assert [e["action"] for e in trail][:2] == ["reveal_iin", "read"]
    assert all(e["route"] == "/api/v1/persons/P00001" for e in trail[:2])
    assert client.get("/api/v1/audit", headers=as_role("officer")).status_code == 403


def test_employer_is_kept_out(
    client: TestClient,
    as_role: Callable[[str], Headers],
    session: Session,
    world: dict[str, object],
) -> None:
    assert client.get("/api/v1/persons/P00001", headers=as_role("employer")).status_code == 403
    assert (
        client.get(
            "/api/v1/persons/P00001/recommendations", headers=as_role("employer")
        ).status_code
        == 403
    )
    other = session.exec(
        select(Vacancy).where(Vacancy.employer_bin != world["employer_bin"])
    ).first()
    assert other is not None
    assert (
        client.get(
            f"/api/v1/vacancies/{other.vacancy_id}/candidates", headers=as_role("employer")
        ).status_code
        == 404
    )
    answer = client.post(
        "/api/v1/imports/vacancies",
        content=b"x",
        headers={**as_role("employer"), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 403


def test_employer_candidates_carry_no_protected_field(
    client: TestClient,
    as_role: Callable[[str], Headers],
    session: Session,
    runtime: Runtime,
    world: dict[str, object],
) -> None:
    own = session.exec(select(Vacancy).where(Vacancy.employer_bin == world["employer_bin"])).all()
    protected_values: set[str] = set()
    for person in session.exec(select(Person)).all():
        for cipher in (person.iin_cipher, person.full_name_cipher):
            value = runtime.protector.decrypt(cipher)
            if value:
                protected_values.add(value)
        institution = open_support(runtime.protector, person.support_cipher).institution
        if institution:
            protected_values.add(institution)
    allowed = {
        "pseudonym",
        "age_band",
        "district",
        "education",
        "professions",
        "skills",
        "available_from",
        "score",
        "reasons",
        "code",
        "text",
        "vacancy_id",
        "items",
    }
    seen_items = 0
    for job in own:
        answer = client.get(
            f"/api/v1/vacancies/{job.vacancy_id}/candidates", headers=as_role("employer")
        )
        assert answer.status_code == 200
        body = answer.json()
        seen_items += len(body["items"])
        text = json.dumps(body, ensure_ascii=False)
        assert not any(value in text for value in protected_values)

        def walk(node: object) -> None:
            if isinstance(node, dict):
                assert set(node) <= allowed, set(node) - allowed
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(body)
        for item in body["items"]:
            assert {r["code"] for r in item["reasons"]}.isdisjoint(
                {"shelter_near_job", "employer_housing"}
            )
            assert item["pseudonym"].startswith("C-")
    assert seen_items > 0 or not own


def test_staff_see_candidate_ids(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    vacancy = session.exec(select(Vacancy).where(Vacancy.status == "open")).first()
    assert vacancy is not None
    answer = client.get(
        f"/api/v1/vacancies/{vacancy.vacancy_id}/candidates?limit=5", headers=as_role("officer")
    )
    assert answer.status_code == 200
    assert all(item["kind"] == "person" for item in answer.json()["items"])


def test_region_scope(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    outside = session.exec(select(Person).where(Person.region_kato != "110000000")).first()
    inside = session.exec(select(Person).where(Person.region_kato == "110000000")).first()
    assert outside is not None
    # another region's person is answered exactly as an id that does not exist
    hidden = client.get(f"/api/v1/persons/{outside.person_id}", headers=as_role("akmola"))
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "unknown_person"
    if inside is not None:
        assert (
            client.get(f"/api/v1/persons/{inside.person_id}", headers=as_role("akmola")).status_code
            == 200
        )


def test_recommendations_follow_the_contract(
    client: TestClient, as_role: Callable[[str], Headers]
) -> None:
    for kind in ("vacancy", "course", "shelter"):
        answer = client.get(
            f"/api/v1/persons/P00002/recommendations?kind={kind}&limit=5",
            headers=as_role("inspector"),
        )
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
        assert all(i["kind"] == kind and 2 <= len(i["reasons"]) <= 5 for i in items)
    assert (
        client.get("/api/v1/persons/NOBODY/recommendations", headers=as_role("officer")).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/persons/P00002/recommendations?kind=flat", headers=as_role("officer")
        ).status_code
        == 422
    )


def test_create_and_replace_a_person(client: TestClient, as_role: Callable[[str], Headers]) -> None:
    body = {
        "person_id": "API-1",
        "iin": iin_number(serial=77),
        "birth_year": 1990,
        "sex": "m",
        "region": "Акмолинская область",
        "locality": "Кокшетау",
        "status": "released",
        "release_date": "2026-01-10",
        "professions": ["сварщик"],
        "offence_category": "drug",
    }
    created = client.post("/api/v1/persons", json=body, headers=as_role("officer"))
    assert created.status_code == 201, created.text
    assert created.json()["kato"].startswith("11")
    assert created.json()["iin"] is None
    again = client.post("/api/v1/persons", json=body, headers=as_role("officer"))
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/persons",
        json={**body, "person_id": "API-2", "iin": "123456789012"},
        headers=as_role("officer"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["column"] == "iin"
    replaced = client.put(
        "/api/v1/persons/API-1", json={**body, "max_commute_km": 60}, headers=as_role("officer")
    )
    assert replaced.status_code == 200
    assert replaced.json()["max_commute_km"] == 60
    assert (
        client.put(
            "/api/v1/persons/API-9", json={**body, "person_id": "API-9"}, headers=as_role("officer")
        ).status_code
        == 404
    )
    mismatch = client.put(
        "/api/v1/persons/API-1", json={**body, "person_id": "API-3"}, headers=as_role("officer")
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["error"]["code"] == "id_mismatch"
    without_id = {k: v for k, v in body.items() if k != "person_id"}
    named_by_path = client.put("/api/v1/persons/API-1", json=without_id, headers=as_role("officer"))
    assert named_by_path.status_code == 200, named_by_path.text
    assert named_by_path.json()["person_id"] == "API-1"
    nowhere = {k: v for k, v in without_id.items() if k not in ("region", "locality")}
    assert (
        client.put("/api/v1/persons/API-1", json=nowhere, headers=as_role("officer")).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/persons",
            json={**body, "person_id": "API-4", "colour": "red"},
            headers=as_role("officer"),
        ).status_code
        == 422
    )


def test_imports_over_http(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    good = csv_bytes([vacancy(n) for n in range(1, 4)])
    answer = client.post(
        "/api/v1/imports/vacancies",
        content=good,
        headers={**as_role("admin"), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 3
    bad = csv_bytes([vacancy(10), vacancy(11, salary_kzt="lots")])
    answer = client.post(
        "/api/v1/imports/vacancies",
        content=bad,
        headers={**as_role("admin"), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 422
    detail = answer.json()["error"]["details"][0]
    assert (detail["line"], detail["column"], detail["code"]) == (
        3,
        "salary_kzt",
        "expected_integer",
    )
    assert session.get(Vacancy, "V00010") is None
    assert (
        client.post(
            "/api/v1/imports/vacancies",
            content=good,
            headers={**as_role("admin"), "Content-Type": "text/plain"},
        ).status_code
        == 415
    )
    assert (
        client.post(
            "/api/v1/imports/rockets",
            content=good,
            headers={**as_role("admin"), "Content-Type": "text/csv"},
        ).status_code
        == 404
    )
    broken = client.post(
        "/api/v1/imports/vacancies",
        content=b"[{",
        headers={**as_role("admin"), "Content-Type": "application/json"},
    )
    assert broken.status_code == 422


def test_outcomes(client: TestClient, as_role: Callable[[str], Headers], session: Session) -> None:
    vacancy_id = session.exec(select(Vacancy.vacancy_id)).first()
    event = {
        "person_id": "P00001",
        "item_kind": "vacancy",
        "item_id": vacancy_id,
        "event": "referred",
        "date": str(AS_OF),
    }
    answer = client.post("/api/v1/outcomes", json=event, headers=as_role("officer"))
    assert answer.status_code == 201, answer.text
    answer = client.post(
        "/api/v1/outcomes",
        json=[event, {**event, "person_id": "NOBODY"}],
        headers=as_role("officer"),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["code"] == "unknown_person"
    assert client.post("/api/v1/outcomes", json=[], headers=as_role("officer")).status_code == 422


def test_model_tokens_and_errors(client: TestClient, as_role: Callable[[str], Headers]) -> None:
    card = client.get("/api/v1/model", headers=as_role("employer")).json()
    assert card["kind"] == "baseline"
    made = client.post("/api/v1/tokens", json={"role": "employer"}, headers=as_role("admin"))
    assert made.status_code == 422
    made = client.post(
        "/api/v1/tokens", json={"role": "officer", "label": "test"}, headers=as_role("admin")
    )
    assert made.status_code == 201
    assert made.json()["token"].startswith("mt_")
    listed = client.get("/api/v1/tokens", headers=as_role("admin")).json()
    assert all("token" not in row for row in listed)
    assert client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=as_role("admin")).json()[
        "revoked_at"
    ]
    assert client.delete("/api/v1/tokens/999999", headers=as_role("admin")).status_code == 404
    missing = client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/health").status_code == 405
    kk = client.get("/api/v1/persons/P00001", headers={"Accept-Language": "kk"})
    assert kk.json()["error"]["message"].startswith("токен қажет")


def test_a_regional_officer_cannot_register_someone_elsewhere(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    body = {
        "person_id": "API-R",
        "region": "Мангистауская область",
        "locality": "Актау",
        "status": "probation",
    }
    answer = client.post("/api/v1/persons", json=body, headers=as_role("akmola"))
    assert answer.status_code == 403
    assert session.get(Person, "API-R") is None
    inside = {**body, "region": "Акмолинская область", "locality": "Кокшетау"}
    assert client.post("/api/v1/persons", json=inside, headers=as_role("akmola")).status_code == 201


def test_plans_over_http(
    client: TestClient, as_role: Callable[[str], Headers], session: Session, runtime: Runtime
) -> None:
    person = next(
        (
            row
            for row in session.exec(select(Person).where(Person.status == "in_custody"))
            if open_support(runtime.protector, row.support_cipher).need_housing
        ),
        None,
    )
    assert person is not None
    pid = person.person_id
    assert (
        client.get(f"/api/v1/persons/{pid}/plan", headers=as_role("inspector")).status_code == 404
    )
    made = client.post(f"/api/v1/persons/{pid}/plan?lang=kk", headers=as_role("inspector"))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["version"] == 1
    assert body["rendered"]["title"].startswith("Әлеуметтік-құқықтық")
    first = body["plan"]["actions"][0]["id"]
    assert (
        client.patch(
            f"/api/v1/persons/{pid}/plan/actions/{first}",
            json={"status": "dropped"},
            headers=as_role("inspector"),
        ).status_code
        == 422
    )
    edited = client.patch(
        f"/api/v1/persons/{pid}/plan/actions/{first}",
        json={"status": "dropped", "note": "не требуется"},
        headers=as_role("inspector"),
    )
    assert edited.status_code == 200
    added = client.post(
        f"/api/v1/persons/{pid}/plan/actions",
        json={
            "text": "Встреча с семьёй",
            "part": "social_legal",
            "responsible": "ngo",
            "due": "2027-01-10",
        },
        headers=as_role("inspector"),
    )
    assert added.status_code == 201
    blank = {"text": "\n ", "part": "housing", "responsible": "ngo", "due": "2027-01-10"}
    refused = client.post(
        f"/api/v1/persons/{pid}/plan/actions", json=blank, headers=as_role("inspector")
    )
    assert refused.status_code == 422  # nothing written: refused, and the schema says so
    pattern = client.app.openapi()["components"]["schemas"]["ActionNew"]["properties"]["text"]
    assert not re.match(pattern["pattern"], blank["text"])
    assert re.match(pattern["pattern"], "Встреча с семьёй")
    again = client.post(f"/api/v1/persons/{pid}/plan", headers=as_role("inspector")).json()
    actions = {a["id"]: a for a in again["plan"]["actions"]}
    assert actions[first]["status"] == "dropped"
    assert actions["manual-1"]["params"]["text"] == "Встреча с семьёй"
    versions = client.get(
        f"/api/v1/persons/{pid}/plan/versions", headers=as_role("inspector")
    ).json()
    assert [v["change"] for v in versions] == ["generated", "edited", "added", "regenerated"]
    old = client.get(f"/api/v1/persons/{pid}/plan?version=1", headers=as_role("inspector")).json()
    assert old["version"] == 1
    assert {a["status"] for a in old["plan"]["actions"]} == {"planned"}
    for lang, word in (
        ("ru", "Индивидуальная программа"),
        ("kk", "Жеке бағдарламасы"),
        ("en", "Individual programme"),
    ):
        page = client.get(
            f"/api/v1/persons/{pid}/plan?format=html&lang={lang}", headers=as_role("inspector")
        )
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert word.lower() in page.text.lower()
        assert "@page { size: A4" in page.text
    assert client.get(f"/api/v1/persons/{pid}/plan", headers=as_role("employer")).status_code == 403
    assert (
        client.patch(
            f"/api/v1/persons/{pid}/plan/actions/nothing",
            json={"status": "done"},
            headers=as_role("inspector"),
        ).status_code
        == 404
    )


def test_allocations_over_http(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    person = session.exec(select(Person).where(Person.release_date != None)).first()  # noqa: E711
    assert person is not None
    body = {"kato": person.region_kato, "release_from": "2020-01-01", "release_to": "2030-12-31"}
    answer = client.post("/api/v1/allocations", json=body, headers=as_role("officer"))
    assert answer.status_code == 202, answer.text
    job = client.get(answer.headers["Location"], headers=as_role("officer")).json()
    assert job["state"] == "succeeded", job  # run at once on the suite's one connection
    result = job["result"]
    assert result["assignments"]
    assert all(
        figures["capacity_violations"] == 0 for figures in result["summary"]["kinds"].values()
    )
    assert (
        client.post(
            "/api/v1/allocations", json={**body, "kato": "471010000"}, headers=as_role("officer")
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/allocations",
            json={**body, "release_to": "2019-01-01"},
            headers=as_role("officer"),
        ).status_code
        == 422
    )
    assert (
        client.post("/api/v1/allocations", json=body, headers=as_role("employer")).status_code
        == 403
    )


def test_lists_shown_are_recorded_and_referrals_take_their_rank(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    import sqlalchemy as sa

    from service.store.tables import Impression, OutcomeEvent

    answer = client.get(
        "/api/v1/persons/P00002/recommendations?kind=vacancy&limit=5", headers=as_role("officer")
    )
    ids = [item["id"] for item in answer.json()["items"]]
    assert ids
    served = client.app.state.runtime.serving.engine(client.app.state.runtime)  # type: ignore[attr-defined]
    version = served.model_version
    rows = session.execute(
        sa.select(Impression.item_id, Impression.rank, Impression.model_version, Impression.list)
        .where(Impression.person_id == "P00002")
        .order_by(Impression.rank)
    ).all()
    assert [tuple(r) for r in rows] == [
        (i, n, version, "person") for n, i in enumerate(ids, start=1)
    ]
    answer = client.get(
        f"/api/v1/vacancies/{ids[0]}/candidates?limit=5", headers=as_role("officer")
    )
    people = [item["id"] for item in answer.json()["items"]]
    shown = session.execute(
        sa.select(Impression.person_id, Impression.rank)
        .where(Impression.item_id == ids[0], Impression.list == "candidates")
        .order_by(Impression.rank)
    ).all()
    assert [tuple(r) for r in shown] == [(p, n) for n, p in enumerate(people, start=1)]
    event = {
        "person_id": "P00002",
        "item_kind": "vacancy",
        "item_id": ids[1] if len(ids) > 1 else ids[0],
        "event": "referred",
        "date": str(served.today),  # the day the list was for (not the module's, across midnight)
    }
    assert (
        client.post("/api/v1/outcomes", json=event, headers=as_role("officer")).status_code == 201
    )
    referred = session.scalars(sa.select(OutcomeEvent)).one()
    assert (referred.rank, referred.source, referred.model_version) == (
        2 if len(ids) > 1 else 1,
        "api",
        version,
    )


def test_outcomes_that_contradict_the_history_are_422_and_write_nothing(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    import sqlalchemy as sa

    from service.store.tables import OutcomeEvent

    vacancy_id = session.exec(select(Vacancy.vacancy_id)).first()
    hire = {
        "person_id": "P00001",
        "item_kind": "vacancy",
        "item_id": vacancy_id,
        "event": "hired",
        "date": "2026-01-10",
    }
    events = [
        {**hire, "event": "retained_3m", "date": "2026-02-10"},
        hire,
        {**hire, "event": "rejected", "reason": "angry"},
    ]
    answer = client.post("/api/v1/outcomes", json=events, headers=as_role("officer"))
    assert answer.status_code == 422
    assert [(d["record"], d["column"], d["code"]) for d in answer.json()["error"]["details"]] == [
        (3, "reason", "unknown_reason")
    ]
    answer = client.post("/api/v1/outcomes", json=events[:2], headers=as_role("officer"))
    assert answer.status_code == 422
    (detail,) = answer.json()["error"]["details"]
    assert (detail["record"], detail["column"], detail["code"]) == (1, "event", "retained_too_soon")
    assert "10.01.2026" in detail["message"]
    assert session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent)) == 0
    events[0]["contract_months"] = 6
    assert (
        client.post("/api/v1/outcomes", json=events[:2], headers=as_role("officer")).status_code
        == 201
    )


def test_requests_outside_the_schema_are_422(
    client: TestClient, as_role: Callable[[str], Headers]
) -> None:
    officer = {**as_role("officer"), "Content-Type": "application/json"}
    not_utf8 = client.post("/api/v1/persons", content=b"\xff\xfe{", headers=officer)
    assert not_utf8.status_code == 422
    assert not_utf8.json()["error"]["code"] == "invalid_request"
    assert client.post("/api/v1/outcomes", json=[], headers=officer).status_code == 422
    for day in ("0398-10-10", "2101-01-01", 0):
        answer = client.post(
            "/api/v1/allocations",
            json={"kato": "470000000", "release_from": day, "release_to": "2026-12-31"},
            headers=officer,
        )
        assert answer.status_code == 422, day
    timestamp = {"text": "Встреча", "part": "housing", "responsible": "akimat", "due": 0}
    assert (
        client.post(
            "/api/v1/persons/P00001/plan/actions", json=timestamp, headers=officer
        ).status_code
        == 422
    )
    as_of = client.get("/api/v1/reports/quota?as_of=1999-12-31", headers=officer)
    assert as_of.status_code == 422
    employer = client.post("/api/v1/tokens", json={"role": "employer"}, headers=as_role("admin"))
    assert employer.status_code == 422
    admin_bin = {"role": "admin", "employer_bin": "150340000307"}
    assert (
        client.post("/api/v1/tokens", json=admin_bin, headers=as_role("admin")).status_code == 422
    )


def test_unknown_areas_are_404(client: TestClient, as_role: Callable[[str], Headers]) -> None:
    officer = as_role("officer")
    report = client.get("/api/v1/reports/quota?kato=999999999", headers=officer)
    assert report.status_code == 404
    assert "999999999" in report.json()["error"]["message"]
    chart = client.get("/api/v1/reports/quota/chart.png?kato=98", headers=officer)
    assert chart.status_code == 404
    body = {"kato": "990000000", "release_from": "2026-12-01", "release_to": "2026-12-31"}
    region = client.post("/api/v1/allocations", json=body, headers=officer)
    assert region.status_code == 404
    assert region.json()["error"]["code"] == "allocate_unknown_region"


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    answer = client.request("OPTIONS", "/api/v1/persons/P00001")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "PUT"}
    tokens_answer = client.request("OPTIONS", "/api/v1/tokens")
    assert set(tokens_answer.headers["Allow"].split(", ")) == {"GET", "POST"}


def test_a_plan_action_names_the_responsible_person(
    client: TestClient, as_role: Callable[[str], Headers], session: Session
) -> None:
    pid = session.exec(select(Person.person_id).order_by(Person.person_id)).first()
    headers = as_role("inspector")
    made = client.post(f"/api/v1/persons/{pid}/plan?lang=ru", headers=headers)
    assert made.status_code == 201, made.text
    assert all("responsible_name" not in a or a["responsible_name"] is None
               for a in made.json()["plan"]["actions"])  # fmt: skip
    first = made.json()["plan"]["actions"][0]["id"]
    url = f"/api/v1/persons/{pid}/plan/actions/{first}"
    edited = client.patch(url, json={"responsible_name": "  Сейтқали Айгүл  "}, headers=headers)
    assert edited.status_code == 200, edited.text
    action = next(a for a in edited.json()["plan"]["actions"] if a["id"] == first)
    assert action["responsible_name"] == "Сейтқали Айгүл"
    assert action["responsible"] == made.json()["plan"]["actions"][0]["responsible"]
    read = client.get(f"/api/v1/persons/{pid}/plan?lang=ru", headers=headers).json()
    shown = [a for part in read["rendered"]["after_release"] for a in part["actions"]]
    shown += read["rendered"]["before_release"]
    assert next(a for a in shown if a["id"] == first)["responsible_name"] == "Сейтқали Айгүл"
    printed = client.get(f"/api/v1/persons/{pid}/plan?format=html&lang=ru", headers=headers)
    assert "Сейтқали Айгүл" in printed.text
    for bad in ("Иванов\nИван", "Иванов\x00", "Иванов\u0085", "И" * 121):
        refused = client.patch(url, json={"responsible_name": bad}, headers=headers)
        assert refused.status_code == 422, bad
    added = client.post(
        f"/api/v1/persons/{pid}/plan/actions",
        json={"text": "Встреча с семьёй", "part": "social_legal", "responsible": "ngo",
              "responsible_name": "Ким Ольга", "due": "2027-01-10"},
        headers=headers,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    manual = next(a for a in added.json()["plan"]["actions"] if a["origin"] == "inspector")
    assert manual["responsible_name"] == "Ким Ольга"
    refused = client.post(
        f"/api/v1/persons/{pid}/plan/actions",
        json={"text": "Встреча", "part": "social_legal", "responsible": "ngo",
              "responsible_name": "Ким\tОльга", "due": "2027-01-10"},
        headers=headers,
    )  # fmt: skip
    assert refused.status_code == 422
    cleared = client.patch(url, json={"responsible_name": ""}, headers=headers)
    assert (
        next(a for a in cleared.json()["plan"]["actions"] if a["id"] == first)["responsible_name"]
        is None
    )
    versions = client.get(f"/api/v1/persons/{pid}/plan/versions", headers=headers).json()
    assert [v["change"] for v in versions] == ["generated", "edited", "added", "edited"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for model in ("ActionEdit", "ActionNew"):
        assert schema[model]["properties"]["responsible_name"]["anyOf"][0]["maxLength"] == 120
        assert "responsible_name" not in schema[model].get("required", [])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_what_a_refused_request_says_of_each_field_is_in_the_callers_language(
    client: TestClient, as_role: Callable[[str], Headers], lang: str
) -> None:
    from tests.test_messages import latin_words

    officer = {**as_role("officer"), "Accept-Language": lang}
    answers = [
        client.get("/api/v1/persons/P00001/recommendations?limit=0", headers=officer),
        client.get("/api/v1/persons/P00001/recommendations?kind=job", headers=officer),
        client.post(
            "/api/v1/persons",
            content=b'{"person_id": ',
            headers={**officer, "Content-Type": "application/json"},
        ),
        client.post(
            "/api/v1/persons",
            content=b"\xff\xfe{",
            headers={**officer, "Content-Type": "application/json"},
        ),
    ]
    details = []
    for answer in answers:
        assert answer.status_code == 422
        details += answer.json()["error"]["details"]
    assert {d["code"] for d in details} >= {"greater_than_equal", "literal_error", "json_invalid"}
    for detail in details:
        assert detail["message"], detail
        assert not latin_words(detail["message"]), detail
    (bound,) = [d["message"] for d in details if d["code"] == "greater_than_equal"]
    assert "1" in bound  # the bound it names: limit at least 1
