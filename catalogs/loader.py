"""Read an exchange file (CSV or JSON) as a stream of validated rows.

``load`` never holds the file in memory: it yields each row as soon as it is read, either
``Valid`` (a typed record) or ``Invalid`` (every problem of that row). Whether to keep the
valid rows when some are invalid is the caller's decision; the service keeps none.

Positions: for CSV, ``line`` is the line in the file where the row starts (the header is
line 1); for JSON, it is the record's number in the array (the first is 1).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Literal

import ijson

from catalogs.i18n import DEFAULT_LANG, messages
from catalogs.schema import Problem, Record, Schema

Format = Literal["csv", "json"]
csv.field_size_limit(1_000_000)


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason a row (or the whole file, at line 0 or 1) cannot be imported."""

    line: int
    column: str | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    unit: Literal["line", "record"] = "line"

    def reason(self, lang: str = DEFAULT_LANG) -> str:
        """The reason alone, in ``lang``."""
        params = {k: _short(v) for k, v in self.params.items()}
        return messages("catalogs").text(self.code, lang, **params)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """``line 5, column salary_kzt: ...`` in ``lang``."""
        text = messages("catalogs")
        where = text.text(f"at_{self.unit}", lang, line=self.line)
        if self.column:
            where += text.text("at_column", lang, column=self.column)
        value = self.params.get("value")
        shown = "" if value is None else text.text("value_suffix", lang, value=_short(value))
        return f"{where}: {self.reason(lang)}{shown}"

    def as_dict(self, lang: str = DEFAULT_LANG) -> dict[str, object]:
        value = self.params.get("value")
        return {
            self.unit: self.line,
            "column": self.column,
            "code": self.code,
            "value": None if value is None else _short(value),
            "message": self.reason(lang),
        }


def _short(value: object) -> str:
    shown = str(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


@dataclass(frozen=True, slots=True)
class Valid:
    line: int
    record: Record
    unit: Literal["line", "record"] = "line"


@dataclass(frozen=True, slots=True)
class Invalid:
    line: int
    errors: tuple[RowError, ...]


class FileFormatError(Exception):
    """The file as a whole cannot be read (not UTF-8, not CSV, not a JSON array)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message("en"))
        self.error = error


def detect_format(name: str | None, head: bytes) -> Format:
    """JSON when the name ends in .json or the content starts with ``[``, else CSV."""
    if name and name.lower().endswith(".json"):
        return "json"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    return "json" if stripped.startswith(b"[") else "csv"


def load(schema: Schema, stream: IO[bytes], *, fmt: Format) -> Iterator[Valid | Invalid]:
    """Validate every row of ``stream`` against ``schema``, one at a time.

    Raises ``FileFormatError`` when the file cannot be read at all.
    """
    if fmt == "csv":
        yield from _validate(schema, _read_csv(schema, stream), unit="line")
    else:
        yield from _validate(schema, _read_json(stream), unit="record")


Rows = Iterable[tuple[int, Mapping[str, object] | RowError | list[RowError]]]


def _validate(
    schema: Schema, rows: Rows, *, unit: Literal["line", "record"]
) -> Iterator[Valid | Invalid]:
    known = set(schema.columns)
    seen: dict[tuple[object, ...], int] = {}
    header_missing: set[str] = set()
    for line, raw in rows:
        if isinstance(raw, RowError):
            yield Invalid(line, (raw,))
            continue
        if isinstance(raw, list):  # header problems of a CSV file
            header_missing = {e.column for e in raw if e.code == "missing_column" and e.column}
            yield Invalid(line, tuple(raw))
            continue
        errors = [
            RowError(line, column, "unknown_column", {"column": column}, unit)
            for column in raw
            if column not in known and unit == "record"
        ]
        record, problems = schema.parse(raw)
        errors += [
            RowError(line, p.column, p.code, p.params, unit)
            for p in problems
            if not (p.code == "required" and p.column in header_missing)
        ]
        if not errors:
            key = tuple(record[name] for name in schema.key)
            first = seen.setdefault(key, line)
            if first != line and schema.kind != "outcomes":
                errors.append(
                    RowError(
                        line, schema.key[0], "duplicate_id", {"value": key[0], "first": first}, unit
                    )
                )
        yield Invalid(line, tuple(errors)) if errors else Valid(line, record, unit)


def _read_csv(
    schema: Schema, stream: IO[bytes]
) -> Iterator[tuple[int, Mapping[str, object] | list[RowError]]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise FileFormatError(RowError(1, None, "empty_file"))
        header = [h.strip() for h in header]
        yield from _check_header(schema, header)
        previous_end = reader.line_num
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank line
            if len(cells) != len(header):
                yield (
                    line,
                    [
                        RowError(
                            line,
                            None,
                            "wrong_cell_count",
                            {"expected": len(header), "found": len(cells)},
                        )
                    ],
                )
                continue
            yield line, dict(zip(header, cells, strict=True))
    except UnicodeDecodeError:
        raise FileFormatError(RowError(reader.line_num + 1, None, "not_utf8")) from None
    except csv.Error as error:
        raise FileFormatError(
            RowError(reader.line_num, None, "bad_csv", {"detail": str(error)})
        ) from None
    finally:
        with contextlib.suppress(ValueError):  # the caller may have closed the stream already
            text.detach()  # leave the caller's stream open


def _check_header(schema: Schema, header: list[str]) -> Iterator[tuple[int, list[RowError]]]:
    errors: list[RowError] = []
    if len(header) == 1 and ";" in header[0]:
        raise FileFormatError(RowError(1, None, "semicolon_separated"))
    known = set(schema.columns)
    seen: set[str] = set()
    for column in header:
        if column in seen:
            errors.append(RowError(1, column, "duplicate_column", {"column": column}))
        elif column not in known:
            errors.append(RowError(1, column, "unknown_column", {"column": column}))
        seen.add(column)
    for column in schema.required:
        if column not in seen:
            errors.append(RowError(1, column, "missing_column", {"column": column}))
    if errors:
        yield 1, errors


class _Prefixed:
    """A byte stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson probes the stream's type with read(0)
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(size)


def _read_json(stream: IO[bytes]) -> Iterator[tuple[int, Mapping[str, object] | RowError]]:
    head = stream.read(4096)
    if not head.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"["):
        raise FileFormatError(RowError(0, None, "expected_json_array", unit="record"))
    number = 0
    try:
        source = _Prefixed(head.removeprefix(codecs.BOM_UTF8), stream)
        for item in ijson.items(source, "item", use_float=True):
            number += 1
            if not isinstance(item, dict):
                yield number, RowError(number, None, "expected_object", unit="record")
                continue
            yield number, item
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError) as error:
        raise FileFormatError(
            RowError(number + 1, None, "bad_json", {"detail": str(error)[:200]}, "record")
        ) from None


def problems_text(errors: Iterable[RowError], lang: str = DEFAULT_LANG) -> str:
    """One line per error, for a terminal."""
    return "\n".join(error.message(lang) for error in errors)


__all__ = [
    "FileFormatError",
    "Format",
    "Invalid",
    "Problem",
    "RowError",
    "Valid",
    "detect_format",
    "load",
    "problems_text",
    "validate_records",
]


def validate_records(
    schema: Schema, records: Iterable[Mapping[str, object]]
) -> Iterator[Valid | Invalid]:
    """Validate rows given as mappings (numbered from 1 as records), e.g. generated ones."""
    return _validate(schema, enumerate(records, start=1), unit="record")
