"""The OpenAPI schema states the constraints the code enforces (tools/fuzz/run.sh checks the
live API against it; these tests pin what the schema says)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from service.api.app import PREFIX, create_app
from service.api.schemas import DAY_PATTERN, REGION_KATO, EventIn
from service.runtime import Runtime


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app(runtime=Runtime.__new__(Runtime)).openapi()


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][name]
    return found


def _body(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body: dict[str, Any] = schema["paths"][PREFIX + path][method]["requestBody"]
    return body["content"]["application/json"]["schema"]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _component(schema, node["$ref"].rsplit("/", 1)[-1])
    return node


def _parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    for parameter in schema["paths"][PREFIX + path]["get"]["parameters"]:
        if parameter["name"] == name:
            found: dict[str, Any] = parameter["schema"]
            return found
    raise AssertionError(name)


def _day_branch(node: dict[str, Any]) -> dict[str, Any]:
    for branch in node.get("anyOf", [node]):
        if branch.get("pattern") == DAY_PATTERN:
            return branch
    raise AssertionError(node)


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        ("2000-01-01", True),
        ("2100-12-31", True),
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("2026-04-30", True),
        ("1999-12-31", False),
        ("2101-01-01", False),
        ("0398-10-10", False),
        ("2100-02-29", False),
        ("2025-02-29", False),
        ("2026-04-31", False),
        ("2026-13-01", False),
        ("2026-01-01T00:00:00", False),
        ("20260101", False),
    ],
)
def test_the_day_pattern_is_years_2000_to_2100(day: str, valid: bool) -> None:
    assert bool(re.match(DAY_PATTERN, day)) is valid


def test_report_days_are_2000_to_2100(schema: dict[str, Any]) -> None:
    for path in ("/reports/quota", "/reports/quota/chart.png"):
        day = _day_branch(_parameter(schema, path, "as_of"))
        assert day["format"] == "date"


def test_unknown_areas_are_404_not_422(schema: dict[str, Any]) -> None:
    for path in ("/reports/quota", "/reports/quota/chart.png", "/allocations"):
        operation = schema["paths"][PREFIX + path]
        answers = next(iter(operation.values()))["responses"]
        assert "404" in answers
        assert "422" in answers


def test_allocations_take_a_region_code_and_days(schema: dict[str, Any]) -> None:
    body = _resolve(schema, _body(schema, "/allocations", "post"))
    assert body["properties"]["kato"]["pattern"] == REGION_KATO
    assert re.match(REGION_KATO, "750000000")
    assert not re.match(REGION_KATO, "471010000")
    for name in ("release_from", "release_to"):
        assert body["properties"][name]["pattern"] == DAY_PATTERN
    assert "202" in schema["paths"][PREFIX + "/allocations"]["post"]["responses"]


def test_outcomes_are_one_event_or_a_nonempty_list(schema: dict[str, Any]) -> None:
    body = _body(schema, "/outcomes", "post")
    lists = [branch for branch in body["anyOf"] if branch.get("type") == "array"]
    assert len(lists) == 1
    assert lists[0]["minItems"] == 1


def test_a_person_needs_a_location(schema: dict[str, Any]) -> None:
    for path, method, name in (
        ("/persons", "post", "PersonIn"),
        ("/persons/{person_id}", "put", "PersonReplace"),
    ):
        body = _body(schema, path, method)
        assert body["$ref"].endswith(name)
        required = [set(branch["required"]) for branch in _component(schema, name)["anyOf"]]
        assert required == [{"kato"}, {"region", "locality"}]


def test_a_replacement_names_the_person_in_its_path_only(schema: dict[str, Any]) -> None:
    replacement = _component(schema, "PersonReplace")
    assert "person_id" not in replacement["properties"]
    assert replacement["additionalProperties"] is False
    assert "person_id" in _component(schema, "PersonIn")["required"]


def test_a_token_request_is_a_union_on_its_role(schema: dict[str, Any]) -> None:
    body = _body(schema, "/tokens", "post")
    assert body["discriminator"]["propertyName"] == "role"
    mapping = body["discriminator"]["mapping"]
    assert set(mapping) == {"officer", "inspector", "employer", "admin"}
    employer = _component(schema, "EmployerTokenIn")
    assert "employer_bin" in employer["required"]
    assert employer["properties"]["employer_bin"]["pattern"] == r"^\d{12}$"
    staff = _component(schema, "StaffTokenIn")
    assert "employer_bin" not in staff["properties"]
    assert "region_kato" in staff["properties"]
    admin = _component(schema, "AdminTokenIn")
    assert not {"employer_bin", "region_kato"} & set(admin["properties"])


def test_plan_action_days_are_2000_to_2100(schema: dict[str, Any]) -> None:
    new = _resolve(schema, _body(schema, "/persons/{person_id}/plan/actions", "post"))
    assert new["properties"]["due"]["pattern"] == DAY_PATTERN
    edit = _resolve(schema, _body(schema, "/persons/{person_id}/plan/actions/{action_id}", "patch"))
    _day_branch(edit["properties"]["due"])


def test_every_guarded_route_documents_its_refusals(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            if path == PREFIX + "/health":
                continue
            assert {"401", "403", "422", "503"} <= answers, (method, path)
            if method != "get" or "{" in path:
                assert "404" in answers, (method, path)


def test_inputs_take_only_the_types_the_schema_states() -> None:
    event = {
        "person_id": "P00001",
        "item_kind": "vacancy",
        "item_id": "V000170",
        "event": "hired",
        "date": "2026-11-20",
    }
    assert EventIn.model_validate({**event, "contract_months": 12.0}).contract_months == 12
    for wrong in ({"contract_months": True}, {"contract_months": "12"}, {"date": 0}):
        with pytest.raises(ValidationError):
            EventIn.model_validate({**event, **wrong})
    with pytest.raises(ValidationError):
        EventIn.model_validate({**event, "date": "2026-11-20T00:00:00"})
    assert (
        EventIn.model_validate({**event, "person_id": "kz:P-1/2_a.b"}).person_id == "kz:P-1/2_a.b"
    )
    with pytest.raises(ValidationError):  # ids are ASCII: no look-alike letters
        EventIn.model_validate({**event, "person_id": "Сәуле.1"})


def test_bounds_are_stated_in_json_schema_words(schema: dict[str, Any]) -> None:
    """A bound pydantic could not place shows up as a raw ``ge``/``le`` key, which no client
    or fuzzer reads: every bound must be ``minimum``/``maximum``."""
    raw: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            raw.extend(f"{where}.{key}" for key in ("ge", "le", "gt", "lt") if key in node)
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for number, value in enumerate(node):
                walk(value, f"{where}[{number}]")

    walk(schema, "#")
    assert raw == []
