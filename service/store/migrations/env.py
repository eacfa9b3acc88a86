"""Alembic environment: runs on the connection the service hands over (``service.store.db.upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import service.store.tables  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through service.store.db.upgrade (or `matcher`), which passes a connection"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
