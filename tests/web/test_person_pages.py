"""The person page over HTTP: the IIN masked until the "show IIN" form (CSRF, audited as the
API's reveal), each list item's facts, the "why not" question, and the account's scope."""

from __future__ import annotations

import re

import pytest

from tests.factories import iin_number
from tests.web.conftest import Site
from tests.web.test_pages import _audited, csrf_of, logged_in, shown_codes, visible

DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_page_renders_every_item_fact_in_the_language(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    answer = officer.get("/persons/P00001")
    assert answer.status_code == 200
    assert not shown_codes(answer.text), shown_codes(answer.text)
    text = visible(answer.text)
    assert iin_number(serial=1) not in answer.text
    assert "********" + iin_number(serial=1)[-4:] in text
    words = {
        "kk": ["Жұмыс беруші", "Жалақы", "Кестесі", "вахталық әдіс", "Квота аяқталуы",
               "Бос орындар", "Бос орындар 12", "450 000 ₸", "Неге тізімде жоқ"],
        "ru": ["Работодатель", "Зарплата", "График", "вахтовый метод", "Квота до",
               "Свободные места", "Свободные места 12", "450 000 ₸", "Почему нет в списке"],
    }[lang]  # fmt: skip
    for word in words:
        assert word in text, word
    assert DATE.search(text)


def test_show_iin_needs_the_token_and_is_audited(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    page = officer.get("/persons/P00002").text
    assert 'action="/persons/P00002/iin"' in page
    refused = officer.post("/persons/P00002/iin", data={"csrf": "wrong"})
    assert refused.status_code == 403
    assert iin_number(serial=2) not in refused.text
    assert not _audited(site, "P00002", "reveal_iin")
    shown = officer.post("/persons/P00002/iin", data={"csrf": csrf_of(page)})
    assert shown.status_code == 200
    assert iin_number(serial=2) in visible(shown.text)
    assert _audited(site, "P00002", "reveal_iin")
    # once: the next visit shows it masked again
    assert iin_number(serial=2) not in officer.get("/persons/P00002").text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_why_not_says_the_rules_verdict(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    listed = officer.get("/persons/P00003", params={"why_kind": "vacancy", "why_item": "V00001"})
    assert listed.status_code == 200
    assert not shown_codes(listed.text)
    text = visible(listed.text)
    assert {"kk": "Тізімдегі орны", "ru": "Место в списке"}[lang] in text
    assert 'id="why-h"' in listed.text
    unknown = officer.get("/persons/P00003", params={"why_kind": "vacancy", "why_item": "V99999"})
    assert unknown.status_code == 404
    assert "V99999" in visible(unknown.text)  # the use case's message, on the person's page
    assert 'id="why-h"' in unknown.text
    bad = officer.get("/persons/P00003", params={"why_kind": "job", "why_item": "V00001"})
    assert bad.status_code == 422
    assert not shown_codes(bad.text)
    assert _audited(site, "P00003", "why")


def test_why_not_an_unknown_course_says_so_on_the_page(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    answer = officer.get("/persons/P00004", params={"why_kind": "course", "why_item": "C00404"})
    assert answer.status_code == 404
    assert "C00404" in visible(answer.text)


def test_out_of_scope_is_the_404_page(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    other = officer.get("/persons/P00050")
    assert other.status_code == 404
    page = officer.get("/persons/P00001").text
    assert officer.post("/persons/P00050/iin", data={"csrf": csrf_of(page)}).status_code == 404
    assert not _audited(site, "P00050", "reveal_iin")
    why = officer.get("/persons/P00050", params={"why_kind": "vacancy", "why_item": "V00001"})
    assert why.status_code == 404
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/persons/P00001").status_code == 404
    mine = employer.get("/referrals").text
    answer = employer.post("/persons/P00001/iin", data={"csrf": csrf_of(mine)})
    assert answer.status_code == 404
    assert iin_number(serial=1) not in answer.text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_why_not_shows_the_rules_that_exclude_an_item(site: Site, lang: str) -> None:
    """An account of every region (admin) asks about a person of Kokshetau and a vacancy in
    Aktau: the rules' verdicts in words, never their codes."""
    admin = logged_in(site, "admin", lang)
    answer = admin.get("/persons/P00050", params={"why_kind": "vacancy", "why_item": "V00001"})
    assert answer.status_code == 200
    assert not shown_codes(answer.text)
    section = answer.text[answer.text.index('id="why-h"') :]
    assert '<ul class="verdicts">' in section
    verdicts = re.findall(r'<ul class="verdicts">(.*?)</ul>', section, re.S)[0]
    assert re.search(r"<li>[^<_]{8,}</li>", verdicts)  # a sentence, not a code like too_far
    assert {"kk": "Ережелер бойынша", "ru": "Не подходит по правилам"}[lang] in visible(section)
