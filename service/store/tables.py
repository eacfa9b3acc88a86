"""Database tables (SQLModel), all named here: the catalogues, persons, outcome events and
impressions are defined in this module, the service's own records in ``bookkeeping`` and the
referral workflow's in ``workflow``. The columns follow CONTRACT.md, plus what the service
needs: derived location (region code, coordinates), protected person fields and timestamps.

Lists are JSON columns: they are read whole with their row and never queried inside.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Column, DateTime, Field, SQLModel

# The service's own records and the referral workflow's tables live in their own modules;
# every table is importable from here.
from service.store.bookkeeping import (
    Account,
    ApiToken,
    AuditEvent,
    DataVersion,
    Job,
    JobUpload,
    KeyFingerprint,
    ModelVersion,
    PlanVersion,
)
from service.store.columns import created as _created
from service.store.columns import json_list as _json_list
from service.store.columns import updated as _updated
from service.store.columns import utcnow
from service.store.workflow import (
    ClockRun,
    Employer,
    Notification,
    NotificationSetting,
    Referral,
    ReferralEvent,
)


class Vacancy(SQLModel, table=True):
    __tablename__ = "vacancies"

    vacancy_id: str = Field(primary_key=True, max_length=64)
    employer_bin: str = Field(index=True, max_length=12)
    employer_name: str | None = Field(default=None, max_length=300)
    employer_oked: str | None = Field(default=None, max_length=8)
    title: str = Field(max_length=300)
    occupation_code: str | None = Field(default=None, index=True, max_length=4)
    """The ISCO-08 unit group: as imported, or derived from ``occupation_nkz``."""
    occupation_nkz: str | None = Field(default=None, max_length=10)
    """Kazakhstan's NKZ occupation (``7212-2-005``) when the import gave one."""
    skills: list[str] = _json_list()  # type: ignore[assignment]
    description: str | None = Field(default=None, max_length=4000)
    education_min: str = Field(default="none", max_length=20)
    experience_min_years: float = 0.0
    kato: str = Field(max_length=9)
    region_kato: str = Field(index=True, max_length=9)
    lat: float
    lon: float
    salary_kzt: int | None = None
    is_quota: bool = Field(default=False, index=True)
    quota_slots: int = 0
    quota_from: date | None = None
    excluded_offences: list[str] = _json_list()  # type: ignore[assignment]
    provides_housing: bool = False
    employment_type: str = Field(default="full", max_length=10)
    status: str = Field(default="open", index=True, max_length=10)
    capacity_confirmed_on: date | None = None
    """The last day someone confirmed the vacancy is still open (an import confirms it); after
    ``STALE_CAPACITY_DAYS`` without it the vacancy leaves the lists until confirmed."""
    created_at: datetime = _created()  # type: ignore[assignment]
    updated_at: datetime = _updated()  # type: ignore[assignment]


class Course(SQLModel, table=True):
    __tablename__ = "courses"

    course_id: str = Field(primary_key=True, max_length=64)
    programme: str = Field(index=True, max_length=10)
    provider: str | None = Field(default=None, max_length=300)
    title: str = Field(max_length=300)
    skills: list[str] = _json_list()  # type: ignore[assignment]
    occupation_codes: list[str] = _json_list()  # type: ignore[assignment]
    format: str = Field(default="offline", max_length=10)
    languages: list[str] = _json_list()  # type: ignore[assignment]
    hours: int | None = None
    kato: str | None = Field(default=None, max_length=9)
    region_kato: str | None = Field(default=None, index=True, max_length=9)
    lat: float | None = None
    lon: float | None = None
    education_min: str = Field(default="none", max_length=20)
    seats: int | None = None
    """Empty means unlimited (a MOOC)."""
    starts_on: date | None = None
    cost_kzt: int = 0
    available_in_custody: bool = False
    url: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _created()  # type: ignore[assignment]
    updated_at: datetime = _updated()  # type: ignore[assignment]


class Shelter(SQLModel, table=True):
    __tablename__ = "shelters"

    shelter_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=300)
    operator: str | None = Field(default=None, max_length=300)
    kato: str = Field(max_length=9)
    region_kato: str = Field(index=True, max_length=9)
    lat: float
    lon: float
    address: str | None = Field(default=None, max_length=500)
    capacity: int
    occupied: int = 0
    max_stay_days: int = 180
    accepts: str = Field(default="all", max_length=10)
    min_age: int = 18
    services: list[str] = _json_list()  # type: ignore[assignment]
    admits_substance_use: bool = False
    phone: str | None = Field(default=None, max_length=40)
    capacity_confirmed_on: date | None = None
    """The last day the centre's free beds were confirmed (as for vacancies)."""
    created_at: datetime = _created()  # type: ignore[assignment]
    updated_at: datetime = _updated()  # type: ignore[assignment]


