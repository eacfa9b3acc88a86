"""The quota ledger page over HTTP: the table, chart and definitions in kk and ru with no
missing text and no code shown; the chart as a PNG and the CSV for Excel, both of the
account's region; staff only."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import Site
from tests.web.test_pages import logged_in, shown_codes, visible


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_ledger_shows_the_region_by_district_and_employer(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    page = officer.get("/ledger")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert not shown_codes(page.text), shown_codes(page.text)
    text = visible(page.text)
    assert "ТОО «Каспий Строй»" in text
    assert {"kk": "Маңғыстау", "ru": "Мангистау"}[lang] in text
    assert "Ақмола" not in text
    assert "Акмолин" not in text
    assert '<img src="/ledger/chart.png"' in page.text
    assert 'href="/ledger/quota.csv"' in page.text
    assert {"kk": "Орындалу", "ru": "Выполнение"}[lang] in text  # the definitions


def test_the_chart_is_a_png_of_the_region(site: Site) -> None:
    officer = logged_in(site, "officer", "kk")
    chart = officer.get("/ledger/chart.png")
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_csv_is_for_a_kazakh_or_russian_excel(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    found = officer.get("/ledger/quota.csv")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("text/csv")
    assert 'filename="quota-470000000-' in found.headers["content-disposition"]
    body = found.content.decode("utf-8")
    assert body.startswith("\ufeff")
    header = body[1:].splitlines()[0].split(";")
    assert header[0] == "уровень"
    assert "квотных мест" in header
    assert "ТОО «Каспий Строй»" in body


def test_the_ledger_is_for_staff_only(site: Site) -> None:
    employer = logged_in(site, "employer", "ru")
    for path in ("/ledger", "/ledger/chart.png", "/ledger/quota.csv"):
        answer = employer.get(path)
        assert answer.status_code == 404, path
        assert "text/html" in answer.headers["content-type"]
    stranger = httpx.Client(base_url=site.base)
    assert stranger.get("/ledger/quota.csv").status_code == 303
