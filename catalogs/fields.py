"""Column parsers for the exchange formats: one small function per kind of value.

A parser takes what a CSV cell or a JSON value holds (a string, or a native number, boolean,
list or date) and returns the typed value, or raises ``FieldError`` with a message code and
its parameters. Empty cells never reach a parser: the schema gives them their default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalogs.identifiers import is_valid_12

Parser = Callable[[object], Any]


class FieldError(ValueError):
    """A value that does not fit its column: ``code`` names the message, ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Field:
    """One column of an exchange format."""

    name: str
    parse: Parser
    required: bool = False
    default: object = None


def is_empty(value: object) -> bool:
    """True for a missing value: None, an empty or blank string, or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def text(max_length: int = 500) -> Parser:
    """A string, trimmed; numbers from JSON are taken as their decimal text."""

    def parse(value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FieldError("expected_text")
        result = " ".join(str(value).split())
        if len(result) > max_length:
            raise FieldError("too_long", max=max_length)
        return result

    return parse


def pattern(regex: str, code: str, max_length: int) -> Parser:
    """Text that matches ``regex`` in full, else the error ``code``."""
    compiled = re.compile(regex)
    as_text = text(max_length)

    def parse(value: object) -> str:
        result: str = as_text(value)
        if not compiled.fullmatch(result):
            raise FieldError(code)
        return result

    return parse


identifier = pattern(r"[A-Za-z0-9_.:/-]{1,64}", "bad_identifier", 64)
"""An id: 1 to 64 ASCII letters, digits or ``_ . : / -``, no spaces: a look-alike letter of
another alphabet (the Cyrillic ``Р`` of ``Р00001``) would make a second, different id."""


_SPACES_IN_NUMBER = re.compile(r"[\s\u00a0\u202f_]")


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    """A whole number within bounds; "150 000" (with spaces) is read as 150000."""

    def parse(value: object) -> int:
        if isinstance(value, bool):
            raise FieldError("expected_integer")
        if isinstance(value, int):
            result = value
        elif isinstance(value, float) and value.is_integer():
            result = int(value)
        elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+", _SPACES_IN_NUMBER.sub("", value)):
            result = int(_SPACES_IN_NUMBER.sub("", value))
        else:
            raise FieldError("expected_integer")
        _check_bounds(result, minimum, maximum)
        return result

    return parse


def number(minimum: float | None = None, maximum: float | None = None) -> Parser:
    """A decimal number within bounds; a comma works as the decimal mark too."""

    def parse(value: object) -> float:
        if isinstance(value, bool):
            raise FieldError("expected_number")
        if isinstance(value, int | float):
            result = float(value)
        elif isinstance(value, str):
            try:
                result = float(_SPACES_IN_NUMBER.sub("", value).replace(",", "."))
            except ValueError:
                raise FieldError("expected_number") from None
        else:
            raise FieldError("expected_number")
        if result != result or result in (float("inf"), float("-inf")):
            raise FieldError("expected_number")
        _check_bounds(result, minimum, maximum)
        return result

    return parse


def _check_bounds(value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise FieldError("below_minimum", min=minimum)
    if maximum is not None and value > maximum:
        raise FieldError("above_maximum", max=maximum)


_TRUE = frozenset({"true", "1", "yes", "y", "да", "д", "иә", "иа", "ия", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "нет", "н", "жоқ", "жок", "f"})


def boolean(value: object) -> bool:
    """``true``/``false``, ``1``/``0``, ``да``/``нет``, ``иә``/``жоқ`` (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise FieldError("expected_boolean")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: object) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise FieldError("bad_date") from None
    raise FieldError("expected_date")


def choice(values: Sequence[str], aliases: dict[str, str] | None = None) -> Parser:
    """One of ``values`` (case-insensitive), or an alias of one."""
    lookup = {v.casefold(): v for v in values}
    lookup.update({k.casefold(): v for k, v in (aliases or {}).items()})
    allowed = ", ".join(values)

    def parse(value: object) -> str:
        if isinstance(value, str):
            found = lookup.get(value.strip().casefold())
            if found is not None:
                return found
        raise FieldError("not_one_of", allowed=allowed)

    return parse


def list_of(item: Parser) -> Parser:
    """A list: a JSON array, or a CSV cell with items separated by ``;``. Duplicates dropped."""

    def parse(value: object) -> list[Any]:
        if isinstance(value, str):
            raw: list[object] = [part for part in value.split(";") if part.strip()]
        elif isinstance(value, list | tuple):
            raw = [part for part in value if not is_empty(part)]
        else:
            raise FieldError("expected_list")
        result: list[Any] = []
        for part in raw:
            try:
                parsed = item(part)
            except FieldError as error:
                raise FieldError("bad_list_item", item=str(part), reason=error.code) from None
            if parsed not in result:
                result.append(parsed)
        return result

    return parse


def _code_text(value: object) -> str:
    """A code as text: strings trimmed, whole numbers from JSON written out; else empty."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def digits12(kind: str) -> Parser:
    """A 12-digit IIN or BIN with a valid check digit (``kind`` is ``iin`` or ``bin``)."""

    def parse(value: object) -> str:
        raw = _code_text(value)
        if len(raw) != 12 or not raw.isdigit():
            raise FieldError("expected_12_digits", kind=kind.upper())
        if not is_valid_12(raw):
            raise FieldError("bad_checksum", kind=kind.upper())
        return raw

    return parse


_ISCO = re.compile(r"^\d{4}$")
_NKZ = re.compile(r"^\d{4}-\d-\d{3}$")
"""An occupation of Kazakhstan's classifier (NKZ, NK RK 01-2017): ``7212-2-005``."""


def occupation_code(
    known: Callable[[str], bool], nkz: Callable[[str], bool] | None = None
) -> Parser:
    """A 4-digit ISCO-08 unit group that exists in the occupation reference; with ``nkz``,
    also an occupation code of Kazakhstan's classifier (``7212-2-005``) that ``nkz`` knows,
    kept as written (the schema derives its ISCO-08 unit group)."""

    def parse(value: object) -> str:
        raw = _code_text(value)
        if isinstance(value, int):
            raw = raw.zfill(4)  # 311 from a JSON number is 0311
        if nkz is not None and _NKZ.match(raw):
            if not nkz(raw):
                raise FieldError("unknown_nkz", nkz=raw)
            return raw
        if not _ISCO.match(raw):
            raise FieldError("expected_isco" if nkz is None else "expected_isco_or_nkz")
        if not known(raw):
            raise FieldError("unknown_isco", isco=raw)
        return raw

    return parse


def is_nkz_code(code: str) -> bool:
    """True for text written as an NKZ occupation code (whether or not it exists)."""
    return bool(_NKZ.match(code))
