"""Occupations as the title reader reads them, the profession field's autocomplete, and an
occupation confirmed by an officer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from service.api.schemas.common import LINE, Moment

_NKZ_OR_ISCO = r"^(?:[0-9]{4}|[0-9]{4}-[0-9]-[0-9]{3})$"


class CodeOut(BaseModel):
    """An occupation: its ISCO-08 unit group, its NKZ code when the title is NKZ's, the title
    in the asked language, and how sure the reader is (1.0 for an exact title)."""

    code: str = Field(pattern=r"^[0-9]{4}$", examples=["7212"])
    nkz: str | None = Field(default=None, examples=["7212-2-005"])
    title: str
    confidence: float = Field(ge=0, le=1)


class CodeList(BaseModel):
    """Occupations that fit a query, best first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "code": "7212",
                            "nkz": "7212-2-005",
                            "title": "Электрогазосварщик",
                            "confidence": 0.97,
                        }
                    ]
                }
            ]
        }
    )

    items: list[CodeOut]


class ReadingOut(BaseModel):
    text: str
    recognised: bool
    codes: list[CodeOut] = Field(max_length=3)


class Readings(BaseModel):
    """How texts were read (the shape of ``matcher occupations read --json``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "text": "Специалист",
                            "recognised": False,
                            "codes": [
                                {
                                    "code": "2422",
                                    "nkz": None,
                                    "title": "Специалист по административной политике",
                                    "confidence": 0.41,
                                }
                            ],
                        }
                    ]
                }
            ]
        }
    )

    items: list[ReadingOut]


class OccupationIn(BaseModel):
    """The occupation an officer confirms: an ISCO-08 unit group or an NKZ occupation code;
    ``text``, when given, names which of the person's written professions it answers (else
    the first one the reader does not recognise)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"code": "7212-2-005", "text": "сварка"}]},
    )

    code: str = Field(pattern=_NKZ_OR_ISCO, examples=["7212-2-005"])
    text: str | None = Field(default=None, min_length=1, max_length=300, pattern=LINE)


class ConfirmedOccupationOut(BaseModel):
    """A person's occupation as an officer confirmed it: it wins over the reader."""

    code: str
    nkz: str | None
    title: str | None
    text: str | None
    """The written profession it answers."""
    confirmed_by: str | None
    confirmed_at: Moment | None
