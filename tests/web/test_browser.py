"""Each role's main task in a real browser (Debian's chromium driven by Playwright), in Kazakh
and in Russian, with axe-core on every page visited and a label on every form field."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogs.i18n import messages
from service.usecases import referrals
from service.usecases.actor import Actor
from tests.web.conftest import PASSWORD, Site, chromium_or_skip

pytestmark = pytest.mark.browser
LANG_BUTTON = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


def web(key: str, lang: str, **params: object) -> str:
    return messages("service.web").text(key, lang, **params)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield found
        finally:
            found.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def checked(page: Any) -> None:
    """axe-core finds no serious or critical violation, and every field has a label."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, (page.url, bad)
    assert page.evaluate(UNLABELLED) == [], page.url


def shot(page: Any, name: str) -> None:
    """A screenshot for the docs, when SCREENSHOTS names their folder (docs/screenshots)."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def log_in(page: Any, site: Site, login: str, lang: str, password: str = PASSWORD) -> None:
    page.goto(site.base + "/login")
    page.get_by_role("button", name=LANG_BUTTON[lang]).click()
    # the button posts a form and the page comes back in that language: wait for it, not
    # only for the click (the page before may still be the one read)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    assert page.locator("html").get_attribute("lang") == lang
    checked(page)
    page.get_by_label(web("login_field", lang), exact=True).fill(login)
    page.get_by_label(web("password_field", lang), exact=True).fill(password)
    # wait for the answer: a page.goto right after the click could cancel the login's POST
    # on a slow machine, and the next page would then be the login form again
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()


@pytest.mark.parametrize(("lang", "nth"), [("kk", 0), ("ru", 1)])
def test_officer_finds_a_person_and_refers_them(page: Any, site: Site, lang: str, nth: int) -> None:
    log_in(page, site, "officer", lang)
    assert page.url.endswith("/persons")
    page.get_by_label(web("filter_release", lang)).select_option("12")
    page.get_by_role("button", name=web("filter_apply", lang)).click()
    assert "release=12" in page.url
    checked(page)
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 4  # released within 3, 6, 9 and 11 weeks; not 16 or 30
    rows.nth(nth).locator("a").click()
    assert re.search(r"/persons/P\d+$", page.url)
    checked(page)
    vacancies = page.locator("section:has(#list-vacancy) form button")
    assert vacancies.count() > 0
    vacancies.first.click()
    assert "made=" in page.url
    timeline = page.locator("#referrals")
    sent = messages("service").text("referral_state_sent", lang)
    assert sent in timeline.inner_text()
    assert web("deadline_answer_due", lang) in timeline.inner_text()
    assert re.search(r"\d\d\.\d\d\.\d{4}", timeline.inner_text())
    checked(page)


@pytest.mark.parametrize(("lang", "person_id"), [("kk", "P00005"), ("ru", "P00006")])
def test_employer_declines_a_referral_with_a_reason(
    page: Any, site: Site, lang: str, person_id: str
) -> None:
    made = referrals.refer(
        site.rt, Actor.command("test"), person_id=person_id, item_kind="vacancy",
        item_id="V00002",
    )  # fmt: skip
    log_in(page, site, "employer", lang)
    assert page.url.endswith("/referrals")
    checked(page)
    row = page.locator(f"tr:has(a[href='/referrals/{made.row.id}/decline'])")
    assert person_id not in row.inner_text()  # a pseudonym, never the person's id
    assert "C-" in row.inner_text()
    row.get_by_role("link", name=web("decline_n", lang, id=made.row.id)).click()
    checked(page)
    reasons = page.locator("input[type=radio][name=reason]")
    assert reasons.count() > 1
    page.locator(".reason label").first.click()
    page.locator("form[action$='/answer'] button[type=submit]").click()
    assert page.url.endswith(f"/referrals?done={made.row.id}")
    assert web("answer_recorded", lang, id=made.row.id) in page.inner_text("main")
    checked(page)
    assert referrals.get(site.rt, Actor.command("test"), made.row.id or 0).row.state == "declined"


def test_an_employer_opening_a_person_gets_the_404_page(page: Any, site: Site) -> None:
    log_in(page, site, "employer", "kk")
    answer = page.goto(site.base + "/persons/P00001")
    assert answer.status == 404
    assert web("error_404", "kk") in page.inner_text("h1")
    checked(page)


def test_five_wrong_passwords_lock_the_login(page: Any, site: Site) -> None:
    site.account("inspector", "forgetful", region_kato="470000000")
    for _ in range(5):
        log_in(page, site, "forgetful", "ru", password="not-the-password")
        assert web("account_bad_credentials", "ru") in page.inner_text("main") or (
            "15" in page.inner_text("main")
        )
    log_in(page, site, "forgetful", "ru")
    assert page.url.endswith("/login")
    assert "15" in page.inner_text(".error")


def test_a_form_posted_without_its_token_is_refused(page: Any, site: Site) -> None:
    log_in(page, site, "officer", "ru")
    refused = page.request.post(
        site.base + "/persons/P00002/referrals",
        form={"item_kind": "vacancy", "item_id": "V00001"},
    )
    assert refused.status == 403
    assert web("error_403", "ru") in refused.text()


def test_inspector_makes_and_prints_the_plan(page: Any, site: Site) -> None:
    log_in(page, site, "inspector", "kk")
    page.goto(site.base + "/persons/P00004")
    page.get_by_role("button", name=web("plan_make", "kk")).click()
    assert page.url.endswith("/persons/P00004#plan") or "/persons/P00004" in page.url
    checked(page)
    page.get_by_role("link", name=web("plan_print", "kk")).click()
    assert page.url.endswith("/persons/P00004/plan")
    assert page.locator("html").get_attribute("lang") == "kk"
    checked(page)


def test_officer_confirms_an_unrecognised_profession(page: Any, site: Site) -> None:
    """Kazakh: the notice and its suggestions, the field filled as the officer types, a choice
    picked, confirmed; the page then shows the occupation and welding vacancies."""
    from matcher import title_reader
    from tests.web.test_pages import unrecognised_person

    title_reader().search("дән", lang="kk")  # loaded and indexed before the page asks
    person_id = unrecognised_person(site, 70)
    log_in(page, site, "officer", "kk")
    page.goto(f"{site.base}/persons/{person_id}")
    notice = messages("service").text("notice_profession_not_recognised", "kk", text="шабашка")
    assert notice in page.inner_text("section:has(#list-vacancy)")
    assert page.locator("form.suggestions button").count() > 0
    checked(page)
    field = page.get_by_label(web("occupation_field", "kk"), exact=True)
    field.press_sequentially("дән", delay=80)
    choice = page.locator("#occupation-options option[value^='7212 ']")
    choice.wait_for(state="attached", timeout=15_000)
    shot(page, "person-occupation-kk.png")
    field.fill(choice.get_attribute("value") or "")  # what picking it from the list does
    page.locator("form.occupation-field button[type=submit]").click()
    assert page.url.endswith(f"/persons/{person_id}?confirmed=1#occupation")
    assert page.locator("#occupation").inner_text().startswith("7212 — ")
    assert "Айгерім Сапарова" in page.locator("#occupation").inner_text()
    assert notice not in page.inner_text("main")
    assert "Электрогазосварщик" in page.inner_text("section:has(#list-vacancy)")
    checked(page)
    shot(page, "person-occupation-confirmed-kk.png")
