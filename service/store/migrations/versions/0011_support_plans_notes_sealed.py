"""A person's institution, needs, disability, civil claim and family ties, plan bodies and
referral notes encrypted at rest (``service.store.sealed``).

The rows there are rewritten under the database's key: the key ``service.store.db.upgrade``
is given (the process's), else the key of the settings in force; a database that records
another key's fingerprint is refused before anything changes. Once committed, the files are
rewritten (``db.scrub``: SQLite ``VACUUM``, PostgreSQL ``VACUUM FULL`` of the three tables) so
that the clear values do not linger in free pages or old row versions. The downgrade
decrypts the same way, back into the clear columns.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 500

FLAGS = [
    "need_housing",
    "need_documents",
    "need_medical_commission",
    "need_psychological",
    "need_addiction_treatment",
    "need_legal_aid",
    "has_disability",
]
SUPPORT = ["institution", *FLAGS, "civil_claim_kzt", "family_ties"]


def _support_columns() -> list[sa.Column[Any]]:
    """The clear columns as 0010 had them (nullable while they are filled again)."""
    return [
        sa.Column("institution", sa.String(length=200), nullable=True),
        *(sa.Column(name, sa.Boolean(), nullable=True) for name in FLAGS),
        sa.Column("civil_claim_kzt", sa.BigInteger(), nullable=True),
        sa.Column("family_ties", sa.String(length=12), nullable=True),
    ]


def _clear(row: Any) -> dict[str, Any]:
    """A persons row's clear support columns as ``sealed.Support`` takes them (SQLite
    answers 0 and 1 for booleans)."""
    values = dict(zip(SUPPORT, row[1:], strict=True))
    return {
        name: bool(value) if name in FLAGS and value is not None else value
        for name, value in values.items()
    }


class WrongKey(RuntimeError):
    """The key at hand is not the one this database is written under."""


def _protector(connection: sa.Connection) -> Any:
    """The key to rewrite the rows with: the one handed to ``db.upgrade``, else the
    settings' (a command such as ``matcher db upgrade``); checked against the fingerprint
    the database records."""
    from service.store.protect import Protector

    protector = context.config.attributes.get("protector")
    if protector is None:
        from service.config import Settings

        protector = Protector(Settings().secret())
    recorded = connection.execute(sa.text("SELECT fingerprint FROM key_fingerprint")).scalar()
    if recorded is not None and recorded != protector.fingerprint():
        raise WrongKey(
            "this database is written under another secret key: start with its key "
            "(MATCHER_SECRET_KEY or secret.key) to upgrade it"
        )
    return protector


def _has_rows(connection: sa.Connection, *tables: str) -> bool:
    return any(
        connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in tables
    )


def _rewrite(
    connection: sa.Connection,
    table: str,
    key: str,
    read: list[str],
    write: list[str],
    change: Callable[[Any], dict[str, Any]],
) -> None:
    """Every row of ``table``: ``change`` makes the ``write`` columns from the ``read`` ones,
    a page of ``BATCH`` rows at a time, in ``key`` order."""
    columns = ", ".join([key, *read])
    update = sa.text(
        f"UPDATE {table} SET "
        + ", ".join(f"{name} = :{name}" for name in write)
        + f" WHERE {key} = :_key"
    )
    last: Any = None
    while True:
        where = "" if last is None else f" WHERE {key} > :last"
        rows = connection.execute(
            sa.text(f"SELECT {columns} FROM {table}{where} ORDER BY {key} LIMIT {BATCH}"),
            {} if last is None else {"last": last},
        ).all()
        if not rows:
            return
        connection.execute(update, [{"_key": row[0], **change(row)} for row in rows])
        last = rows[-1][0]


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    from service.store import sealed

    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        # freed pages are overwritten, so the clear values leave the file
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    op.add_column("persons", sa.Column("support_cipher", sa.String(), nullable=True))
    op.add_column("plan_versions", sa.Column("body_cipher", sa.Text(), nullable=True))
    op.add_column("referral_events", sa.Column("note_cipher", sa.Text(), nullable=True))
    if _has_rows(connection, "persons", "plan_versions", "referral_events"):
        protector = _protector(connection)
        _rewrite(
            connection, "persons", "person_id", SUPPORT, ["support_cipher"],
            lambda row: {"support_cipher": sealed.seal_support(protector, _clear(row))},
        )  # fmt: skip
        _rewrite(
            connection, "plan_versions", "id", ["body"], ["body_cipher"],
            lambda row: {"body_cipher": sealed.seal_json(protector, _json(row[1]))},
        )  # fmt: skip
        _rewrite(
            connection, "referral_events", "id", ["note"], ["note_cipher"],
            lambda row: {"note_cipher": protector.encrypt(row[1])},
        )  # fmt: skip
        # once committed, the files are rewritten without the clear values (db.scrub)
        context.config.attributes["scrub"] = ["persons", "plan_versions", "referral_events"]
    for name in SUPPORT:
        op.drop_column("persons", name)
    op.drop_column("referral_events", "note")
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("body")
        batch.alter_column("body_cipher", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    from service.store import sealed

    connection = op.get_bind()
    for column in _support_columns():
        op.add_column("persons", column)
    op.add_column("plan_versions", sa.Column("body", sa.JSON(), nullable=True))
    op.add_column("referral_events", sa.Column("note", sa.String(length=500), nullable=True))
    if _has_rows(connection, "persons", "plan_versions", "referral_events"):
        protector = _protector(connection)
        _rewrite(
            connection, "persons", "person_id", ["support_cipher"], SUPPORT,
            lambda row: asdict(sealed.open_support(protector, row[1])),
        )  # fmt: skip
        body = sa.text("UPDATE plan_versions SET body = :body WHERE id = :_key").bindparams(
            sa.bindparam("body", type_=sa.JSON())
        )
        rows = connection.execute(sa.text("SELECT id, body_cipher FROM plan_versions")).all()
        for key, cipher in rows:
            connection.execute(body, {"_key": key, "body": sealed.open_json(protector, cipher)})
        _rewrite(
            connection, "referral_events", "id", ["note_cipher"], ["note"],
            lambda row: {"note": protector.decrypt(row[1])},
        )  # fmt: skip
    for name, default in [*((name, "false") for name in FLAGS), ("civil_claim_kzt", "0")]:
        connection.execute(sa.text(f"UPDATE persons SET {name} = {default} WHERE {name} IS NULL"))
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("body_cipher")
        batch.alter_column("body", existing_type=sa.JSON(), nullable=False)
    op.drop_column("referral_events", "note_cipher")
    op.drop_column("persons", "support_cipher")
    if connection.dialect.name == "postgresql":  # SQLite keeps them nullable: no table rebuild
        for name in [*FLAGS, "civil_claim_kzt"]:
            op.alter_column("persons", name, nullable=False)
