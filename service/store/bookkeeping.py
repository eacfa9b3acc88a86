"""The service's own records, beside the catalogues and persons of ``service.store.tables``:
model versions, API tokens and accounts, the audit trail, plan versions, data counters, jobs
and the key fingerprint."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, DateTime, Field, SQLModel

from service.store.columns import created as _created
from service.store.columns import updated as _updated


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
    """The rankers' bytes, so that every host serves the same rankers: a zip archive of
    ``rankers.joblib`` (the scikit-learn estimators) and ``light.npz`` (their light form,
    ``matcher.rank.trees``), or the joblib file alone for a version saved before (the card's
    ``artifact.form`` says which; ``service.store.modelstore``). ``path`` names the copy of the
    joblib file written when it was trained, for people to look at."""


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
