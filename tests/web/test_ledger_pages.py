"""The quota ledger page over HTTP: the table, chart and definitions in kk and ru with no
missing text and no code shown; the chart as a PNG and the CSV for Excel, both of the
account's region; staff only. Allocation proposals for a release cohort: the form, the job,
its lines, accepting one; a bad window refused on the form; a job is its maker's."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import httpx
import pytest
from sqlmodel import select

from service.store.tables import Job, Referral
from tests.web.conftest import REGION, Site
from tests.web.test_admin_pages import run_queue
from tests.web.test_pages import csrf_of, logged_in, visible
from tests.web.test_vacancy_pages import codes_in


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_ledger_shows_the_region_by_district_and_employer(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    page = officer.get("/ledger")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert not codes_in(page.text), codes_in(page.text)
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


def test_the_ledger_of_a_district_or_of_another_region(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    district = officer.get("/ledger?kato=471010000")  # Aktau, in the officer's region
    assert district.status_code == 200
    assert "Актау" in visible(district.text)
    assert 'src="/ledger/chart.png?kato=471010000"' in district.text
    assert officer.get("/ledger/chart.png?kato=471010000").content.startswith(b"\x89PNG")
    assert (
        "quota-471010000-"
        in officer.get("/ledger/quota.csv?kato=471010000").headers["content-disposition"]
    )
    for path in (
        "/ledger?kato=111010000", "/ledger/chart.png?kato=110000000",
        "/ledger/quota.csv?kato=110000000", "/ledger?kato=47", "/ledger?kato=abc",
    ):  # fmt: skip
        answer = officer.get(path)
        assert answer.status_code == 404, path
        assert "text/html" in answer.headers["content-type"]
    admin = logged_in(site, "admin", "kk")
    country = admin.get("/ledger")
    assert country.status_code == 200
    assert "Қазақстан" in visible(country.text)
    assert admin.get("/ledger?kato=110000000").status_code == 200


def test_the_ledger_is_for_staff_only(site: Site) -> None:
    employer = logged_in(site, "employer", "ru")
    for path in ("/ledger", "/ledger/chart.png", "/ledger/quota.csv"):
        answer = employer.get(path)
        assert answer.status_code == 404, path
        assert "text/html" in answer.headers["content-type"]
    stranger = httpx.Client(base_url=site.base, timeout=60)
    assert stranger.get("/ledger/quota.csv").status_code == 303


def _proposal(site: Site, officer: httpx.Client) -> str:
    """Queue an allocation of the region's next 12 weeks of releases; its page once done."""
    form = officer.get("/allocations")
    made = officer.post(
        "/allocations",
        data={
            "csrf": csrf_of(form.text), "kato": REGION, "release_from": date.today().isoformat(),
            "release_to": (date.today() + timedelta(weeks=12)).isoformat(),
        },
    )  # fmt: skip
    assert made.status_code == 303, made.text
    where = made.headers["location"]
    assert re.fullmatch(r"/allocations/\w+", where)
    run_queue(site)  # on PostgreSQL: a procrastinate worker runs it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = officer.get(where)
        assert page.status_code == 200
        if 'name="item"' in page.text or 'role="alert"' in page.text:
            return where
        time.sleep(0.1)
    raise AssertionError("the allocation did not finish in 120 s")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_allocation_is_proposed_and_a_line_accepted(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    form = officer.get("/allocations")
    assert form.status_code == 200
    assert not codes_in(form.text), codes_in(form.text)
    where = _proposal(site, officer)
    page = officer.get(where)
    assert not codes_in(page.text), codes_in(page.text)
    assert 'role="alert"' not in page.text
    lines = re.findall(
        r'name="person_id" value="(P\d{5})">\s*<input type="hidden" name="page" value="1">\s*'
        r'<button type="submit" name="item" value="(\w+):([^"]+)"',
        page.text,
    )
    assert len(lines) > 1, "no lines to accept"
    person, kind, item = lines[{"kk": 0, "ru": 1}[lang]]
    accepted = officer.post(
        f"{where}/accept",
        data={"csrf": csrf_of(page.text), "person_id": person, "item": f"{kind}:{item}"},
    )
    assert accepted.status_code == 303
    with site.rt.session() as session:
        rows = list(
            session.exec(
                select(Referral).where(Referral.person_id == person, Referral.item_id == item)
            )
        )
    assert [r.source for r in rows] == ["allocation"]
    refused = officer.post(  # an item the line never offered is not taken
        f"{where}/accept",
        data={"csrf": csrf_of(page.text), "person_id": person, "item": "vacancy:V00003x"},
    )
    assert refused.status_code == 422
    inspector = logged_in(site, "inspector", lang)
    assert inspector.get(where).status_code == 404  # a job is its maker's


def test_a_bad_window_is_said_on_the_form_and_nothing_queued(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    token = csrf_of(officer.get("/allocations").text)
    before = _jobs(site)
    for start, end in (
        ("2027-01-10", "2027-01-01"),
        ("", "2027-01-01"),
        ("2026-01-01", "2028-01-01"),
    ):
        answer = officer.post(
            "/allocations",
            data={"csrf": token, "kato": REGION, "release_from": start, "release_to": end},
        )
        assert answer.status_code == 422
        assert 'role="alert"' in answer.text
    other = officer.post(
        "/allocations",
        data={"csrf": token, "kato": "110000000", "release_from": "2027-01-01",
              "release_to": "2027-02-01"},
    )  # fmt: skip
    assert other.status_code == 422  # another region
    assert officer.post("/allocations", data={"kato": REGION}).status_code == 403
    assert _jobs(site) == before  # nothing queued


def _jobs(site: Site) -> int:
    with site.rt.session() as session:
        return len(list(session.exec(select(Job).where(Job.kind == "allocation"))))
