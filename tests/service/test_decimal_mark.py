"""One decimal mark: every figure a person reads takes its decimal mark from
``catalogs.i18n.decimal`` (CLDR's symbol for the language), never from a hand-written
replacement, keeping the width and the places each figure had; the Excel CSV keeps its decimal
comma whatever the language of its headers, and the RFC 4180 CSV its point."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

import catalogs.i18n
from matcher.rank import shown
from service.cli.help import written
from service.reports.chart import percent_label
from service.reports.render import _excel_cell
from service.web.admin_model import _share
from service.web.ledger import number

ROOT = Path(__file__).parent.parent.parent
MARK = "⸴"
"""A decimal mark no language has: a figure that shows it came through the one function."""


class _Chance:
    scores_chance = True


class _Fit:
    scores_chance = False


@pytest.fixture
def odd_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogs.i18n, "_decimal_symbol", lambda lang: MARK)


def test_every_figure_takes_its_mark_from_the_one_function(odd_mark: None) -> None:
    assert shown.value(_Fit(), 0.9123, "ru") == f"0{MARK}912"
    assert shown.share(_Fit(), 0.0456, "kk") == f"0{MARK}046"
    assert shown.share(_Chance(), 0.123, "ru") == f"+12{MARK}3"
    assert number(2.5, "ru") == f"2{MARK}5"
    assert written(1.0, "kk") == f"1{MARK}0"
    assert written("2.50", "ru") == f"2{MARK}50"
    assert _excel_cell(0.3077) == f"0{MARK}3077"
    assert percent_label(30.75, "kk") == f"30{MARK}8 %"
    assert _share(0.978, "ru") == f"97{MARK}8 %"


@pytest.mark.parametrize(
    ("lang", "label", "share"),
    [("ru", "30,8 %", "97,8 %"), ("kk", "30,8 %", "97,8 %"), ("en", "30.8%", "97.8%")],
)
def test_a_percentage_keeps_its_places_and_its_sign(lang: str, label: str, share: str) -> None:
    assert percent_label(30.8, lang) == label
    assert percent_label(100.0, lang, 0) == ("100%" if lang == "en" else "100 %")
    assert _share(0.978, lang) == share
    assert _share(1.0, lang) == ("100%" if lang == "en" else "100 %")
    assert _share(None, lang) == _share(math.nan, lang) == "—"


@pytest.mark.parametrize(
    ("lang", "fit", "chance", "down"),
    [("ru", "0,912", "+12,3", "-0,4"), ("en", "0.912", "+12.3", "-0.4")],
)
def test_a_score_and_its_shares_keep_their_places_and_signs(
    lang: str, fit: str, chance: str, down: str
) -> None:
    assert shown.value(_Fit(), 0.91234, lang) == fit
    assert shown.share(_Chance(), 0.123, lang) == chance
    assert shown.share(_Chance(), -0.004, lang) == down
    assert shown.share(_Chance(), 0.0, lang) == chance[0] + "0" + chance[3] + "0"
    assert shown.share(_Chance(), math.nan, lang) == "+nan"


def test_the_excel_csv_keeps_a_comma_in_every_language_and_every_place() -> None:
    assert _excel_cell(7.0) == "7,0"
    assert _excel_cell(0.3333) == "0,3333"
    assert _excel_cell(True) is True
    assert _excel_cell(12) == 12


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (1.0, "1,0", "1.0"),
        ("0.734", "0,734", "0.734"),
        ("-2.50", "-2,50", "-2.50"),
        ("27.01.2027", "27.01.2027", "27.01.2027"),  # a day
        ("+2.5", "+2.5", "+2.5"),  # as typed
        ("3.14159265358979323846", "3.14159265358979323846", "3.14159265358979323846"),
        (200, "200", "200"),
        (None, "None", "None"),
    ],
)
def test_a_bound_or_a_typed_number_is_written_again_with_its_places(
    value: object, ru: str, en: str
) -> None:
    assert written(value, "ru") == written(value, "kk") == ru
    assert written(value, "en") == en


def _hand_written_marks(path: Path) -> list[int]:
    """The lines of ``path`` that replace a point by a comma in a string by hand."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "replace"
            and [getattr(arg, "value", None) for arg in node.args[:2]] == [".", ","]
        ):
            found.append(node.lineno)
    return found


def test_no_module_writes_a_decimal_comma_by_hand() -> None:
    offenders = {
        str(path.relative_to(ROOT))
        for package in ("catalogs", "matcher", "service", "simulator")
        for path in (ROOT / package).rglob("*.py")
        if _hand_written_marks(path)
    }
    assert offenders == set()
