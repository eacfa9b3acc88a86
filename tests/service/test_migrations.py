from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from service.store import db
from tests.dbutil import backend_url, scratch_engine


def test_the_suite_runs_on_the_backend_it_was_asked_for(engine: Engine) -> None:
    expected = "postgresql" if backend_url() else "sqlite"
    assert engine.dialect.name == expected


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        assert db.current_revision(connection) == db.head_revision()
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_an_older_database_upgrades_in_place_keeping_its_data(tmp_path: Path) -> None:
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine, "0001")
        with engine.begin() as connection:
            assert "outcome_events" not in sa.inspect(connection).get_table_names()
            connection.execute(
                sa.text(
                    "INSERT INTO shelters (shelter_id, name, kato, region_kato, lat, lon, capacity,"
                    " occupied, max_stay_days, accepts, min_age, services, admits_substance_use)"
                    " VALUES ('S1', 'Центр', '111010000', '110000000', 53.28, 69.39, 20, 5, 180,"
                    " 'all', 18, '[]', false)"
                )
            )
        db.upgrade(engine)
        with engine.connect() as connection:
            assert db.current_revision(connection) == db.head_revision()
            assert "outcome_events" in sa.inspect(connection).get_table_names()
            assert connection.execute(sa.text("SELECT name FROM shelters")).scalar_one() == "Центр"


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        with engine.begin() as connection:
            db.downgrade(connection, "base")
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        db.upgrade(engine)
        db.upgrade(engine)  # a second run is a no-op
        with engine.connect() as connection:
            assert db.current_revision(connection) == db.head_revision()


def test_the_head_constant_is_the_newest_migration() -> None:
    """``db.HEAD`` lets a command recognise an up-to-date database without loading Alembic."""
    assert db.head_revision() == db.HEAD


def test_0009_adds_the_nkz_and_confirmed_occupation_columns_keeping_rows(tmp_path: Path) -> None:
    """Vacancies get ``occupation_nkz``; persons their confirmed occupation; rows stay, and
    going back to 0008 drops only those columns."""
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine, "0008")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO vacancies (vacancy_id, employer_bin, title, occupation_code,"
                    " skills, education_min, experience_min_years, kato, region_kato, lat, lon,"
                    " is_quota, quota_slots, excluded_offences, provides_housing,"
                    " employment_type, status) VALUES ('V1', '150340000017', 'Сварщик', '7212',"
                    " '[]', 'none', 0, '471010000', '470000000', 43.65, 51.17, false, 0, '[]',"
                    " false, 'full', 'open')"
                )
            )
        db.upgrade(engine, "0009")
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("persons")}
            assert {"confirmed_occupation", "confirmed_occupation_nkz",
                    "confirmed_occupation_text", "confirmed_occupation_by",
                    "confirmed_occupation_at"} <= columns  # fmt: skip
            row = connection.execute(
                sa.text("SELECT occupation_code, occupation_nkz FROM vacancies")
            ).one()
            assert tuple(row) == ("7212", None)
        with engine.begin() as connection:
            db.downgrade(connection, "0008")
            assert "occupation_nkz" not in {
                c["name"] for c in sa.inspect(connection).get_columns("vacancies")
            }
            assert connection.execute(sa.text("SELECT title FROM vacancies")).scalar_one() == (
                "Сварщик"
            )
