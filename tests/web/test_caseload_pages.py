"""The caseload page over HTTP: sorting by each column (either way, the filters kept, the
sorted column said to assistive technology), the release windows, referral filters and the
search by id, IIN or name, all within the account's region."""

from __future__ import annotations

import re

import pytest

from tests.factories import iin_number
from tests.web.conftest import Site
from tests.web.test_pages import logged_in, shown_codes

REGION_PERSONS = [f"P{n:05d}" for n in range(1, 9)]
"""The fixture's region's persons, released 3, 6, 9, 11, 16, 30, 40 and 50 weeks from today."""


def listed(html: str) -> list[str]:
    """The persons' ids as the caseload's rows show them, in order."""
    return re.findall(r'<td><a href="/persons/(P\d+)">', html)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_sort_renders_in_the_language_and_marks_its_column(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    for sort in ("release", "name", "status", "district"):
        for order, state in (("asc", "ascending"), ("desc", "descending")):
            answer = officer.get("/persons", params={"sort": sort, "order": order})
            assert answer.status_code == 200, (sort, order)
            assert not shown_codes(answer.text), (sort, shown_codes(answer.text))
            assert answer.text.count("aria-sort=") == 1
            assert f'aria-sort="{state}"><a class="sort" href="/persons?' in answer.text
            assert sorted(listed(answer.text)) == REGION_PERSONS


def test_release_and_name_sort_either_way(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    soonest = listed(officer.get("/persons").text)
    assert soonest == REGION_PERSONS
    latest = listed(officer.get("/persons", params={"sort": "release", "order": "desc"}).text)
    assert latest == soonest[::-1]
    by_name = listed(officer.get("/persons", params={"sort": "name"}).text)
    assert by_name == REGION_PERSONS  # «Жумабаев Ержан 1» … «Жумабаев Ержан 8»
    by_name_down = listed(officer.get("/persons", params={"sort": "name", "order": "desc"}).text)
    assert by_name_down == REGION_PERSONS[::-1]


def test_a_header_link_keeps_the_filters_and_turns_the_order(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    html = officer.get("/persons", params={"release": "24", "need": "housing", "sort": "name"}).text
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'<a class="sort" href="([^"]+)"', html)]
    assert len(hrefs) == 4
    for href in hrefs:
        assert "release=24" in href
        assert "need=housing" in href
    assert any("sort=name&order=desc" in href for href in hrefs)
    assert any("sort=release&order=asc" in href for href in hrefs)
    # within 24 weeks (3, 6, 9, 11, 16) and needing housing (odd numbers): 1, 3, 5
    assert listed(html) == ["P00001", "P00003", "P00005"]
    paged = officer.get(
        "/persons", params={"release": "24", "need": "housing", "sort": "name", "order": "desc"}
    ).text
    assert listed(paged) == ["P00005", "P00003", "P00001"]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [("4", REGION_PERSONS[:1]), ("12", REGION_PERSONS[:4]), ("24", REGION_PERSONS[:5])],
)
def test_the_release_windows(site: Site, weeks: str, expected: list[str]) -> None:
    officer = logged_in(site, "officer", "kk")
    assert listed(officer.get("/persons", params={"release": weeks}).text) == expected


def test_search_by_id_iin_and_name_stays_in_the_region(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    assert listed(officer.get("/persons", params={"q": "p00003"}).text) == ["P00003"]
    assert listed(officer.get("/persons", params={"q": iin_number(serial=4)}).text) == ["P00004"]
    assert listed(officer.get("/persons", params={"q": "ержан 6"}).text) == ["P00006"]
    assert listed(officer.get("/persons", params={"q": "ЖУМАБАЕВ"}).text) == REGION_PERSONS
    # the other region's person is found neither by name, nor by id, nor by IIN
    for q in ("Другой Регион", "P00050", iin_number(serial=50)):
        html = officer.get("/persons", params={"q": q}).text
        assert listed(html) == [], q
    # the box keeps what was typed
    assert 'value="ержан 6"' in officer.get("/persons", params={"q": "ержан 6"}).text


def test_the_referral_filters_exist(site: Site) -> None:
    officer = logged_in(site, "officer", "kk")
    html = officer.get("/persons").text
    for value in ("none", "waiting", "overdue"):
        assert f'<option value="{value}"' in html
    for weeks in ("4", "12", "24"):
        assert f'<option value="{weeks}"' in html


@pytest.mark.parametrize(
    "params",
    [{"sort": "iin"}, {"status": "free"}, {"release": "5"}, {"need": "money"}, {"q": "я" * 300}],
)
def test_a_bad_question_is_a_clear_400_not_a_failure(site: Site, params: dict[str, str]) -> None:
    officer = logged_in(site, "officer", "ru")
    answer = officer.get("/persons", params=params)
    assert answer.status_code in (400, 422), (params, answer.status_code)
    assert not shown_codes(answer.text)


def test_an_employer_has_no_caseload(site: Site) -> None:
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/persons", params={"sort": "name"}).status_code == 404
