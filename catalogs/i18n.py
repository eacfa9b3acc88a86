"""Messages in Russian, Kazakh and English, kept in JSON files next to the code that uses them.

Each layer (catalogs, matcher, service) has its own ``locales/{ru,kk,en}.json``, and may keep
the texts of one area apart in ``locales/AREA.{ru,kk,en}.json`` (a key belongs to one file
only); a ``Messages`` object loads one such folder. Russian is the fallback language, and a missing key is a bug that
the tests catch (every key must exist in all three files).

Two things a template may ask of a field, after a colon, as ``str.format`` does:

* **a number's noun in the right form**: ``{beds:one=# место|few=# места|many=# мест}``. The
  form is chosen by the language's CLDR plural category of the number (Babel's
  ``Locale.plural_form``): Russian has one (1, 21), few (2–4, 22), many (5, 11, 25) and other
  (1,5); Kazakh and English one and other. ``#`` stands for the number; a category a template
  does not name falls back to ``other``, then to the last form given. Kazakh nouns stay singular
  after a numeral («5 орын»), so a Kazakh template usually writes ``{beds} орын`` and needs none.
  The same form list shows a code as a word: ``{kind:IIN=ИИН|BIN=БИН|other=#}`` (a value that is
  not a number picks the form it names).
* **a day in a grammatical case**: ``{start:abl}`` (from: «с 03.05.2027» — the preposition is in
  the template), ``{end:dat}`` (until), ``{day:loc}`` (on). Russian and English write every day as
  27.01.2027 and leave the case to the preposition. Kazakh puts the ending on the month's name,
  as official texts do: «2027 жылғы 3 мамырдан бастап», «2027 жылғы 30 тамызға дейін»,
  «2027 жылғы 3 мамырда» (``KK_MONTH_CASES``). A day without a case is 27.01.2027 everywhere.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import get_decimal_symbol

LANGS: Final = ("ru", "kk", "en")
DEFAULT_LANG: Final = "ru"
CASES: Final = ("abl", "dat", "loc")
"""The cases a day can be asked for: ablative (from), dative (until), locative (on)."""

KK_MONTH_CASES: Final[dict[int, tuple[str, str, str]]] = {
    # month: (ablative -дан/-ден/-тан/-тен/-нан/-нен, dative -ға/-ге/-қа/-ке, locative -да/-де/-та/-те),
    # chosen by the last vowel (back or front) and the last sound (voiceless -т/-қ/-к, nasal -н).
    1: ("қаңтардан", "қаңтарға", "қаңтарда"),
    2: ("ақпаннан", "ақпанға", "ақпанда"),
    3: ("наурыздан", "наурызға", "наурызда"),
    4: ("сәуірден", "сәуірге", "сәуірде"),
    5: ("мамырдан", "мамырға", "мамырда"),
    6: ("маусымнан", "маусымға", "маусымда"),
    7: ("шілдеден", "шілдеге", "шілдеде"),
    8: ("тамыздан", "тамызға", "тамызда"),
    9: ("қыркүйектен", "қыркүйекке", "қыркүйекте"),
    10: ("қазаннан", "қазанға", "қазанда"),
    11: ("қарашадан", "қарашаға", "қарашада"),
    12: ("желтоқсаннан", "желтоқсанға", "желтоқсанда"),
}
"""Kazakh month names with the endings of each case (the forms of a closed list, written out)."""


class Messages:
    """The message templates of one package, by language."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.templates: dict[str, dict[str, str]] = {}
        folder = resources.files(package).joinpath("locales")
        for lang in LANGS:
            table: dict[str, str] = json.loads(folder.joinpath(f"{lang}.json").read_text("utf-8"))
            for part in sorted(
                (f for f in folder.iterdir() if f.name.endswith(f".{lang}.json")),
                key=lambda f: f.name,
            ):
                more: dict[str, str] = json.loads(part.read_text("utf-8"))
                if clash := sorted(set(more) & set(table)):
                    raise ValueError(f"{package}: {part.name} repeats {', '.join(clash)}")
                table.update(more)
            self.templates[lang] = table

    def text(self, code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
        """The message ``code`` in ``lang`` with ``params`` filled in; a day (a ``date`` or a
        ``YYYY-MM-DD`` string of a real day) is written as people here write it, 27.01.2027,
        a number's noun agrees with it and a day takes its case (see the module's notes)."""
        if lang not in self.templates:
            lang = DEFAULT_LANG
        template = self.templates[lang].get(code) or self.templates[DEFAULT_LANG].get(code)
        if template is None:
            raise KeyError(f"no message {code!r} in {self.package}")
        try:
            key = tuple((name, type(value), value) for name, value in params.items())
            return _rendered(template, lang, key)
        except TypeError:  # a value that cannot be a key (a list): formatted every time
            return _formatter(lang).vformat(template, (), params)


@lru_cache(maxsize=16384)
def _rendered(template: str, lang: str, key: tuple[tuple[str, type, object], ...]) -> str:
    """A template filled in, remembered: lists repeat the same few hundred texts (a distance,
    a salary, a count of places) request after request. The key holds each value's type, so
    that 1, 1.0 and True, which Python counts as one key, stay three texts."""
    return _formatter(lang).vformat(template, (), {name: value for name, _, value in key})


class _Formatter(string.Formatter):
    """``str.format`` with plural forms and Kazakh date cases, for one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs[str(key)]

    def format_field(self, value: Any, format_spec: str) -> str:
        if "=" in format_spec:
            return plural(value, format_spec, self.lang)
        if format_spec in CASES:
            return day_in_case(value, format_spec, self.lang)
        return str(super().format_field(local_day(value), format_spec))


@cache
def _formatter(lang: str) -> _Formatter:
    return _Formatter(lang)


def plural_category(n: float, lang: str) -> str:
    """The CLDR plural category of ``n`` in ``lang``: ``one``, ``few``, ``many`` or ``other``."""
    return str(_locale(lang if lang in LANGS else DEFAULT_LANG).plural_form(abs(n)))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural(value: object, forms: str, lang: str) -> str:
    """The form of ``forms`` (``one=# место|few=# места|many=# мест``) that agrees with
    ``value`` in ``lang``, ``#`` replaced by the number as given; a number written with spaces
    («2 000») counts as that number. A value that is not a number picks the form named by the
    value itself (``IIN=ИИН|BIN=БИН|other=#``: a code shown as a word), else ``other``."""
    table: dict[str, str] = {}
    for part in forms.split("|"):
        category, _, form = part.partition("=")
        table[category.strip()] = form
    number = _number(value)
    category = plural_category(number, lang) if number is not None else str(value)
    chosen = table.get(category) or table.get("other") or list(table.values())[-1]
    return chosen.replace("#", str(value))


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        digits = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        try:
            return float(digits.replace(",", ".")) if "," in digits else int(digits)
        except ValueError:
            return None
    return None


def day_in_case(value: object, case: str, lang: str) -> str:
    """``value`` (a day) in ``case`` (``abl``, ``dat``, ``loc``): 27.01.2027 in Russian and
    English, «2027 жылғы 27 қаңтардан» (and so on) in Kazakh; not a day: as it is."""
    day = _as_day(value)
    if day is None:
        return str(value)
    if lang != "kk":
        return day.strftime("%d.%m.%Y")
    return f"{day.year} жылғы {day.day} {KK_MONTH_CASES[day.month][CASES.index(case)]}"


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCAL_DAY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def _as_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, str) and (parts := _LOCAL_DAY.match(value)):
        try:
            return date(int(parts[3]), int(parts[2]), int(parts[1]))
        except ValueError:
            return None
    return None


def local_day(value: object) -> object:
    """``value`` written as 27.01.2027 when it is a day, else as it is."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value


@cache
def messages(package: str) -> Messages:
    """The messages of ``package`` (loaded once)."""
    return Messages(package)


LOCAL_TIME: Final = ZoneInfo("Asia/Almaty")
"""Kazakhstan's time: one zone, UTC+5, for the whole country since 1 March 2024 (the system's
time-zone database says so; the database keeps every moment in UTC)."""


def moment(value: datetime | str | None, *, seconds: bool = False) -> str:
    """A moment kept in UTC (a ``datetime`` or its ISO text), as a reader in Kazakhstan reads
    it: 27.01.2027 14:05, local time; a moment without a zone is UTC, as the database keeps it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIME).strftime(
        "%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M"
    )


def decimal(value: float, lang: str, digits: int | None = None) -> str:
    """A number with the language's decimal mark (CLDR's, through Babel): 0,8937 in Russian
    and Kazakh, 0.8937 in English; to ``digits`` places, or (None) as short as it is exact
    to six significant digits (302,5; 28)."""
    shown = f"{value:g}" if digits is None else f"{value:.{digits}f}"
    return shown.replace(".", _decimal_symbol(lang if lang in LANGS else DEFAULT_LANG))


@cache
def _decimal_symbol(lang: str) -> str:
    return str(get_decimal_symbol(lang))
