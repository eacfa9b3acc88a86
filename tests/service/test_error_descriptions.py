"""The shapes every error and every list item share are described field by field in the
OpenAPI schema: an error's details (``ErrorDetail``) and a list item's reasons (``ReasonOut``),
so a client generated from the schema says what each field holds."""

from __future__ import annotations

from typing import Any

import pytest

from service.api.app import create_app
from service.runtime import Runtime


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    found: dict[str, Any] = create_app(runtime=Runtime.__new__(Runtime)).openapi()["components"][
        "schemas"
    ]
    return found


def _reason(schemas: dict[str, Any]) -> dict[str, Any]:
    """A list item's reason (another ``ReasonOut``, a notification's, shares its title)."""
    item = schemas["ItemOut"]["properties"]["reasons"]["items"]["$ref"]
    found: dict[str, Any] = schemas[item.rsplit("/", 1)[-1]]
    return found


@pytest.mark.parametrize("shape", [lambda found: found["ErrorDetail"], _reason])
def test_every_field_is_described(schemas: dict[str, Any], shape: Any) -> None:
    properties = shape(schemas)["properties"]
    assert properties
    bare = [field for field, shape in properties.items() if not shape.get("description")]
    assert bare == []


def test_the_shapes_themselves_are_unchanged(schemas: dict[str, Any]) -> None:
    detail = schemas["ErrorDetail"]
    assert detail["required"] == ["code", "message"]
    assert list(detail["properties"]) == ["line", "record", "column", "code", "value", "message"]
    reason = _reason(schemas)
    assert reason["required"] == ["code", "text"]
    assert {field: shape["type"] for field, shape in reason["properties"].items()} == {
        "code": "string",
        "text": "string",
    }
