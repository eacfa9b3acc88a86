"""Issue 15, finding 9: the quota CSV opens as columns in a Kazakh or Russian Excel (RFC 4180
on request)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.app import create_app
from service.reports import quota as reports
from service.reports import render
from service.runtime import Runtime
from service.store import tokens
from tests.service.test_reports import AS_OF, world

__all__ = ["world"]  # the hand-counted world of test_reports: 2 regions, 3 districts


def _ledger(session: Session, kato: str | None = None) -> reports.QuotaLedger:
    return reports.quota_ledger(session, kato=kato, today=AS_OF)


# -- CSV ------------------------------------------------------------------------------------


def test_the_default_csv_is_for_a_kazakh_or_russian_excel(session: Session, world: None) -> None:
    text = render.to_csv(_ledger(session), "ru")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte order mark
    lines = text[1:].split("\r\n")
    assert lines[0].startswith("уровень;код;наименование;КАТО области;")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, total = rows[0], rows[1]
    assert len(header) == len(render.CSV_COLUMNS)
    cell = dict(zip(render.CSV_COLUMNS, total, strict=True))
    assert cell["level"] == "итого"
    assert cell["fulfilment_rate"] == "0,3077"  # a decimal comma
    assert cell["as_of"] == "30.06.2026"
    assert cell["quota_slots"] == "13"
    kazakh = list(csv.reader(io.StringIO(render.to_csv(_ledger(session), "kk")[1:]), delimiter=";"))
    assert [row[0] for row in kazakh[1:4]] == ["барлығы", "өңір", "аудан"]
    assert kazakh[0][-1] == "есеп күні"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_codes_in_a_kazakh_or_russian_csv_header(
    session: Session, world: None, lang: str
) -> None:
    header = render.to_csv(_ledger(session), lang)[1:].split("\r\n")[0]
    assert not any("a" <= ch.lower() <= "z" for ch in header.replace("КАТО", "")), header


def test_rfc4180_on_request(session: Session, world: None) -> None:
    text = render.to_csv(_ledger(session), "kk", "rfc4180")
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(render.CSV_COLUMNS)  # machine headers, whatever the language
    cell = dict(zip(render.CSV_COLUMNS, rows[1], strict=True))
    assert (cell["level"], cell["fulfilment_rate"], cell["as_of"]) == (
        "total",
        "0.3077",
        "2026-06-30",
    )
    assert cell["name"] == "Барлығы"


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def _officer(session: Session) -> dict[str, str]:
    secret = tokens.create(session, role="officer")[0]
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "kk"}


def test_the_api_and_the_command_line_offer_both(
    client: TestClient,
    session: Session,
    world: None,
    run: Any,
) -> None:
    headers = _officer(session)
    url = "/api/v1/reports/quota?format=csv&as_of=2026-06-30"
    excel = client.get(url, headers=headers)
    assert excel.status_code == 200
    assert excel.content.startswith(b"\xef\xbb\xbf")
    assert excel.text.lstrip("\ufeff").startswith("деңгей;код;атауы;")
    assert "attachment" in excel.headers["content-disposition"]
    plain = client.get(url + "&dialect=rfc4180", headers=headers)
    assert plain.content.startswith(b"level,key,name,")
    assert client.get(url + "&dialect=tsv", headers=headers).status_code == 422

    printed = run("report", "quota", "--csv", "--as-of", "2026-06-30", "--lang", "ru")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("\ufeffуровень;код;")
    machine = run("report", "quota", "--csv", "--dialect", "rfc4180", "--as-of", "2026-06-30")
    assert machine.stdout.startswith("level,key,name,")
    wrong = run("report", "quota", "--csv", "--dialect", "tsv")
    assert wrong.exit_code == 2
