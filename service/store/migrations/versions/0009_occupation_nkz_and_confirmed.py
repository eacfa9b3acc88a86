"""Kazakhstan's NKZ occupation of a vacancy as imported (its ISCO-08 unit group stays in
``occupation_code``); a person's occupation confirmed by an officer: the ISCO-08 code, the NKZ
code when one was given, the written profession it confirms, who confirmed it and when.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occupation_nkz", sa.String(length=10), nullable=True))

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_occupation", sa.String(length=4), nullable=True))
        batch_op.add_column(
            sa.Column("confirmed_occupation_nkz", sa.String(length=10), nullable=True)
        )
        batch_op.add_column(
            sa.Column("confirmed_occupation_text", sa.String(length=300), nullable=True)
        )
        batch_op.add_column(
            sa.Column("confirmed_occupation_by", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("confirmed_occupation_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("confirmed_occupation_at")
        batch_op.drop_column("confirmed_occupation_by")
        batch_op.drop_column("confirmed_occupation_text")
        batch_op.drop_column("confirmed_occupation_nkz")
        batch_op.drop_column("confirmed_occupation")

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("occupation_nkz")
