"""Tables of the referral workflow: employers, referrals with their history, notifications
and the daily clock's runs. The lifecycle rules live in ``service.referrals``; these are only
what is stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, DateTime, Field, SQLModel, Text


def utcnow() -> datetime:
    return datetime.now(UTC)


def _stamp() -> object:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


class Employer(SQLModel, table=True):
    """An organisation or entrepreneur that may owe a quota (Order No. 412): its list headcount
    and the percentage the akimat set for the year make its obligation. A vacancy naming an
    unknown BIN creates a *stub* (name only), which the quota ledger marks as incomplete."""

    __tablename__ = "employers"

    employer_bin: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=300)
    oked: str | None = Field(default=None, max_length=8)
    kato: str | None = Field(default=None, max_length=9)
    region_kato: str | None = Field(default=None, index=True, max_length=9)
    lat: float | None = None
    lon: float | None = None
    headcount: int | None = None
    quota_percent: float | None = None
    quota_year: int | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    lang: str = Field(default="ru", max_length=2)
    """The language its notifications are written in."""
    is_stub: bool = Field(default=False)
    created_at: datetime = _stamp()  # type: ignore[assignment]
    updated_at: datetime = _stamp()  # type: ignore[assignment]


class Referral(SQLModel, table=True):
    """A person sent to one vacancy, course or shelter, and where that stands now. While it is
    open it *holds* a place (a quota slot, a seat, a bed); a hire *takes* the slot for good."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.Index("ix_referral_place", "item_kind", "item_id", "place"),
        sa.Index("ix_referral_waiting", "state", "answer_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(
        foreign_key="persons.person_id", index=True, max_length=64, ondelete="CASCADE"
    )
    item_kind: str = Field(max_length=10)
    item_id: str = Field(max_length=64)
    employer_bin: str | None = Field(default=None, index=True, max_length=12)
    region_kato: str = Field(index=True, max_length=9)
    """The person's region: whose officers see the referral."""
    state: str = Field(max_length=12)
    place: str = Field(max_length=6)
    """``held``, ``taken`` (a hire) or ``free``: what the referral does to the item's places."""
    source: str = Field(default="shortlist", max_length=12)
    """Where it was made from: ``shortlist``, ``plan``, ``allocation`` or ``import``."""
    sent_on: date
    """The day the referral was made: the answer clock counts working days from it."""
    answer_due: date | None = None
    """The last working day for an answer while one is awaited."""
    state_on: date
    """The day of the latest state."""
    reason: str | None = Field(default=None, max_length=40)
    contract_start: date | None = None
    contract_months: int | None = None
    destination: str | None = Field(default=None, max_length=20)
    stay_until: date | None = None
    """A shelter stay's last day (arrival + the centre's stay, at most 180 days)."""
    clock_step: int = 0
    """How far the answer clock has told people: 1 and 2 after the employer's reminders, 3
    after the officer heard the answer is overdue (so a daily run does only what is new)."""
    created_by: str = Field(max_length=64)
    created_by_token: int | None = Field(default=None, index=True)
    created_at: datetime = _stamp()  # type: ignore[assignment]
    updated_at: datetime = _stamp()  # type: ignore[assignment]


class ReferralEvent(SQLModel, table=True):
    """One state change of a referral: who, when and why. Only ever added."""

    __tablename__ = "referral_events"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referrals.id", index=True, ondelete="CASCADE")
    from_state: str | None = Field(default=None, max_length=12)
    to_state: str = Field(max_length=12)
    on: date
    actor: str = Field(max_length=64)
    reason: str | None = Field(default=None, max_length=40)
    note_cipher: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The note, encrypted (``service.store.sealed``): it may speak of health or family."""
    at: datetime = _stamp()  # type: ignore[assignment]


class Notification(SQLModel, table=True):
    """A message to someone who must act, in their language, with a link; never with an
    offence, health data or an IIN. ``key`` makes it once-only (a clock run again writes none)."""

    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=160)
    kind: str = Field(index=True, max_length=24)
    recipient: str = Field(index=True, max_length=64)
    """``employer:<BIN>`` or ``token:<id>`` (later ``account:<login>``)."""
    channel: str = Field(default="email", max_length=8)
    address: str | None = Field(default=None, max_length=254)
    lang: str = Field(max_length=2)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=300)
    referral_id: int | None = Field(default=None, index=True)
    state: str = Field(default="queued", index=True, max_length=8)
    """``queued``, ``sent``, ``failed`` (retries used up), ``off`` (the recipient switched the
    kind off) or ``nowhere`` (no address to send to: read in the application only)."""
    attempts: int = 0
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _stamp()  # type: ignore[assignment]
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class NotificationSetting(SQLModel, table=True):
    """A kind of notification one recipient switched off (or back on)."""

    __tablename__ = "notification_settings"

    recipient: str = Field(primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=24)
    enabled: bool = True


class ClockRun(SQLModel, table=True):
    """One day's run of the clocks: the row is the claim (one host runs a day), the summary
    what it did."""

    __tablename__ = "clock_runs"

    day: date = Field(primary_key=True)
    started_at: datetime = _stamp()  # type: ignore[assignment]
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    summary: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
