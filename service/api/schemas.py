"""The shapes the HTTP API reads and writes.

Each role gets its own response models, so that a protected field cannot leak by accident:
``AnonymousCandidate`` has no field for a name, an IIN, an offence, an institution, a civil
claim, health or needs, whatever the code that fills it does.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    Strict,
    WithJsonSchema,
)
from pydantic.json_schema import SkipJsonSchema


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
    line: int | None = None
    record: int | None = None
    column: str | None = None
    code: str
    value: str | None = None
    message: str


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


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "database": "sqlite", "version": "0.1.0"}]}
    )

    status: Literal["ok"]
    database: str
    version: str


_ID = r"^[\p{L}\p{N}_.:/-]{1,64}$"


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
    full_name: str | None = Field(default=None, max_length=300)
    birth_year: Whole | None = Field(default=None, ge=1920, le=_YOUNGEST)
    sex: Literal["m", "f"] | None = None
    kato: str | None = Field(default=None, pattern=r"^\d{9}$")
    region: str | None = Field(default=None, max_length=200)
    locality: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    status: Literal["in_custody", "released", "probation"]
    probation_kind: Literal["pretrial", "sentence", "penitentiary", "post_penitentiary"] | None = (
        None
    )
    release_date: IsoDate | None = None
    institution: str | None = Field(default=None, max_length=200)
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
    civil_claim_kzt: Whole = Field(default=0, ge=0, le=10_000_000_000)
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
    updated_at: Moment


class ReasonOut(BaseModel):
    code: str
    text: str


class ItemOut(BaseModel):
    id: str
    kind: str
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonOut]


class ItemList(BaseModel):
    """A shortlist, best first (CONTRACT.md)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": "V003386",
                            "kind": "vacancy",
                            "score": 0.8498,
                            "reasons": [
                                {
                                    "code": "occupation_match",
                                    "text": "Совпадение профессии: электрогазосварщик ≈ Сварщик (100%)",
                                },
                                {
                                    "code": "quota_slots",
                                    "text": "Квотная вакансия: свободных мест 2, срок до 2027-04-28",
                                },
                                {"code": "same_place", "text": "В том же населённом пункте"},
                            ],
                        }
                    ]
                }
            ]
        }
    )

    items: list[ItemOut]


class AnonymousCandidate(BaseModel):
    """A candidate as an employer sees them: no name, IIN, offence, institution, civil claim,
    health or needs — the model has no field for any of them."""

    model_config = ConfigDict(extra="forbid")

    pseudonym: str
    age_band: str | None
    district: str
    education: str | None
    professions: list[str]
    skills: list[str]
    available_from: date | None
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonOut]


class EmployerCandidates(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vacancy_id": "V000170",
                    "items": [
                        {
                            "pseudonym": "C-3F9A1B20",
                            "age_band": "25–34",
                            "district": "Актау",
                            "education": "vocational",
                            "professions": ["электрогазосварщик"],
                            "skills": ["ручная дуговая сварка"],
                            "available_from": "2027-02-20",
                            "score": 0.9124,
                            "reasons": [
                                {
                                    "code": "occupation_match",
                                    "text": "Совпадение профессии: электрогазосварщик ≈ Сварщик (100%)",
                                },
                                {"code": "same_place", "text": "В том же населённом пункте"},
                            ],
                        }
                    ],
                }
            ]
        },
    )

    vacancy_id: str
    items: list[AnonymousCandidate]


class EventIn(BaseModel):
    """An outcome event (CONTRACT.md ``outcomes``)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "person_id": "P00001",
                    "item_kind": "vacancy",
                    "item_id": "V000170",
                    "event": "referred",
                    "date": "2026-11-20",
                }
            ]
        },
    )

    person_id: str = Field(pattern=_ID)
    item_kind: Kind
    item_id: str = Field(pattern=_ID)
    event: Literal[
        "referred", "applied", "interviewed", "hired", "rejected", "quit", "retained_3m",
        "enrolled", "completed", "dropped", "admitted", "left",
    ]  # fmt: skip
    date: IsoDate
    reason: str | None = Field(
        default=None, max_length=40, description="A reason code of the event (docs/formats.md)."
    )
    contract_months: Whole | None = Field(default=None, ge=0, le=600)


Events = Annotated[list[EventIn], Field(min_length=1)]
"""Several outcome events, recorded all or none (at least one)."""


class ImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "vacancies",
                    "ok": True,
                    "dry_run": False,
                    "rows": 1000,
                    "inserted": 990,
                    "updated": 10,
                }
            ]
        }
    )

    kind: str
    ok: bool
    dry_run: bool
    rows: int
    inserted: int
    updated: int


class ModelCard(BaseModel):
    """A model version's card: what it was trained on, how it scored against the model it
    challenged, the fairness audit, and why any kind was refused (docs/retraining.md)."""

    model_config = ConfigDict(extra="allow")

    version: str
    kind: str
    """``baseline`` or ``learned``."""
    status: str
    """``active``, ``inactive`` (promoted once, rolled back) or ``refused``."""
    description: str | None = None
    created_at: str | None = None
    champion: str | None = None
    """The version this one was judged against."""
    data: dict[str, Any] | None = None
    features: dict[str, list[str]] | None = None
    weights: dict[str, dict[str, float]] | None = None
    kinds: dict[str, dict[str, Any]] = {}
    """Per kind of list: data window, held-out NDCG@10 and AUC of challenger and champion,
    fairness audit, and the reasons a kind was refused."""
    served: dict[str, str] | None = None
    """Which version scores each kind of list."""


class Refusal(BaseModel):
    kind: str
    code: str
    text: str


class RetrainOut(BaseModel):
    version: str
    promoted: bool
    active: str
    refused: list[Refusal]
    card: ModelCard


class ModelVersionOut(BaseModel):
    version: str
    status: str
    created_at: str | None
    has_file: bool


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: str = Field(min_length=1, max_length=40, pattern=r"^[\p{L}\p{N}_.:-]+$")


class AuditOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 41,
                    "at": "2026-11-25T09:12:03+00:00",
                    "token_id": 3,
                    "role": "officer",
                    "method": "GET",
                    "route": "/api/v1/persons/P00001",
                    "person_id": "P00001",
                    "action": "read",
                }
            ]
        }
    )

    id: int
    at: Moment
    token_id: int | None
    role: str
    method: str
    route: str
    person_id: str
    action: str


class _TokenBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    label: str | None = Field(default=None, max_length=200)


class StaffTokenIn(_TokenBase):
    """An officer's or an inspector's token, limited to one region when ``region_kato`` says so."""

    role: Literal["officer", "inspector"]
    region_kato: str | None = Field(
        default=None, pattern=REGION_KATO, description="KATO code of a region"
    )


class EmployerTokenIn(_TokenBase):
    """An employer's token: it sees candidates for the vacancies of this BIN only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role": "employer",
                    "employer_bin": "150340000307",
                    "label": "ТОО «KazСтрой», отдел кадров",
                }
            ]
        }
    )

    role: Literal["employer"]
    employer_bin: str = Field(pattern=r"^\d{12}$")


