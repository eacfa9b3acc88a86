"""Issue 15, findings 8 and 9: the quota CSV opens as columns in a Kazakh or Russian Excel
(RFC 4180 on request), the chart is one a ministry reader can read, and ``matcher stats``
counts quota slots as the ledger does, saying what it counts."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sqlmodel import Session

from catalogs.i18n import messages
from catalogs.reference.places import places
from service.api.app import create_app
from service.reports import quota as reports
from service.reports import render
from service.runtime import Runtime
from service.store import stats, tokens
from tests.service.test_reports import AS_OF, world

__all__ = ["world"]  # the hand-counted world of test_reports: 2 regions, 3 districts
TEXT = messages("service").text


def _ledger(session: Session, kato: str | None = None) -> reports.QuotaLedger:
    return reports.quota_ledger(session, kato=kato, today=AS_OF)


# -- CSV ------------------------------------------------------------------------------------


def test_the_default_csv_is_for_a_kazakh_or_russian_excel(session: Session, world: None) -> None:
    text = render.to_csv(_ledger(session), "ru")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte order mark
    lines = text[1:].split("\r\n")
    assert lines[0].startswith("уровень;код;наименование;КАТО области;")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, total = rows[0], rows[1]
    assert len(header) == len(render.CSV_COLUMNS)
    cell = dict(zip(render.CSV_COLUMNS, total, strict=True))
    assert cell["level"] == "итого"
    assert cell["fulfilment_rate"] == "0,3077"  # a decimal comma
    assert cell["as_of"] == "30.06.2026"
    assert cell["quota_slots"] == "13"
    kazakh = list(csv.reader(io.StringIO(render.to_csv(_ledger(session), "kk")[1:]), delimiter=";"))
    assert [row[0] for row in kazakh[1:4]] == ["барлығы", "өңір", "аудан"]
    assert kazakh[0][-2] == "есеп күні"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_codes_in_a_kazakh_or_russian_csv_header(
    session: Session, world: None, lang: str
) -> None:
    header = render.to_csv(_ledger(session), lang)[1:].split("\r\n")[0]
    assert not any("a" <= ch.lower() <= "z" for ch in header.replace("КАТО", "")), header


def test_rfc4180_on_request(session: Session, world: None) -> None:
    text = render.to_csv(_ledger(session), "kk", "rfc4180")
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(render.CSV_COLUMNS)  # machine headers, whatever the language
    cell = dict(zip(render.CSV_COLUMNS, rows[1], strict=True))
    assert (cell["level"], cell["fulfilment_rate"], cell["as_of"]) == (
        "total",
        "0.3077",
        "2026-06-30",
    )
    assert cell["name"] == "Барлығы"


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def _officer(session: Session) -> dict[str, str]:
    secret = tokens.create(session, role="officer")[0]
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "kk"}


def test_the_api_and_the_command_line_offer_both(
    client: TestClient,
    session: Session,
    world: None,
    run: Any,
) -> None:
    headers = _officer(session)
    url = "/api/v1/reports/quota?format=csv&as_of=2026-06-30"
    excel = client.get(url, headers=headers)
    assert excel.status_code == 200
    assert excel.content.startswith(b"\xef\xbb\xbf")
    assert excel.text.lstrip("\ufeff").startswith("деңгей;код;атауы;")
    assert "attachment" in excel.headers["content-disposition"]
    plain = client.get(url + "&dialect=rfc4180", headers=headers)
    assert plain.content.startswith(b"level,key,name,")
    assert client.get(url + "&dialect=tsv", headers=headers).status_code == 422

    printed = run("report", "quota", "--csv", "--as-of", "2026-06-30", "--lang", "ru")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("\ufeffуровень;код;")
    machine = run("report", "quota", "--csv", "--dialect", "rfc4180", "--as-of", "2026-06-30")
    assert machine.stdout.startswith("level,key,name,")
    wrong = run("report", "quota", "--csv", "--dialect", "tsv")
    assert wrong.exit_code == 2


# -- the chart --------------------------------------------------------------------------------


def _bars(figure: Figure) -> tuple[list[str], list[float]]:
    axes = figure.axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    widths = [patch.get_width() for patch in axes.patches if isinstance(patch, Rectangle)]
    return labels, widths


def _texts(figure: Figure) -> str:
    """Every text of the figure, on one line (long ones are wrapped)."""
    return _flat(" ".join(t.get_text() for t in [*figure.texts, *figure.axes[0].texts]))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_country_chart_shows_the_regions_by_fulfilment_in_percent(
    session: Session, world: None
) -> None:
    ledger = _ledger(session)
    figure = render.chart_figure(ledger, "ru")
    labels, widths = _bars(figure)
    # every region and city of national significance, named in the language, best first
    assert len(labels) == len(places().regions()) == 20
    assert labels[:2] == ["Акмолинская область", "Мангистауская область"]
    assert widths[:2] == [pytest.approx(40.0), pytest.approx(25.0)]  # 2 of 5, 2 of 8 slots
    assert all(width == 0 for width in widths[2:])  # no quota slots there
    assert len(figure.axes[0].patches) == 20
    axes = figure.axes[0]
    assert axes.get_xlim()[0] == 0
    assert axes.get_xlim()[1] >= 100
    ticks = [label.get_text() for label in axes.get_xticklabels()]
    assert ticks[0] == "0 %"
    assert "100 %" in ticks
    words = _texts(figure)
    assert "30.06.2026" in words
    assert TEXT("report_chart_definition", "ru") in words
    assert "40,0 % — заполнено 2 из 5" in words


def test_a_region_chart_shows_its_districts(session: Session, world: None) -> None:
    figure = render.chart_figure(_ledger(session, "47"), "kk")
    labels, widths = _bars(figure)
    assert labels[:2] == ["Бейнеу ауданы", "Ақтау"]  # 1 of 3 slots, 1 of 5
    assert widths[:2] == [pytest.approx(100 / 3), pytest.approx(20.0)]
    # then the region's other districts, without quota slots
    assert len(labels) == len(places().districts("470000000")) == 7
    assert "Жаңаөзен" in labels[2:]
    assert widths[2:] == [0] * 5
    assert TEXT("report_chart_definition", "kk") in _texts(figure)


def test_over_100_percent_is_drawn_as_it_is(session: Session, world: None) -> None:
    ledger = _ledger(session, "47")
    row = ledger.level("district")[0]
    over = reports.QuotaLedger(
        today=ledger.today,
        kato=ledger.kato,
        rows=[
            ledger.total,
            *ledger.level("region"),
            row.__class__(**{**row.__dict__, "fulfilled": 7}),
        ],
        windows=[],
        outcomes=None,
    )
    figure = render.chart_figure(over, "en")
    _, widths = _bars(figure)
    assert widths[0] == pytest.approx(100 * 7 / row.quota_slots)  # 140 %, not cut at 100
    assert widths[0] > 100
    assert figure.axes[0].get_xlim()[1] >= widths[0]


# -- stats and the ledger ---------------------------------------------------------------------


def test_stats_and_the_ledger_count_quota_slots_alike(session: Session, world: None) -> None:
    counts = stats.collect(session, today=AS_OF)
    total = _ledger(session).total
    assert (counts.quota_vacancies, counts.quota_slots) == (total.quota_vacancies, 13)
    assert (counts.quota_vacancies_in_window, counts.quota_slots_in_window) == (
        total.windows_open,
        total.quota_slots_in_window,
    )
    assert total.quota_slots_in_window < total.quota_slots


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_stats_and_the_ledger_say_what_they_count(run: Any, world: None, lang: str) -> None:
    definition = TEXT("quota_slots_definition", lang)
    shown = run("--lang", lang, "stats")
    assert shown.exit_code == 0, shown.output
    assert definition in _flat(shown.output)
    ledger = run("--lang", lang, "report", "quota", "--as-of", "2026-06-30")
    assert ledger.exit_code == 0, ledger.output
    assert definition in _flat(ledger.output)
