"""In a real browser (Debian's chromium), in Kazakh and in Russian, with axe-core on every page:
the officer opens a vacancy from a person's job list and refers a candidate from its page, and
reads the quota ledger of the region with its chart; the employer reads its quota obligation,
its vacancies and a vacancy's anonymised candidates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from catalogs.i18n import messages
from service.store.imports import import_records
from tests.web.conftest import EMPLOYER_BIN, Site
from tests.web.test_admin_pages import run_queue
from tests.web.test_browser import browser, checked, log_in, shot, web

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with the other browser tests
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a browser set to the test's language, as the people using it have theirs
    (date fields then read 30.11.2026)."""
    callspec = getattr(request.node, "callspec", None)
    lang = callspec.params.get("lang", "ru") if callspec is not None else "ru"
    context = browser.new_context(locale=LOCALES[lang])
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def record(site: Site) -> None:
    row = {
        "employer_bin": EMPLOYER_BIN, "name": "ТОО «Каспий Строй»", "kato": "471010000",
        "headcount": "120", "quota_percent": "3.5", "quota_year": str(date.today().year),
    }  # fmt: skip
    with site.rt.writing() as session:
        assert import_records(session, "employers", [row], protector=site.rt.protector).ok


@pytest.mark.parametrize(("lang", "person_id"), [("kk", "P00001"), ("ru", "P00002")])
def test_officer_opens_a_vacancy_and_refers_a_candidate(
    page: Any, site: Site, lang: str, person_id: str
) -> None:
    log_in(page, site, "officer", lang)
    page.goto(f"{site.base}/persons/{person_id}")
    page.locator("section:has(#list-vacancy) h3 a").first.click()
    assert re.search(r"/vacancies/V\d{5}$", page.url)
    checked(page)
    main = page.inner_text("main")
    assert "Электрогазосварщик 5 разряда" in main
    assert web("vacancy_window", lang) in main
    assert re.search(r"\d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}", main)
    shot(page, f"vacancy-{lang}.png")
    cards = page.locator("#candidates li.card")
    assert cards.count() > 0
    heading = cards.first.locator("h3")
    chosen = heading.locator(".sub").inner_text()  # the person's id beside the name
    assert re.fullmatch(r"P\d{5}", chosen)
    assert heading.locator("a").inner_text().startswith("Жумабаев Ержан")  # staff see the name
    cards.first.get_by_role("button", name=web("vacancy_refer_person", lang, id=chosen)).click()
    assert "made=" in page.url
    assert web(
        "referral_made", lang, id=page.url.split("made=")[1].split("#")[0]
    ) in page.inner_text("main")
    checked(page)
    page.goto(f"{site.base}/persons/{chosen}")
    sent = messages("service").text("referral_state_sent", lang)
    assert sent in page.inner_text("#referrals")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_officer_reads_the_quota_ledger(page: Any, site: Site, lang: str) -> None:
    log_in(page, site, "officer", lang)
    page.get_by_role("link", name=web("nav_ledger", lang)).click()
    assert page.url.endswith("/ledger")
    checked(page)
    chart = page.locator("figure.chart img")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.chart img').complete")
    assert chart.evaluate("img => img.naturalWidth") > 300
    table = page.locator("table.ledger")
    fits = (
        "() => { const d = document.querySelector('.wide'); return [d.scrollWidth, d.clientWidth] }"
    )
    wide, room = page.evaluate(fits)
    assert wide <= room, (wide, room)  # the whole table in view, no sideways scrolling
    assert "ТОО «Каспий Строй»" in table.inner_text()
    assert web("ledger_h_quota_slots", lang) in table.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=web("ledger_csv", lang)).click()
    assert download.value.suggested_filename.startswith("quota-470000000-")
    shot(page, f"ledger-{lang}.png")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_employer_sees_obligation_vacancies_and_candidates(
    page: Any, site: Site, record: None, lang: str
) -> None:
    log_in(page, site, "employer", lang)
    page.get_by_role("link", name=web("nav_employer", lang)).click()
    assert page.url.endswith("/employer")
    checked(page)
    main = page.inner_text("main")
    assert "120 × " in main
    assert web("employer_offered", lang) in main
    assert web("employer_days_left", lang) in main
    assert re.search(r"\d\d\.\d\d\.\d{4}\s+\d\d\.\d\d\.\d{4}\s+\d+", main)  # window, days left
    shot(page, f"employer-{lang}.png")
    page.locator("section:has(#vacancies-h) a[href='/employer/vacancies/V00001']").click()
    assert page.url.endswith("/employer/vacancies/V00001")
    checked(page)
    cards = page.locator("#candidates li.card")
    assert cards.count() > 0
    text = page.inner_text("#candidates")
    assert re.search(r"C-[0-9A-Z]+", text)
    assert not re.search(r"P\d{5}", text)
    assert "Жумабаев" not in text
    assert web("edu_general_secondary", lang) in text
    shot(page, f"employer-vacancy-{lang}.png")
    page.get_by_role("link", name=web("employer_referrals_link", lang)).last.click()
    assert page.url.endswith("/referrals")
    checked(page)


@pytest.mark.parametrize(("lang", "nth"), [("kk", 0), ("ru", 2)])
def test_officer_proposes_an_allocation_and_accepts_a_line(
    page: Any, site: Site, lang: str, nth: int
) -> None:
    log_in(page, site, "officer", lang)
    page.goto(site.base + "/ledger")
    page.get_by_role("link", name=web("allocation_open", lang)).click()
    assert page.url.endswith("/allocations")
    checked(page)
    shot(page, f"allocation-form-{lang}.png")
    page.get_by_role("button", name=web("allocation_start", lang)).click()
    assert re.search(r"/allocations/\w+$", page.url)
    run_queue(site)  # on PostgreSQL: a procrastinate worker runs it
    checked(page)
    for _ in range(240):  # a job: its page says how far it is until the lines are there
        if page.locator("ol.offers").count() or page.locator(".error").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator(".error").count() == 0, page.inner_text("main")
    checked(page)
    shot(page, f"allocation-{lang}.png")
    row = page.locator("ol.offers li.card:has(button[value^='vacancy:'])").nth(nth)
    person = row.locator("h3 a").inner_text()
    row.get_by_role("button", name=web("allocation_accept", lang)).click()
    assert f"done={person}" in page.url
    assert web("allocation_accepted", lang, id=person) in page.inner_text("main")
    checked(page)
