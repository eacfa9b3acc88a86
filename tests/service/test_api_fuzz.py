"""API fuzzing: Schemathesis generates requests from the app's own OpenAPI schema, valid and
invalid, and sends each with a token of every role. No answer may be a server error, break
the documented schema or use an undocumented status code or content type."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from catalogs.demo import DemoSpec
from service.api.app import create_app
from service.runtime import Runtime
from service.store import demo, tokens
from tests.factories import bin_number

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
CASES = {"count": 0}


@pytest.fixture
def api_schema(runtime: Runtime, session: Session):  # type: ignore[no-untyped-def]
    demo.build(
        session,
        DemoSpec(seed=9, as_of=date.today(), vacancies=150, courses=20, persons=40),
        protector=runtime.protector,
    )
    app = create_app(runtime)
    app.state.fuzz_tokens = {
        "officer": tokens.create(session, role="officer")[0],
        "employer": tokens.create(session, role="employer", employer_bin=bin_number(3))[0],
        "admin": tokens.create(session, role="admin")[0],
        "inspector": tokens.create(session, role="inspector", region_kato="470000000")[0],
    }
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_no_server_error_and_no_broken_schema(api_schema) -> None:  # type: ignore[no-untyped-def]
    app_tokens = api_schema.app.state.fuzz_tokens
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def send(case) -> None:  # type: ignore[no-untyped-def]
            for role in ("officer", "employer", "admin", "inspector", None):
                headers = {"Accept-Language": "kk"}
                if role is not None:
                    headers["Authorization"] = f"Bearer {app_tokens[role]}"
                case.call_and_validate(headers=headers, checks=CHECKS)
                CASES["count"] += 1

        send()
