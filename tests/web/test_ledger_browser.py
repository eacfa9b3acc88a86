"""The quota ledger page in a real browser 1280 px wide (Debian's chromium), in Kazakh and in
Russian: the whole table in view, its last column too, with a long one-word employer name; one
row per place that says something: a city of republican significance (Almaty: the region is
the city, its own only district) is one row, not «Итого / Алматы / Алматы» with the same
figures three times; an oblast is its row and its districts', without a total repeating it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from catalogs.i18n import messages
from catalogs.reference.places import places
from service.store.imports import import_records
from tests.factories import bin_number, vacancy
from tests.web.conftest import REGION, Site
from tests.web.test_browser import browser, checked, log_in, shot

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with the other browser tests
ALMATY = "750000000"
ZHANAOZEN = "471810000"
"""A town of Mangystau region outside Aktau (the site's vacancies are in Aktau)."""
LONG_NAME = "ТОО «ВертикальСтройМатериалы»"
"""As long a single word as the demo's employers have (it once pushed the last column out)."""
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU"}
FITS = """() => {
  const box = document.querySelector('.wide').getBoundingClientRect();
  const last = [...document.querySelectorAll('table.ledger thead th')].pop();
  const wide = document.querySelector('.wide');
  return [last.getBoundingClientRect().right - box.right, wide.scrollWidth - wide.clientWidth,
          document.documentElement.scrollWidth - innerWidth];
}"""
PLACES = """() => [...document.querySelectorAll('table.ledger tbody tr:not(.level-employer)')]
  .map(tr => [[...tr.querySelector('th').childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
                .map(n => n.textContent).join('').trim(),
              [...tr.querySelectorAll('td')].map(td => td.innerText)])"""
"""The rows of places: the name (without the level said to screen readers) and the figures."""


@pytest.fixture(scope="module")
def cities(site: Site) -> Site:
    """Quota vacancies in Almaty (one employer with a long name) and in Zhanaozen; an officer
    of Almaty."""
    window = (date.today() - timedelta(days=10)).isoformat()
    rows = [
        vacancy(101, employer_bin=bin_number(21), employer_name=LONG_NAME, kato=ALMATY,
                quota_from=window, quota_slots="4"),
        vacancy(102, employer_bin=bin_number(22), employer_name="ТОО «Алатау Сервис»",
                kato=ALMATY, quota_from=window),
        vacancy(103, employer_bin=bin_number(23), employer_name="ТОО «Жаңаөзен Мұнай»",
                kato=ZHANAOZEN, quota_from=window, quota_slots="3"),
    ]  # fmt: skip
    with site.rt.writing() as session:
        assert import_records(session, "vacancies", rows, protector=site.rt.protector).ok
    site.account("officer", "almaty-officer", region_kato=ALMATY)
    return site


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page 1280 px wide in the browser language of the test's ``lang``."""
    lang = request.node.callspec.params["lang"]
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def place(kato: str, lang: str) -> str:
    found = places().get(kato)
    assert found is not None
    return found.name(lang)


def level(name: str, lang: str) -> str:
    """The level said to a screen reader before a row's name («регион: »)."""
    return messages("service").text(f"report_level_{name}", lang)


def open_ledger(page: Any, site: Site, login: str, lang: str) -> list[tuple[str, list[str]]]:
    """The ledger as ``login`` sees it, the whole table in view; the rows of places."""
    log_in(page, site, login, lang)
    page.goto(site.base + "/ledger")
    checked(page)
    past_edge, scrolled, page_scrolled = page.evaluate(FITS)
    assert past_edge <= 0.5, past_edge  # the last header ends inside the table's box
    assert scrolled == 0  # no sideways scrolling of the table ...
    assert page_scrolled == 0  # ... nor of the page
    return [(name, cells) for name, cells in page.evaluate(PLACES)]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_city_of_republican_significance_is_one_row(page: Any, cities: Site, lang: str) -> None:
    rows = open_ledger(page, cities, "almaty-officer", lang)
    shot(page, f"ledger-almaty-{lang}.png")
    assert [name for name, _ in rows] == [place(ALMATY, lang)], rows
    said = page.locator("table.ledger tbody tr:not(.level-employer) th").text_content()
    assert said.startswith(level("region", lang) + ":"), said  # a region, not a district
    employers = page.locator("table.ledger tbody tr.level-employer th").all_inner_texts()
    assert len(employers) == 2
    assert LONG_NAME.split()[1] in " ".join(employers).replace("\n", " ")
    assert rows[0][1][2] == "6"  # quota slots: 4 + 2, the city's whole


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_oblast_is_its_row_and_its_districts(page: Any, cities: Site, lang: str) -> None:
    rows = open_ledger(page, cities, "officer", lang)
    shot(page, f"ledger-oblast-{lang}.png")
    aktau, zhanaozen = places().districts(REGION)[0].kato, "471800000"
    names = [name for name, _ in rows]
    assert names == [place(REGION, lang), place(aktau, lang), place(zhanaozen, lang)], rows
    figures = [tuple(cells) for _, cells in rows]
    assert len(set(figures)) == len(figures), rows  # no row repeats another's figures
    slots = [int(cells[2]) for _, cells in rows]
    assert slots[0] == slots[1] + slots[2] > slots[1] > 0
