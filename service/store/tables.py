"""Database tables (SQLModel). The columns follow CONTRACT.md, plus what the service needs:
derived location (region code, coordinates), protected person fields and timestamps.

Lists are JSON columns: they are read whole with their row and never queried inside.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, DateTime, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json_list() -> object:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _created() -> object:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def _updated() -> object:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
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


class ModelVersion(SQLModel, table=True):
    """A ranker that was trained (or the baseline): its card, and whether it serves."""

    __tablename__ = "model_versions"

    version: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=20)
    """``baseline`` or ``learned``."""
    path: str | None = Field(default=None, max_length=500)
    card: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_active: bool = Field(default=False, index=True)
    created_at: datetime = _created()  # type: ignore[assignment]
    activated_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    artifact: bytes | None = Field(default=None, sa_column=Column(sa.LargeBinary, nullable=True))
    """The joblib file itself, so that every host serves the same rankers (``path`` names
    the copy written when it was trained, for people to look at)."""


class ApiToken(SQLModel, table=True):
    """A bearer token: only its hash is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=12)
    employer_bin: str | None = Field(default=None, max_length=12)
    region_kato: str | None = Field(default=None, max_length=9)
    label: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    """Where notifications for this token's holder go (none: read in the application only)."""
    lang: str = Field(default="ru", max_length=2)
    created_at: datetime = _created()  # type: ignore[assignment]
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class AuditEvent(SQLModel, table=True):
    """Who read or changed a person's record, when, and through which route."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()  # type: ignore[assignment]
    token_id: int | None = Field(default=None, index=True)
    role: str = Field(max_length=12)
    method: str = Field(max_length=8)
    route: str = Field(max_length=200)
    person_id: str = Field(index=True, max_length=64)
    action: str = Field(max_length=20)
    """``read``, ``create``, ``update``, ``reveal_iin``, ``recommend``, ``candidate``."""
    account_id: int | None = Field(default=None, index=True)
    """The account of a person using the pages (``token_id`` for the API)."""
    os_user: str | None = Field(default=None, max_length=64)
    """The operating-system user who ran a command."""
    client: str | None = Field(default=None, max_length=64)
    """Where the request came from (an address)."""
    chain: str | None = Field(default=None, max_length=64)
    """A keyed hash of this row and the previous row's ``chain``: a row deleted or edited
    breaks the chain (``matcher audit verify``)."""


class PlanVersion(SQLModel, table=True):
    """One version of a person's individual plan: generated, edited or reviewed. Versions are
    only ever added, so the history of every decision is kept."""

    __tablename__ = "plan_versions"
    __table_args__ = (sa.UniqueConstraint("person_id", "version", name="uq_plan_version"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(
        foreign_key="persons.person_id", index=True, max_length=64, ondelete="CASCADE"
    )
    version: int
    change: str = Field(max_length=20)
    """``generated``, ``edited``, ``added`` or ``regenerated``."""
    author: str = Field(max_length=64)
    body_cipher: str = Field(sa_column=Column(sa.Text, nullable=False))
    """The plan itself, encrypted (``service.store.sealed``): read it with
    ``service.plans.versions``."""
    created_at: datetime = _created()  # type: ignore[assignment]


class DataVersion(SQLModel, table=True):
    """A counter per kind of data that serving caches (``catalogs``, ``persons``), raised in
    the same transaction as every change, so that every process and host sees a change."""

    __tablename__ = "data_versions"

    name: str = Field(primary_key=True, max_length=20)
    version: int = Field(default=0)
    changed_at: datetime = _updated()  # type: ignore[assignment]


class Job(SQLModel, table=True):
    """Long work (allocation, retraining, large imports) queued and answered ``202``: its
    state, progress and result or error, read by ``GET /api/v1/jobs/{id}`` on any host."""

    __tablename__ = "jobs"

    id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=20, index=True)
    state: str = Field(default="queued", max_length=10, index=True)
    """``queued``, ``running``, ``succeeded`` or ``failed``."""
    progress: float = Field(default=0.0)
    params: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, object] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: dict[str, object] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: str = Field(max_length=40)
    created_at: datetime = _created()  # type: ignore[assignment]
    started_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    """Raised while the job runs; a running job whose heartbeat stops is marked failed."""


class JobUpload(SQLModel, table=True):
    """The body of a queued import, kept in the database until its job has run, so that a
    worker on any host can read it."""

    __tablename__ = "job_uploads"

    job_id: str = Field(
        sa_column=Column(
            sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
        )
    )
    body: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))


class Account(SQLModel, table=True):
    """A person who logs in to the pages: a login and a password hash (Argon2), a role, a
    region (staff) or a BIN (employers). API tokens stay for integrations."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=12)
    region_kato: str | None = Field(default=None, max_length=9)
    employer_bin: str | None = Field(default=None, max_length=12)
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    lang: str = Field(default="ru", max_length=2)
    must_change_password: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    disabled_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = _created()  # type: ignore[assignment]


class KeyFingerprint(SQLModel, table=True):
    """Which secret key this database's protected fields are written under: a keyed hash
    derived from the key (``Protector.fingerprint``), never the key. One row."""

    __tablename__ = "key_fingerprint"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    recorded_at: datetime = _created()  # type: ignore[assignment]


# The referral workflow's tables are kept in their own module and registered with these.
from service.store.workflow import (  # noqa: E402
    ClockRun,
    Employer,
    Notification,
    NotificationSetting,
    Referral,
    ReferralEvent,
)

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
