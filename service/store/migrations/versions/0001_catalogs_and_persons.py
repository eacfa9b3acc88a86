"""Catalogs (vacancies, courses, shelters) and persons.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("occupation_codes", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=True),
        sa.Column("region_kato", sa.String(length=9), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("education_min", sa.String(length=20), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("cost_kzt", sa.Integer(), nullable=False),
        sa.Column("available_in_custody", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
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
        sa.PrimaryKeyConstraint("course_id"),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_programme"), ["programme"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_region_kato"), ["region_kato"], unique=False)

    op.create_table(
        "persons",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("iin_hash", sa.String(length=64), nullable=True),
        sa.Column("iin_cipher", sa.String(), nullable=True),
        sa.Column("full_name_cipher", sa.String(), nullable=True),
        sa.Column("offence_cipher", sa.String(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("region_kato", sa.String(length=9), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("probation_kind", sa.String(length=20), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("institution", sa.String(length=200), nullable=True),
        sa.Column("education", sa.String(length=20), nullable=True),
        sa.Column("professions", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("experience_years", sa.Float(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("has_driving_licence", sa.Boolean(), nullable=False),
        sa.Column("need_housing", sa.Boolean(), nullable=False),
        sa.Column("need_documents", sa.Boolean(), nullable=False),
        sa.Column("need_medical_commission", sa.Boolean(), nullable=False),
        sa.Column("need_psychological", sa.Boolean(), nullable=False),
        sa.Column("need_addiction_treatment", sa.Boolean(), nullable=False),
        sa.Column("need_legal_aid", sa.Boolean(), nullable=False),
        sa.Column("has_disability", sa.Boolean(), nullable=False),
        sa.Column("civil_claim_kzt", sa.BigInteger(), nullable=False),
        sa.Column("family_ties", sa.String(length=12), nullable=True),
        sa.Column("wants_training", sa.Boolean(), nullable=False),
        sa.Column("relocation_ok", sa.Boolean(), nullable=False),
        sa.Column("max_commute_km", sa.Float(), nullable=False),
        sa.Column("consent_employer_view", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("person_id"),
        sa.UniqueConstraint("iin_hash"),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_region_kato"), ["region_kato"], unique=False)
        batch_op.create_index(batch_op.f("ix_persons_release_date"), ["release_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_persons_status"), ["status"], unique=False)

    op.create_table(
        "shelters",
        sa.Column("shelter_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("operator", sa.String(length=300), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("region_kato", sa.String(length=9), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("max_stay_days", sa.Integer(), nullable=False),
        sa.Column("accepts", sa.String(length=10), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("admits_substance_use", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
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
        sa.PrimaryKeyConstraint("shelter_id"),
    )
    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelters_region_kato"), ["region_kato"], unique=False)

    op.create_table(
        "vacancies",
        sa.Column("vacancy_id", sa.String(length=64), nullable=False),
        sa.Column("employer_bin", sa.String(length=12), nullable=False),
        sa.Column("employer_name", sa.String(length=300), nullable=True),
        sa.Column("employer_oked", sa.String(length=8), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("occupation_code", sa.String(length=4), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("education_min", sa.String(length=20), nullable=False),
        sa.Column("experience_min_years", sa.Float(), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("region_kato", sa.String(length=9), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("salary_kzt", sa.Integer(), nullable=True),
        sa.Column("is_quota", sa.Boolean(), nullable=False),
        sa.Column("quota_slots", sa.Integer(), nullable=False),
        sa.Column("quota_from", sa.Date(), nullable=True),
        sa.Column("excluded_offences", sa.JSON(), nullable=False),
        sa.Column("provides_housing", sa.Boolean(), nullable=False),
        sa.Column("employment_type", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
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
        sa.PrimaryKeyConstraint("vacancy_id"),
    )
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vacancies_employer_bin"), ["employer_bin"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vacancies_is_quota"), ["is_quota"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vacancies_occupation_code"), ["occupation_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vacancies_region_kato"), ["region_kato"], unique=False)
        batch_op.create_index(batch_op.f("ix_vacancies_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacancies_status"))
        batch_op.drop_index(batch_op.f("ix_vacancies_region_kato"))
        batch_op.drop_index(batch_op.f("ix_vacancies_occupation_code"))
        batch_op.drop_index(batch_op.f("ix_vacancies_is_quota"))
        batch_op.drop_index(batch_op.f("ix_vacancies_employer_bin"))
    op.drop_table("vacancies")
    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelters_region_kato"))
    op.drop_table("shelters")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_status"))
        batch_op.drop_index(batch_op.f("ix_persons_release_date"))
        batch_op.drop_index(batch_op.f("ix_persons_region_kato"))
    op.drop_table("persons")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_region_kato"))
        batch_op.drop_index(batch_op.f("ix_courses_programme"))
    op.drop_table("courses")
