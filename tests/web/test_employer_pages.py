"""The employer's pages over HTTP: its quota obligation, vacancies and the anonymised
candidates of each, in kk and ru with no missing text and no code shown; no personal data of
a candidate ever; another employer's vacancy is the 404 page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from catalogs import law
from service.store.imports import import_records
from tests.web.conftest import EMPLOYER_BIN, Site
from tests.web.test_pages import logged_in, visible
from tests.web.test_vacancy_pages import codes_in


@pytest.fixture(scope="module")
def record(site: Site) -> None:
    """The employer's record: 120 people on the list, a quota of 3.5 % this year."""
    row = {
        "employer_bin": EMPLOYER_BIN, "name": "ТОО «Каспий Строй»", "kato": "471010000",
        "headcount": "120", "quota_percent": "3.5", "quota_year": str(date.today().year),
    }  # fmt: skip
    with site.rt.writing() as session:
        assert import_records(session, "employers", [row], protector=site.rt.protector).ok


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_employer_sees_its_obligation_and_vacancies(
    site: Site, record: None, lang: str
) -> None:
    employer = logged_in(site, "employer", lang)
    page = employer.get("/employer")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert not codes_in(page.text), codes_in(page.text)
    text = visible(page.text)
    assert "120 × " in text
    assert "3,5 %" in text
    owed = law.quota_obligation(120, 3.5)
    assert re.search(rf"= \D*{owed}\b", text)
    assert 'href="/employer/vacancies/V00001"' in page.text
    assert 'href="/employer/vacancies/V00002"' in page.text
    assert "V00003" not in page.text  # the other employer's
    assert {"kk": "Қалған күн", "ru": "Осталось дней"}[lang] in text
    window = re.search(
        r"V00001</span></td>\s*<td>6</td><td>(\S+)</td><td>(\S+)</td>\s*<td>(\d+)</td>", page.text
    )
    assert window, "the open window of V00001 with its days left"
    start, end, left = window.groups()
    assert start == (date.today() - timedelta(days=10)).strftime("%d.%m.%Y")  # the fixture's
    last = date(int(end[6:]), int(end[3:5]), int(end[:2]))
    assert int(left) == (last - date.today()).days


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_candidates_are_anonymised_and_worded(site: Site, lang: str) -> None:
    employer = logged_in(site, "employer", lang)
    page = employer.get("/employer/vacancies/V00001")
    assert page.status_code == 200
    assert not codes_in(page.text), codes_in(page.text)
    text = visible(page.text)
    assert re.search(r"C-[0-9A-Z]+", text)
    assert {"kk": "Жалпы орта", "ru": "Общее среднее"}[lang].lower() in text.lower()
    assert not re.search(r"P\d{5}", page.text)  # no person id
    assert "Жумабаев" not in page.text  # no name
    assert not re.search(r"\b\d{12}\b", text.replace(EMPLOYER_BIN, ""))  # no IIN
    assert "ЕЦ-166" not in page.text  # no institution


def test_another_employers_vacancy_is_the_404_page(site: Site) -> None:
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/employer/vacancies/V00003").status_code == 404
    assert employer.get("/employer/vacancies/V99999").status_code == 404
    other = logged_in(site, "other-employer", "ru")
    assert other.get("/employer/vacancies/V00001").status_code == 404
    assert "V00001" not in other.get("/employer").text
    officer = logged_in(site, "officer", "ru")
    assert officer.get("/employer").status_code == 404
