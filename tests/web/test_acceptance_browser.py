"""The issue's acceptance walk in Chromium, in Kazakh and in Russian: the officer filters the
caseload to persons released within 12 weeks in one district, opens a person and refers them
to the first quota vacancy of their list; the employer sees the referral and accepts it; the
inspector opens the person's plan and prints it. axe-core on every page visited, and a
screenshot of each (``walk-<step>-<lang>.png``) when SCREENSHOTS names their folder."""

from __future__ import annotations

import re
from typing import Any

import pytest

from catalogs.i18n import messages
from service.usecases import referrals
from service.usecases.actor import Actor
from tests.factories import AKTAU
from tests.web.conftest import PASSWORD, Site
from tests.web.test_browser import LANG_BUTTON, browser, checked, page, shot, web

pytestmark = pytest.mark.browser
__all__ = ["browser", "page"]  # the fixtures, shared with the role tests


def log_in(page: Any, site: Site, login: str, lang: str) -> None:
    """The login form in ``lang``, each step waiting for the page it leads to."""
    page.goto(site.base + "/login")
    with page.expect_navigation():
        page.get_by_role("button", name=LANG_BUTTON[lang]).click()
    assert page.locator("html").get_attribute("lang") == lang
    checked(page)
    page.get_by_label(web("login_field", lang), exact=True).fill(login)
    page.get_by_label(web("password_field", lang), exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()


@pytest.mark.parametrize(("lang", "nth"), [("kk", 0), ("ru", 1)])
def test_the_acceptance_walk(page: Any, site: Site, lang: str, nth: int) -> None:
    # the officer: the caseload, released within 12 weeks in Aktau's district
    log_in(page, site, "officer", lang)
    assert page.url.endswith("/persons")
    checked(page)
    district = page.get_by_label(web("filter_district", lang))
    codes = district.locator("option").evaluate_all("o => o.map(e => e.value)")
    aktau = next(code for code in codes if code and code[:4] == AKTAU[:4])
    district.select_option(aktau)
    page.get_by_label(web("filter_release", lang)).select_option("12")
    page.get_by_role("button", name=web("filter_apply", lang)).click()
    assert "release=12" in page.url
    assert f"district={aktau}" in page.url
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 4  # released within 3, 6, 9 and 11 weeks; not 16 or 30
    checked(page)
    shot(page, f"walk-1-caseload-{lang}.png")

    # the person page: the first quota vacancy of the list
    rows.nth(nth).locator("a").click()
    found = re.search(r"/persons/(P\d+)$", page.url)
    assert found
    person_id = found.group(1)
    assert "********" in page.inner_text("#iin")
    checked(page)
    shot(page, f"walk-2-person-{lang}.png")
    first = page.locator("#list-vacancy ~ ol.offers > li").first
    title = first.locator("h3").inner_text()
    vacancy_id = first.locator("h3 a").get_attribute("href").rsplit("/", 1)[1]
    owner = "other-employer" if vacancy_id == "V00003" else "employer"  # the fixture's owners
    first.get_by_role("button", name=web("refer_to", lang, title=title)).click()
    assert "made=" in page.url
    made = int(re.search(r"made=(\d+)", page.url).group(1))  # type: ignore[union-attr]
    timeline = page.locator("#referrals")
    assert messages("service").text("referral_state_sent", lang) in timeline.inner_text()
    checked(page)
    shot(page, f"walk-3-referred-{lang}.png")
    page.context.clear_cookies()

    # the employer: the referral waiting for an answer, accepted
    log_in(page, site, owner, lang)
    assert page.url.endswith("/referrals")
    row = page.locator(f"tr:has(form[action='/referrals/{made}/answer'])")
    assert person_id not in row.inner_text()  # a pseudonym, never the person's id
    checked(page)
    shot(page, f"walk-4-employer-{lang}.png")
    row.get_by_role("button", name=web("accept_n", lang, id=made)).click()
    assert web("answer_recorded", lang, id=made) in page.inner_text("main")
    checked(page)
    shot(page, f"walk-5-accepted-{lang}.png")
    assert referrals.get(site.rt, Actor.command("test"), made).row.state == "interview"
    page.context.clear_cookies()

    # the inspector: the person's plan, made, then printed
    log_in(page, site, "inspector", lang)
    page.goto(f"{site.base}/persons/{person_id}")
    assert messages("service").text("referral_state_interview", lang) in page.inner_text(
        "#referrals"
    )
    page.get_by_role("button", name=web("plan_make", lang)).click()
    page.get_by_role("link", name=web("plan_print", lang)).click()
    assert page.url.endswith(f"/persons/{person_id}/plan")
    checked(page)
    shot(page, f"walk-6-plan-{lang}.png")
    page.get_by_role("link", name=web("plan_print_open", lang)).click()
    assert page.url.endswith(f"/persons/{person_id}/plan/print")
    assert page.locator("html").get_attribute("lang") == lang
    assert re.search(r"\d\d\.\d\d\.\d{4}", page.inner_text("body"))
    checked(page)
    page.emulate_media(media="print")
    shot(page, f"walk-7-print-{lang}.png")
