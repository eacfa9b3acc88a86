"""The inspector's plan in a real browser (Debian's chromium), in Kazakh and in Russian: the
plan made from the person page, an action marked done, one dropped with a reason, one moved
back in time so that it is overdue, one added; the history says so; the plan printed on A4;
the overdue list leads back to the plan. axe-core on every page."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Site
from tests.web.test_browser import browser, checked, log_in, shot, web

__all__ = ["browser"]  # the fixture, used by name
pytestmark = pytest.mark.browser
PERSON = {"kk": "P00001", "ru": "P00002"}
LOCALE = {"kk": "kk-KZ", "ru": "ru-RU"}
"""The browser's own language, as its users' are."""
REASON = {"kk": "Отбасы баспана берді", "ru": "Семья предоставила жильё"}


def action_card(page: Any, status: str, n: int = 0) -> tuple[Any, str]:
    """The ``n``-th action card with ``status`` and its id (``action-...``)."""
    card = page.locator(f"li.action.{status}").nth(n)
    return card, card.get_attribute("id") or ""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_inspector_builds_edits_and_prints_the_plan(browser: Any, site: Site, lang: str) -> None:
    context = browser.new_context(locale=LOCALE[lang])
    try:
        inspector_plan(context.new_page(), site, lang)
    finally:
        context.close()


def inspector_plan(page: Any, site: Site, lang: str) -> None:
    person_id = PERSON[lang]
    log_in(page, site, "inspector", lang)
    page.goto(f"{site.base}/persons/{person_id}")
    page.get_by_role("button", name=web("plan_make", lang)).click()
    page.get_by_role("link", name=web("plan_print", lang)).click()
    assert page.url.endswith(f"/persons/{person_id}/plan")
    assert page.locator("html").get_attribute("lang") == lang
    checked(page)
    total = page.locator("li.action").count()
    assert total >= 3

    card, done = action_card(page, "planned")
    card.get_by_role("button", name=web("plan_mark_done", lang)).click()
    assert page.url.endswith(f"#{done}")
    assert "done" in (page.locator(f"#{done}").get_attribute("class") or "")

    card, dropped = action_card(page, "planned")
    card.locator("summary").click()
    card.get_by_label(web("plan_drop_reason", lang), exact=True).fill(REASON[lang])
    card.get_by_role("button", name=web("plan_drop", lang)).click()
    assert "dropped" in (page.locator(f"#{dropped}").get_attribute("class") or "")
    assert REASON[lang] in page.locator(f"#{dropped}").inner_text()

    past = date.today() - timedelta(days=9)
    card, late = action_card(page, "planned")
    card.locator("summary").click()
    card.get_by_label(web("plan_col_due", lang), exact=True).fill(past.isoformat())
    card.get_by_role("button", name=web("plan_save", lang)).click()
    assert "late" in (page.locator(f"#{late}").get_attribute("class") or "")
    assert web("plan_overdue_since", lang, days=9) in page.locator(f"#{late}").inner_text()

    added = "Анасымен кездесу" if lang == "kk" else "Встреча с матерью"
    page.get_by_label(web("plan_add_text", lang), exact=True).fill(added)
    page.get_by_label(web("plan_add_part", lang), exact=True).select_option("housing")
    page.locator("#add-who").select_option("akimat")
    page.locator("#add-due").fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name=web("plan_add", lang), exact=True).click()
    assert page.url.endswith("#add")
    assert page.locator("li.action").count() == total + 1
    assert added in page.locator("#part-6-h + h3 ~ ol").all_inner_texts()[-1]
    checked(page)
    shot(page, f"plan-{lang}.png")

    history = page.locator("#history")
    history.scroll_into_view_if_needed()
    words = history.inner_text()
    assert web("plan_diff_made", lang) in words
    assert REASON[lang] in words
    assert past.strftime("%d.%m.%Y") in words
    assert added in words
    assert "Айгерім Сапарова" in words
    assert history.locator("ol.versions > li").count() == 5
    shot_history(page, lang)

    page.get_by_role("link", name=web("plan_print_open", lang)).click()
    assert page.url.endswith(f"/persons/{person_id}/plan/print")
    assert page.locator("html").get_attribute("lang") == lang
    checked(page)
    sheet = page.locator("main").inner_text()
    assert f"Жумабаев Ержан {person_id[-1]}" in sheet
    assert web("plan_sign_person", lang) in sheet
    assert web("plan_sign_inspector", lang) in sheet
    assert added in sheet
    assert not re.search(r"\d{4}-\d\d-\d\d", sheet)
    shot(page, f"plan-print-{lang}.png")
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert sizes == {(595, 842)}, sizes  # A4 in points (210 × 297 mm), not Letter

    page.get_by_role("link", name=web("plan_back_to_plan", lang)).click()
    page.get_by_role("link", name=web("nav_overdue", lang)).click()
    assert page.url.endswith("/plans/overdue")
    checked(page)
    link = page.locator(f'a[href="/persons/{person_id}/plan#{late}"]')
    assert link.count() == 1
    row = page.locator("tr", has=link).inner_text()
    assert web("overdue_days", lang, days=9) in row
    shot(page, f"overdue-{lang}.png")
    link.click()
    assert page.url.endswith(f"/persons/{person_id}/plan#{late}")


def shot_history(page: Any, lang: str) -> None:
    """The history alone (the full page is in ``plan-<lang>.png``)."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.locator("#history").screenshot(path=str(Path(folder) / f"plan-history-{lang}.png"))


