"""Employers, referrals and their history, notifications and their settings, the daily
clock's runs; the day a vacancy's or a centre's capacity was last confirmed; where a token's
holder gets notifications.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "clock_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "employers",
        sa.Column("employer_bin", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("oked", sa.String(length=8), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=True),
        sa.Column("region_kato", sa.String(length=9), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("quota_percent", sa.Float(), nullable=True),
        sa.Column("quota_year", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("is_stub", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("employer_bin"),
    )
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employers_region_kato"), ["region_kato"], unique=False)

    op.create_table(
        "notification_settings",
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("recipient", "kind"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_recipient"), ["recipient"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_state"), ["state"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("item_kind", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("employer_bin", sa.String(length=12), nullable=True),
        sa.Column("region_kato", sa.String(length=9), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=6), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=True),
        sa.Column("state_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("destination", sa.String(length=20), nullable=True),
        sa.Column("stay_until", sa.Date(), nullable=True),
        sa.Column("clock_step", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_by_token", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.person_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referral_place", ["item_kind", "item_id", "place"], unique=False)
        batch_op.create_index("ix_referral_waiting", ["state", "answer_due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_created_by_token"), ["created_by_token"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referrals_employer_bin"), ["employer_bin"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_region_kato"), ["region_kato"], unique=False)

    op.create_table(
        "referral_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=12), nullable=True),
        sa.Column("to_state", sa.String(length=12), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_events_referral_id"), ["referral_id"], unique=False
        )

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("lang", sa.String(length=2), nullable=False, server_default="ru")
        )

    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capacity_confirmed_on", sa.Date(), nullable=True))

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capacity_confirmed_on", sa.Date(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_column("capacity_confirmed_on")

    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.drop_column("capacity_confirmed_on")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("lang")
        batch_op.drop_column("email")

    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_events_referral_id"))

    op.drop_table("referral_events")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_region_kato"))
        batch_op.drop_index(batch_op.f("ix_referrals_person_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_employer_bin"))
        batch_op.drop_index(batch_op.f("ix_referrals_created_by_token"))
        batch_op.drop_index("ix_referral_waiting")
        batch_op.drop_index("ix_referral_place")

    op.drop_table("referrals")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_state"))
        batch_op.drop_index(batch_op.f("ix_notifications_referral_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_recipient"))
        batch_op.drop_index(batch_op.f("ix_notifications_kind"))

    op.drop_table("notifications")
    op.drop_table("notification_settings")
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employers_region_kato"))

    op.drop_table("employers")
    op.drop_table("clock_runs")