class AdminTokenIn(_TokenBase):
    role: Literal["admin"]


TokenIn = Annotated[
    StaffTokenIn | EmployerTokenIn | AdminTokenIn,
    Discriminator("role"),
]
"""A token request: what a token may carry depends on its role."""


class TokenOut(BaseModel):
    id: int
    role: str
    employer_bin: str | None
    region_kato: str | None
    label: str | None
    created_at: Moment
    revoked_at: Moment | None


class TokenCreated(TokenOut):
    token: str
    """Shown once: only its hash is stored."""


class PlanOut(BaseModel):
    """A version of a person's individual plan: the stored data and its text in one language."""

    version: int
    change: str
    plan: dict[str, Any]
    rendered: dict[str, Any]


class PlanVersionOut(BaseModel):
    version: int
    change: str
    author: str
    created_at: Moment


class ActionEdit(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"status": "dropped", "note": "Семья предоставила жильё"}]},
    )

    status: Literal["planned", "done", "dropped"] | None = None
    due: Day | None = None
    responsible: Responsible | None = None
    note: str | None = Field(default=None, max_length=1000)


class ActionNew(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "Встреча с матерью в учреждении",
                    "part": "before_release",
                    "responsible": "probation_service",
                    "due": "2027-01-15",
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=1000)
    part: Literal["before_release", "social_legal", "employment", "housing"]
    responsible: Responsible
    due: Day


class AllocationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"kato": "470000000", "release_from": "2026-12-01", "release_to": "2026-12-31"}
            ]
        },
    )

    kato: str = Field(
        pattern=r"^\d{9}$",
        json_schema_extra={"pattern": REGION_KATO},
        description="KATO code of a region or a city of national significance "
        "(another code is 422 at once; a region KATO does not know, 404)",
    )
    release_from: Day
    release_to: Day


class OptionOut(BaseModel):
    kind: str
    item_id: str
    expected: float
    reasons: list[ReasonOut]


class AssignmentOut(BaseModel):
    person_id: str
    kind: str
    item_id: str | None
    expected: float
    reasons: list[ReasonOut]
    alternatives: list[OptionOut]


class AllocationOut(BaseModel):
    """A proposal: one entry per person and kind; nothing is booked until an officer accepts."""

    assignments: list[AssignmentOut]
    summary: dict[str, Any]


class QuotaRowOut(BaseModel):
    """One line of the quota ledger (every figure is defined in docs/reports.md)."""

    level: Literal["total", "region", "district", "employer"]
    key: str
    name: str
    region_kato: str | None
    district_kato: str | None
    employer_name: str | None
    quota_vacancies: int
    quota_slots: int
    open_quota_vacancies: int
    windows_open: int
    days_left: int | None
    referred: int
    hired: int
    fulfilled: int
    fulfilment_rate: float | None
    hired_outside_quota: int


class QuotaWindowOut(BaseModel):
    vacancy_id: str
    employer_bin: str
    district_kato: str
    quota_slots: int
    status: str
    quota_from: date
    window_end: date
    days_left: int


class RetentionOut(BaseModel):
    months: int
    judged: int
    kept: int
    rate: float | None


class QuotaOutcomesOut(BaseModel):
    released: int
    hired: int
    median_days_to_hire: float | None
    retention: list[RetentionOut]


class QuotaLedgerOut(BaseModel):
    """The quota ledger of an area. Employers get only their own rows and windows, and no
    outcome indicators (``outcomes`` is null)."""

    as_of: date
    kato: str | None
    area: str
    rows: list[QuotaRowOut]
    windows: list[QuotaWindowOut]
    outcomes: QuotaOutcomesOut | None


class JobError(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class JobOut(BaseModel):
    """Long work answered ``202``: its state, progress, and result or error. The result has
    the shape the synchronous answer had (``AllocationOut``, ``RetrainOut``, ``ImportResult``)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Literal["allocation", "retrain", "import"]
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: float = Field(ge=0, le=1)
    result: dict[str, Any] | None
    error: JobError | None
    created_at: Moment
    started_at: Moment | None
    finished_at: Moment | None


class JobAccepted(BaseModel):
    """A job was queued: poll ``url`` (also in the ``Location`` header)."""

    job_id: str
    state: Literal["queued", "running", "succeeded", "failed"]
    url: str
