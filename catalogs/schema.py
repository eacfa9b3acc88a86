"""What a row of each exchange format must hold: its columns, their parsers and the checks
that look at several columns at once.

A ``Schema`` is data: a tuple of ``Field`` and a tuple of row checks. Each kind declares its
own in ``catalogs/<kind>/schema.py``; ``catalogs.loader`` applies any of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalogs.fields import Field, FieldError, is_empty, number, text


@dataclass(frozen=True, slots=True)
class Problem:
    """A reason a row cannot be taken: the column it concerns (None for the whole row)."""

    column: str | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


Record = dict[str, Any]
RowCheck = Callable[[Record], Iterable[Problem]]
"""Looks at a parsed row; may complete it (a derived value) and yields what is wrong."""


@dataclass(frozen=True, slots=True)
class Schema:
    """The columns of one exchange format and the checks across them."""

    kind: str
    key: tuple[str, ...]
    """The columns that identify a row: re-importing the same key updates the row."""
    fields: tuple[Field, ...]
    checks: tuple[RowCheck, ...] = ()
    accepted_only: frozenset[str] = frozenset()
    """Columns read as input but not kept in the record (names turned into codes)."""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def parse(self, raw: Mapping[str, object]) -> tuple[Record, list[Problem]]:
        """Parse one row: typed values (defaults for empty cells) and every problem found."""
        record: Record = {}
        problems: list[Problem] = []
        for column in self.fields:
            value = raw.get(column.name)
            if is_empty(value):
                if column.required:
                    problems.append(Problem(column.name, "required"))
                default = column.default
                record[column.name] = (
                    list(default) if isinstance(default, list | tuple) else default
                )
                continue
            try:
                record[column.name] = column.parse(value)
            except FieldError as error:
                problems.append(Problem(column.name, error.code, {"value": value, **error.params}))
                record[column.name] = None
        if not problems:
            for check in self.checks:
                problems.extend(check(record))
        for name in self.accepted_only:
            record.pop(name, None)
        return record, problems


LOCATION_FIELDS = (
    Field("kato", text(16)),
    Field("region", text(200)),
    Field("locality", text(200)),
    Field("lat", number(-90, 90)),
    Field("lon", number(-180, 180)),
)
"""A location: a KATO code, or region and locality names; coordinates derived when missing."""
