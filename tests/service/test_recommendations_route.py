"""The recommendations route writes its validated list itself: the same JSON and the same
declared schema as the framework's own serialisation would give."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogs.demo import DemoSpec
from service.api.app import create_app
from service.api.schemas import ItemList
from service.runtime import Runtime
from service.store import demo, tokens


def test_the_list_is_plain_json_of_the_declared_model(runtime: Runtime, session: Session) -> None:
    demo.build(
        session,
        DemoSpec(seed=5, as_of=date(2027, 1, 27), vacancies=200, courses=20, persons=40),
        protector=runtime.protector,
    )
    token = tokens.create(session, role="officer")[0]
    client = TestClient(create_app(runtime))
    answer = client.get(
        "/api/v1/persons/P00002/recommendations?kind=vacancy&limit=5",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "kk"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    shown = ItemList.model_validate_json(answer.content)
    assert 1 <= len(shown.items) <= 5
    # compact, and Kazakh written as UTF-8 rather than \u escapes
    assert answer.content == shown.model_dump_json().encode()
    assert b"\\u" not in answer.content
    assert any(ord(ch) > 0x400 for item in shown.items for r in item.reasons for ch in r.text)

    schema = client.get("/api/v1/openapi.json").json()
    ok = schema["paths"]["/api/v1/persons/{person_id}/recommendations"]["get"]["responses"]
    assert ok["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemList"
    }
