"""A person's record: what staff send and what they read back (never the protected fields in clear unless asked)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
)
from pydantic.json_schema import SkipJsonSchema

from service.api.schemas.common import (
    _ID,
    LINE,
    WHOLE,
    Education,
    IsoDate,
    Moment,
)
from service.api.schemas.occupations import ConfirmedOccupationOut

_LOCATION: list[JsonValue] = [
    {"required": ["kato"], "properties": {"kato": {"type": "string"}}},
    {
        "required": ["region", "locality"],
        "properties": {"region": {"type": "string"}, "locality": {"type": "string"}},
    },
]
"""A person's location: a KATO code, or region and locality names (coordinates optional)."""
_PERSON_EXAMPLE: dict[str, Any] = {
    "person_id": "P-2026-0001",
    "iin": "880101300010",
    "full_name": "Синтетический Пример",
    "birth_year": 1988,
    "sex": "m",
    "region": "Мангистауская область",
    "locality": "Актау",
    "status": "in_custody",
    "release_date": "2027-02-20",
    "institution": "ГМ-172/6",
    "education": "vocational",
    "professions": ["электрогазосварщик"],
    "languages": ["kk", "ru"],
    "need_housing": True,
    "offence_category": "property",
    "consent_employer_view": True,
}
_YOUNGEST = date.today().year - 14
"""A person is at least 14 (the age of criminal responsibility)."""


class PersonFields(BaseModel):
    """A person's fields as CONTRACT.md's ``persons`` format has them, the id aside."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "anyOf": _LOCATION,
            "examples": [{k: v for k, v in _PERSON_EXAMPLE.items() if k != "person_id"}],
        },
    )

    iin: str | None = Field(default=None, pattern=r"^\d{12}$")
    full_name: str | None = Field(default=None, max_length=300, pattern=LINE)
    birth_year: Annotated[int, Field(ge=1920, le=_YOUNGEST), WHOLE] | None = None
    sex: Literal["m", "f"] | None = None
    kato: str | None = Field(default=None, pattern=r"^\d{9}$")
    region: str | None = Field(default=None, max_length=200, pattern=LINE)
    locality: str | None = Field(default=None, max_length=200, pattern=LINE)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    status: Literal["in_custody", "released", "probation"]
    probation_kind: Literal["pretrial", "sentence", "penitentiary", "post_penitentiary"] | None = (
        None
    )
    release_date: IsoDate | None = None
    institution: str | None = Field(default=None, max_length=200, pattern=LINE)
    education: Education | None = None
    professions: list[str] = Field(default_factory=list, max_length=20)
    skills: list[str] = Field(default_factory=list, max_length=50)
    experience_years: float = Field(default=0.0, ge=0, le=60)
    languages: list[Literal["kk", "ru", "en"]] = Field(default_factory=list, max_length=3)
    has_driving_licence: bool = False
    need_housing: bool = False
    need_documents: bool = False
    need_medical_commission: bool = False
    need_psychological: bool = False
    need_addiction_treatment: bool = False
    need_legal_aid: bool = False
    has_disability: bool = False
    civil_claim_kzt: Annotated[int, Field(ge=0, le=10_000_000_000), WHOLE] = 0
    family_ties: Literal["none", "tense", "supportive"] | None = None
    offence_category: (
        Literal["violent", "property", "drug", "economic", "traffic", "other"] | None
    ) = None
    wants_training: bool = False
    relocation_ok: bool = False
    max_commute_km: float = Field(default=30.0, ge=0, le=2000)
    consent_employer_view: bool = False


class PersonIn(PersonFields):
    """A new person as CONTRACT.md's ``persons`` format has it (lists as JSON arrays)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _LOCATION, "examples": [_PERSON_EXAMPLE]})

    person_id: str = Field(pattern=_ID)


class PersonReplace(PersonFields):
    """A person's new record: the path names the person. A ``person_id`` equal to the path's
    is still read (older clients send it); a different one is refused."""

    person_id: SkipJsonSchema[str | None] = None


class PersonPublic(BaseModel):
    """A person as an officer or an inspector sees them: the IIN masked unless asked for."""

    person_id: str
    iin_masked: str | None
    iin: str | None = None
    full_name: str | None
    birth_year: int | None
    sex: str | None
    kato: str
    region_kato: str
    lat: float
    lon: float
    status: str
    probation_kind: str
    release_date: date | None
    institution: str | None
    education: str | None
    professions: list[str]
    skills: list[str]
    experience_years: float
    languages: list[str]
    has_driving_licence: bool
    need_housing: bool
    need_documents: bool
    need_medical_commission: bool
    need_psychological: bool
    need_addiction_treatment: bool
    need_legal_aid: bool
    has_disability: bool
    civil_claim_kzt: int
    family_ties: str | None
    offence_category: str | None
    wants_training: bool
    relocation_ok: bool
    max_commute_km: float
    consent_employer_view: bool
    confirmed_occupation: ConfirmedOccupationOut | None = None
    """The occupation an officer confirmed (``PUT /persons/{id}/occupation``), if any."""
    updated_at: Moment
