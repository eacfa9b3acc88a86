"""The administrator's main task in a real browser (Debian's chromium driven by Playwright), in
Kazakh and in Russian: upload a bad file and read its errors, then a good one; create an
account and read its one-time password; axe-core on every admin page, with a screenshot of
each page in each language when SCREENSHOTS names their folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from catalogs.i18n import messages
from service.api.routes import data as api
from tests.factories import AKTAU, csv_bytes, vacancy
from tests.web.conftest import Site
from tests.web.test_admin_pages import CARD, run_queue
from tests.web.test_browser import browser, checked, log_in, page, shot, web

__all__ = ["browser", "page"]  # the fixtures, shared with the other browser tests
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def learned(site: Site) -> str:
    from service.store.tables import ModelVersion

    with site.rt.writing() as session:
        if session.get(ModelVersion, CARD["version"]) is None:
            session.add(ModelVersion(version=CARD["version"], kind="learned", card=CARD))
            session.commit()
    return str(CARD["version"])


@pytest.mark.parametrize(("lang", "first"), [("kk", 60), ("ru", 70)])
def test_admin_uploads_a_bad_file_then_a_good_one_and_makes_an_account(
    page: Any, site: Site, tmp_path: Path, lang: str, first: int
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([vacancy(first, kato=AKTAU), vacancy(first + 1, salary_kzt="—", kato=AKTAU)])
    )
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([vacancy(first + n, kato=AKTAU) for n in range(3)]))
    log_in(page, site, "admin", lang)
    page.get_by_role("link", name=web("nav_admin", lang)).click()
    assert page.url.endswith("/admin/imports")
    checked(page)
    page.get_by_label(web("admin_import_kind", lang), exact=True).select_option("vacancies")
    page.get_by_label(web("admin_import_file", lang), exact=True).set_input_files(str(bad))
    page.get_by_label(web("admin_import_write", lang), exact=True).check()
    page.get_by_role("button", name=web("admin_import_send", lang)).click()
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[:2] == ["3", "salary_kzt"]
    assert re.search(r"[а-яәіңғүұқөһ]", cells[3])  # the reason, in the page's language
    assert web("admin_import_nothing_written", lang) in page.inner_text("main")
    checked(page)
    shot(page, f"admin-import-errors-{lang}.png")

    page.get_by_label(web("admin_import_file", lang), exact=True).set_input_files(str(good))
    page.get_by_role("button", name=web("admin_import_send", lang)).click()
    done = web("admin_import_done", lang, kind=web("admin_kind_vacancies", lang), rows=3,
               inserted=3, updated=0)  # fmt: skip
    assert done in page.inner_text("main")
    assert page.locator("#import-errors").count() == 0
    checked(page)
    shot(page, f"admin-imports-{lang}.png")

    page.get_by_role("link", name=web("admin_accounts_title", lang)).first.click()
    assert page.url.endswith("/admin/accounts")
    login = f"officer-{lang}"
    page.get_by_label(web("admin_col_role", lang), exact=True).select_option("officer")
    page.get_by_label(web("admin_col_login", lang), exact=True).fill(login)
    page.get_by_label(web("admin_col_name", lang), exact=True).fill("Нұрлан Әбенов")
    page.get_by_label(web("admin_region_staff", lang), exact=True).select_option("470000000")
    page.get_by_role("button", name=web("admin_account_create", lang)).click()
    assert web("admin_account_created", lang, login=login) in page.inner_text("main")
    password = page.get_by_label(web("admin_one_time_password", lang), exact=True).input_value()
    assert len(password) >= 10
    assert login in page.locator("#accounts").inner_text()
    checked(page)
    shot(page, f"admin-accounts-{lang}.png")


@pytest.mark.parametrize(("lang", "first"), [("kk", 80), ("ru", 90)])
def test_every_admin_page_passes_axe(
    page: Any, site: Site, learned: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    lang: str, first: int,
) -> None:  # fmt: skip
    monkeypatch.setattr(api, "LARGE_IMPORT", 10)  # this small file goes the large files' way
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([vacancy(first + n, kato=AKTAU) for n in range(2)]))
    log_in(page, site, "admin", lang)
    page.goto(site.base + "/admin/imports")
    page.get_by_label(web("admin_import_kind", lang), exact=True).select_option("vacancies")
    page.get_by_label(web("admin_import_file", lang), exact=True).set_input_files(str(good))
    page.get_by_role("button", name=web("admin_import_send", lang)).click()
    assert re.search(r"/admin/jobs/[0-9a-f]+$", page.url)
    run_queue(site)
    state = page.locator("#job-state")
    state.filter(has_text=web("admin_job_state_succeeded", lang)).wait_for(timeout=60_000)
    checked(page)
    shot(page, f"admin-job-{lang}.png")
    for path, name in (
        ("/admin/jobs", "admin-jobs"), ("/admin/tokens", None),
        (f"/admin/model/versions/{learned}", "admin-model"), ("/admin/model", None),
        ("/admin/audit?verify=1", "admin-audit"),
    ):  # fmt: skip
        answer = page.goto(site.base + path)
        assert answer.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        checked(page)
        if name:
            shot(page, f"{name}-{lang}.png")
    page.goto(site.base + "/admin/tokens")
    page.get_by_label(web("admin_col_label", lang), exact=True).fill("Интеграция")
    page.get_by_label(web("admin_col_role", lang), exact=True).select_option("admin")
    page.get_by_role("button", name=web("admin_token_create", lang)).click()
    assert page.get_by_label(web("admin_token", lang), exact=True).input_value().startswith(
        "mt_"
    ) or (len(page.get_by_label(web("admin_token", lang), exact=True).input_value()) > 30)
    checked(page)
    shot(page, f"admin-tokens-{lang}.png")
    page.goto(site.base + f"/admin/model/versions/{learned}")
    title = web("admin_chart_title", lang, kind=web("kind_vacancy", lang),
                attribute=messages("service").text("attribute_sex", lang))  # fmt: skip
    assert page.get_by_role("img", name=title).count() == 1