class Person(SQLModel, table=True):
    """A person served. ``iin``, ``full_name`` and ``offence_category`` are never stored in
    clear (``service.store.protect``), nor the institution, needs, disability, civil claim and
    family ties, sealed together in ``support_cipher`` (``service.store.sealed``)."""

    __tablename__ = "persons"

    person_id: str = Field(primary_key=True, max_length=64)
    iin_hash: str | None = Field(default=None, unique=True, max_length=64)
    iin_cipher: str | None = None
    full_name_cipher: str | None = None
    offence_cipher: str | None = None
    support_cipher: str | None = None
    birth_year: int | None = None
    sex: str | None = Field(default=None, max_length=1)
    kato: str = Field(max_length=9)
    region_kato: str = Field(index=True, max_length=9)
    lat: float
    lon: float
    status: str = Field(index=True, max_length=12)
    probation_kind: str = Field(max_length=20)
    release_date: date | None = Field(default=None, index=True)
    education: str | None = Field(default=None, max_length=20)
    professions: list[str] = _json_list()  # type: ignore[assignment]
    skills: list[str] = _json_list()  # type: ignore[assignment]
    experience_years: float = 0.0
    languages: list[str] = _json_list()  # type: ignore[assignment]
    has_driving_licence: bool = False
    wants_training: bool = False
    relocation_ok: bool = False
    max_commute_km: float = 30.0
    consent_employer_view: bool = False
    confirmed_occupation: str | None = Field(default=None, max_length=4)
    """The ISCO-08 unit group an officer confirmed: it wins over the reading of
    ``professions`` (``service.usecases.occupations``); imports leave it as it is."""
    confirmed_occupation_nkz: str | None = Field(default=None, max_length=10)
    confirmed_occupation_text: str | None = Field(default=None, max_length=300)
    """The written profession the confirmation answers (training data for the reader)."""
    confirmed_occupation_by: str | None = Field(default=None, max_length=64)
    confirmed_occupation_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _created()  # type: ignore[assignment]
    updated_at: datetime = _updated()  # type: ignore[assignment]


class OutcomeEvent(SQLModel, table=True):
    """What happened after a recommendation: the training signal and the quota evidence."""

    __tablename__ = "outcome_events"
    __table_args__ = (
        sa.UniqueConstraint(
            "person_id", "item_kind", "item_id", "event", "date", name="uq_outcome_event"
        ),
        sa.Index("ix_outcome_item", "item_kind", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(
        foreign_key="persons.person_id", index=True, max_length=64, ondelete="CASCADE"
    )
    item_kind: str = Field(max_length=10)
    item_id: str = Field(max_length=64)
    event: str = Field(max_length=16)
    date: date
    reason: str | None = Field(default=None, max_length=120)
    contract_months: int | None = None
    source: str = Field(default="import", max_length=12)
    """``import``, ``api`` or ``simulated`` (``matcher simulate``); a referral takes its rank,
    score and model version from the list it was shown in (``impressions``)."""
    rank: int | None = None
    score: float | None = None
    model_version: str | None = Field(default=None, max_length=40)
    created_by: str | None = Field(default=None, max_length=64)
    """Who recorded it (``officer:12``, ``account:5``, ``cli``, ``referral``, ``import``)."""
    created_at: datetime = _created()  # type: ignore[assignment]


class Impression(SQLModel, table=True):
    """An item shown in a list (or a person in a vacancy's candidate list): where, by which
    ranker, on which day. What training needs to correct for position; one row per pair, day
    and list, keeping the best rank the pair was shown at."""

    __tablename__ = "impressions"
    __table_args__ = (
        sa.UniqueConstraint(
            "person_id", "item_kind", "item_id", "shown_on", "list", name="uq_impression"
        ),
        sa.Index("ix_impression_item", "item_kind", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(
        foreign_key="persons.person_id", index=True, max_length=64, ondelete="CASCADE"
    )
    item_kind: str = Field(max_length=10)
    item_id: str = Field(max_length=64)
    rank: int
    """1-based position in the list."""
    score: float
    model_version: str = Field(max_length=40)
    shown_on: date
    list: str = Field(max_length=12)
    """``person`` (a person's list) or ``candidates`` (a vacancy's candidate list)."""
    created_at: datetime = _created()  # type: ignore[assignment]


__all__ = [
    "Account",
    "ApiToken",
    "AuditEvent",
    "ClockRun",
    "Course",
    "DataVersion",
    "Employer",
    "Impression",
    "Job",
    "JobUpload",
    "KeyFingerprint",
    "ModelVersion",
    "Notification",
    "NotificationSetting",
    "OutcomeEvent",
    "Person",
    "PlanVersion",
    "Referral",
    "ReferralEvent",
    "Shelter",
    "Vacancy",
    "utcnow",
]