RECOMPUTED_PERSON = {"kk": "P00003", "ru": "P00004"}


def _body(site: Site, person_id: str) -> dict[str, Any]:
    from service.usecases import plans
    from service.usecases.actor import Actor

    return dict(plans.read(site.rt, Actor.command("test"), person_id).version.body)


def _matcher(key: str, lang: str, **params: object) -> str:
    from catalogs.i18n import messages

    return messages("matcher").text(key, lang, **params)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_editor_shows_what_an_edit_recomputed(browser: Any, site: Site, lang: str) -> None:
    """Issue 15: the inspector moves the job referral a week later; the page shows the expected
    first pay and the review as they are now, and the history says what the edit moved, in
    the words of the JSON answer and the printed plan. Dropping the referral then names the new
    risk, and the dropped action offers to go back into the plan but not to be marked done."""
    context = browser.new_context(locale=LOCALE[lang])
    try:
        page = context.new_page()
        person_id = RECOMPUTED_PERSON[lang]
        log_in(page, site, "inspector", lang)
        page.goto(f"{site.base}/persons/{person_id}")
        page.get_by_role("button", name=web("plan_make", lang)).click()
        page.goto(f"{site.base}/persons/{person_id}/plan")
        first = _body(site, person_id)
        job = next(a for a in first["actions"] if a["id"] == "job_referral")
        dates = page.locator("#dates")
        assert _day(first["first_pay_day"]) in dates.inner_text()

        later = date.fromisoformat(job["due"]) + timedelta(days=7)
        card = page.locator("#action-job_referral")
        card.locator("summary").click()
        card.get_by_label(web("plan_col_due", lang), exact=True).fill(later.isoformat())
        card.get_by_role("button", name=web("plan_save", lang)).click()
        page.wait_for_url(f"**/persons/{person_id}/plan#action-job_referral")
        moved = _body(site, person_id)
        assert moved["first_pay_day"] > first["first_pay_day"]
        shown = page.locator("#dates").inner_text()
        assert _day(moved["first_pay_day"]) in shown
        assert _day(moved["review_date"]) in shown
        newest = page.locator("#history ol.versions > li").first.inner_text()
        pay = {"from": first["first_pay_day"], "to": moved["first_pay_day"]}
        assert _matcher("plan_moved_first_pay", lang, **pay) in newest
        assert _matcher("plan_moved_review", lang, **{
            "from": first["review_date"], "to": moved["review_date"]
        }) in newest  # fmt: skip
        assert _day(later.isoformat()) in newest  # the inspector's own change, said as before

        card = page.locator("#action-job_referral")
        card.locator("summary").click()
        card.get_by_label(web("plan_drop_reason", lang), exact=True).fill(REASON[lang])
        card.get_by_role("button", name=web("plan_drop", lang)).click()
        page.wait_for_load_state()
        card = page.locator("#action-job_referral")
        assert "dropped" in (card.get_attribute("class") or "")
        assert card.get_by_role("button", name=web("plan_mark_done", lang)).count() == 0
        assert card.get_by_role("button", name=web("plan_reopen", lang)).count() == 1
        risk = _matcher("plan_risk_no_job_option", lang)
        newest = page.locator("#history ol.versions > li").first.inner_text()
        assert _matcher("plan_risk_added", lang, risk=risk) in newest
        assert risk in page.locator("ul.risks").inner_text()
        checked(page)
        shot(page, f"plan-recomputed-{lang}.png")
        folder = os.environ.get("SCREENSHOTS")
        if folder:
            page.locator("#dates").screenshot(path=str(Path(folder) / f"plan-dates-{lang}.png"))
            page.locator("#history ol.versions > li").first.screenshot(
                path=str(Path(folder) / f"plan-recomputed-history-{lang}.png")
            )
    finally:
        context.close()


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y")
