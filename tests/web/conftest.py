"""A served application on a fresh database of its own (a SQLite file, or a new PostgreSQL
database under DATABASE_URL) with a small world: a region's persons, quota vacancies of one
employer, a course and a centre, and one account per role; and Debian's chromium for the
browser tests (skipped when it is missing on a developer's machine, failing in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings
from service.runtime import Runtime
from service.store import accounts, db
from service.store.imports import import_records
from tests.dbutil import scratch_engine
from tests.factories import AKTAU, KOKSHETAU, bin_number, person, vacancy
from tests.serving import served as served_app

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"
REGION = "470000000"
"""Mangystau: Aktau is in it, Kokshetau is not."""
EMPLOYER_BIN = bin_number(7)
OTHER_BIN = bin_number(8)


def _people(today: date) -> list[dict[str, Any]]:
    soon = [3, 6, 9, 11, 16, 30, 40, 50]
    rows = [
        person(
            n, kato=AKTAU, status="in_custody", probation_kind="penitentiary",
            release_date=(today + timedelta(weeks=weeks)).isoformat(),
            full_name=f"Жумабаев Ержан {n}", consent_employer_view="true",
            need_housing="true" if n % 2 else "false",
        )
        for n, weeks in enumerate(soon, start=1)
    ]  # fmt: skip
    rows.append(person(50, kato=KOKSHETAU, full_name="Другой Регион"))
    return rows


@dataclass
class Site:
    base: str
    rt: Runtime

    def account(self, role: str, login: str, **scope: Any) -> str:
        """An account with ``PASSWORD`` (no forced change); returns its login."""
        with self.rt.writing() as session:
            if accounts.by_login(session, login) is None:
                accounts.create(
                    session, role=role, login=login, password=PASSWORD,
                    must_change_password=False, display_name="Айгерім Сапарова", **scope,
                )  # fmt: skip
                session.commit()
        return login


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("web")
    with scratch_engine(home) as engine:
        db.upgrade(engine)
        rt = Runtime(Settings(home=home, secret_key="w" * 32, lang="ru"), engine, _ready=True)
        today = date.today()
        window = (today - timedelta(days=10)).isoformat()
        with rt.writing() as session:
            batches: list[tuple[str, list[dict[str, Any]]]] = [
                ("vacancies", [
                    vacancy(n, employer_bin=EMPLOYER_BIN, quota_from=window, quota_slots="6")
                    for n in (1, 2)
                ] + [vacancy(3, employer_bin=OTHER_BIN, quota_from=window,
                             employer_name="ТОО «Другой»")]),
                ("persons", _people(today)),
            ]  # fmt: skip
            for kind, rows in batches:
                assert import_records(session, kind, rows, protector=rt.protector, commit=False).ok
            session.commit()
        with served_app(rt) as port:
            found = Site(f"http://127.0.0.1:{port}", rt)
            found.account("officer", "officer", region_kato=REGION)
            found.account("inspector", "inspector", region_kato=REGION)
            found.account("employer", "employer", employer_bin=EMPLOYER_BIN)
            found.account("employer", "other-employer", employer_bin=OTHER_BIN)
            found.account("admin", "admin")
            yield found


def chromium_or_skip() -> str:
    """The browser's path; without it, a skip on a developer's machine and a failure in CI."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)
