"""Shapes and field types every part of the API shares: errors, health, days, ids."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive timestamps: they are UTC, and the API says so."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


Moment = Annotated[datetime, AfterValidator(_utc)]

DAY_PATTERN = (
    r"^(?:(?:20[0-9]{2}|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|20(?:[02468][048]|[13579][26])-02-29)$"
)
"""A calendar day ``YYYY-MM-DD`` from 2000-01-01 to 2100-12-31, leap days included."""
_DAY = re.compile(DAY_PATTERN)
DAY_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "pattern": DAY_PATTERN}


def _day(value: object) -> object:
    """Only the written form the schema states: no timestamps, no times, no other years."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValueError("expected a day YYYY-MM-DD from 2000-01-01 to 2100-12-31")
    return value


def _iso(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO.match(value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Input models are strict (no number for a string, no "1" for a boolean); a date is the one
# field read from a string, in the one form the schema states.
IsoDate = Annotated[date, Strict(False), BeforeValidator(_iso)]
"""A date written ``YYYY-MM-DD`` (a string: not a timestamp, not a date-time)."""
Day = Annotated[date, Strict(False), BeforeValidator(_day), WithJsonSchema(DAY_SCHEMA)]
"""A day the API accepts (dates of reports, releases, plan actions): years 2000 to 2100."""


def _whole(value: object) -> object:
    """JSON Schema counts ``141.0`` as an integer: so does the API (a boolean stays refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
"""An integer of a strict input model, written ``141`` or ``141.0``."""
WHOLE = BeforeValidator(_whole)
"""For a bounded integer: ``Annotated[int, Field(ge=1, le=600), WHOLE]`` (bounds given on the
field of a ``Whole`` would follow the validator and be lost from the JSON schema)."""
LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""A one-line text (a name, a label): no control characters, no line breaks."""
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
"""A text of several lines (a note): line breaks and tabs, no other control characters."""
FILLED_TEXT = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f]"
    r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
)
"""A ``TEXT`` with something written in it: at least one character that is not a space."""
REGION_KATO = r"^[0-9]{2}0{7}$"
"""The KATO code of a region or of a city of national significance (Astana, Almaty, Shymkent)."""
Education = Literal[
    "none", "primary", "basic_secondary", "general_secondary", "vocational", "higher"
]
Kind = Literal["vacancy", "course", "shelter"]
Responsible = Literal[
    "probation_service", "institution", "employment_centre", "akimat",
    "adaptation_centre", "ngo", "medical_organisation",
]  # fmt: skip


class ErrorDetail(BaseModel):
    line: int | None = Field(
        default=None,
        description="The CSV line the problem is on, counted from 1, the header (a problem of "
        "the whole file is on line 1); null when it is not about a line.",
    )
    record: int | None = Field(
        default=None,
        description="The record of a JSON list the problem is in, counted from 1 (0: the whole "
        "file); null when it is not about a record.",
    )
    column: str | None = Field(
        default=None,
        description="The column or field at fault: a file's column (`salary_kzt`), a "
        "request's field (`body.release_from`), a stored job's (`result.summary`); null for "
        "the whole row.",
    )
    code: str = Field(description="What is wrong, as a stable code for programs (`bad_date`).")
    value: str | None = Field(
        default=None,
        description="The value refused, as given (cut to 80 characters); null when none.",
    )
    message: str = Field(description="What is wrong, in the request's language.")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class Error(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "import_rejected",
                        "message": "ничего не импортировано — ошибок: 1 (прочитано строк: 1001)",
                        "details": [
                            {
                                "line": 502,
                                "column": "quota_from",
                                "code": "bad_date",
                                "value": "2026-02-30",
                                "message": "такой даты не существует",
                            }
                        ],
                    }
                }
            ]
        }
    )

    error: ErrorBody


_ID = r"^[A-Za-z0-9_.:/-]{1,64}$"
"""An id as the exchange formats allow it: ASCII letters and digits, ``_ . : / -`` (a Cyrillic
``Р00001`` beside the Latin ``P00001`` is refused)."""


class Health(BaseModel):
    """``status`` for anyone; the database's kind and the version only with a valid token."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "ok"},
                {"status": "ok", "database": "sqlite", "version": "0.1.0"},
            ]
        }
    )

    status: Literal["ok"]
    database: str | None = None
    version: str | None = None
