"""Column helpers shared by the table modules: the clock and the time-stamp columns."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, DateTime, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_list() -> object:
    """A list kept as one JSON column, read whole with its row."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def created() -> object:
    """When the row was written (set by Python, and by the database for raw inserts)."""
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def updated() -> object:
    """When the row last changed (set on every write by the code that changes it)."""
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
