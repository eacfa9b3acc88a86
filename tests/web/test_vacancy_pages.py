"""The officer's vacancy page over HTTP: details and candidates in kk and ru with no missing
text and no code shown, referring a candidate, CSRF, and scope (404 outside the region, and
for an employer)."""

from __future__ import annotations

import re
import time

import pytest
from sqlmodel import select

from service.store.imports import import_records
from service.store.tables import Referral
from tests.factories import KOKSHETAU, bin_number, vacancy
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, logged_in, shown_codes, visible

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
"""A code such as ``housing_search`` or ``general_secondary``: never shown to a person."""


def codes_in(html: str) -> set[str]:
    """Codes a person would read on the page: the known enum words and any snake_case."""
    text = visible(html)
    return shown_codes(html) | set(SNAKE.findall(text))


@pytest.fixture(scope="module")
def far(site: Site) -> str:
    """A vacancy in another region (Kokshetau): unknown to a Mangystau officer."""
    with site.rt.writing() as session:
        row = vacancy(40, employer_bin=bin_number(9), kato=KOKSHETAU, employer_name="ТОО «Север»")
        assert import_records(session, "vacancies", [row], protector=site.rt.protector).ok
    return "V00040"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_vacancy_page_shows_details_and_candidates_in_the_language(
    site: Site, lang: str
) -> None:
    officer = logged_in(site, "officer", lang)
    page = officer.get("/vacancies/V00001")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert not codes_in(page.text), codes_in(page.text)
    text = visible(page.text)
    assert "Электрогазосварщик 5 разряда" in text
    assert "ТОО «Каспий Строй»" in text
    assert "450\u00a0000 ₸" in text or "450 000 ₸" in text
    assert re.search(r"\d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}", text)
    assert {"kk": "вахталық әдіс", "ru": "вахтовый метод"}[lang] in text
    assert len(re.findall(r'name="person_id" value="P\d{5}"', page.text)) > 0
    assert "P00050" not in page.text  # a person of another region is never a candidate here


def test_an_officer_refers_a_candidate_from_the_vacancy_page(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    page = officer.get("/vacancies/V00002")
    person = re.findall(r'name="person_id" value="(P\d{5})"', page.text)[0]
    made = officer.post(
        "/vacancies/V00002/referrals", data={"csrf": csrf_of(page.text), "person_id": person}
    )
    assert made.status_code == 303
    assert re.match(r"/vacancies/V00002\?made=\d+#candidates$", made.headers["location"])
    with site.rt.session() as session:
        rows = list(
            session.exec(
                select(Referral).where(Referral.person_id == person, Referral.item_id == "V00002")
            )
        )
    assert [r.state for r in rows] == ["sent"]
    after = officer.get(made.headers["location"])
    assert "Направление" in visible(after.text) or "направлен" in visible(after.text).lower()
    again = officer.post(
        "/vacancies/V00002/referrals", data={"csrf": csrf_of(after.text), "person_id": person}
    )
    assert again.status_code == 409  # already referred: said on the page, nothing written
    assert 'role="alert"' in again.text
    assert "Электрогазосварщик" in again.text


def test_a_referral_to_an_unknown_or_foreign_person_is_refused_on_the_page(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    token = csrf_of(officer.get("/vacancies/V00001").text)
    for person in ("P99999", "P00050"):
        answer = officer.post(
            "/vacancies/V00001/referrals", data={"csrf": token, "person_id": person}
        )
        assert answer.status_code == 404
        assert 'role="alert"' in answer.text
    with site.rt.session() as session:
        assert not list(session.exec(select(Referral).where(Referral.person_id == "P00050")))


def test_the_refer_form_needs_its_token(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    answer = officer.post("/vacancies/V00001/referrals", data={"person_id": "P00003"})
    assert answer.status_code == 403
    with site.rt.session() as session:
        assert not list(session.exec(select(Referral).where(Referral.person_id == "P00003")))


def test_another_regions_vacancy_shows_its_details_and_only_this_regions_candidates(
    site: Site, far: str
) -> None:
    """A person's list may hold a vacancy elsewhere (a move): its details are not personal
    data, so any staff account reads them; the candidates stay the account's region's."""
    officer = logged_in(site, "officer", "kk")
    deadline = time.monotonic() + 30
    page = officer.get(f"/vacancies/{far}")
    while page.status_code == 404 and time.monotonic() < deadline:  # served once the engine
        time.sleep(0.1)  # sees the import (it looks every 2 s)
        page = officer.get(f"/vacancies/{far}")
    assert page.status_code == 200, page.text[:300]
    assert "ТОО «Север»" in visible(page.text)
    assert "P00050" not in page.text  # Kokshetau's own person is not this officer's
    assert "Другой Регион" not in page.text
    assert not codes_in(page.text), codes_in(page.text)
    assert officer.get("/vacancies/V99999").status_code == 404
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/vacancies/V00001").status_code == 404  # staff's page, not the employer's
    assert employer.get(f"/employer/vacancies/{far}").status_code == 404  # another employer's


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_candidates_are_named_for_staff_and_anonymous_to_the_employer(
    site: Site, lang: str
) -> None:
    officer = logged_in(site, "officer", lang)
    page = officer.get("/vacancies/V00001")
    named = re.findall(r'<a href="/persons/(P\d{5})">([^<]+)</a>', page.text)
    assert named, page.text[:500]
    for person_id, name in named:
        assert name == f"Жумабаев Ержан {int(person_id[1:])}"
    employer = logged_in(site, "employer", lang)
    anonymous = employer.get("/employer/vacancies/V00001")
    assert anonymous.status_code == 200
    assert "Жумабаев" not in anonymous.text
    assert "/persons/" not in anonymous.text


def test_the_person_page_links_its_vacancies(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    page = officer.get("/persons/P00001")
    assert re.search(r'href="/vacancies/V\d{5}"', page.text)
