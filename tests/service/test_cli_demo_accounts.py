"""``matcher account demo``: the way into the demo that ``./dev demo`` prints, in the chosen
language: the pages' address, one login and one-time password per role (officer and inspector
of the first person's region, employer of the first open quota vacancy's employer, admin), and
with ``--tokens`` an officer's and an admin's token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from catalogs.i18n import LANGS, messages
from service.runtime import Runtime
from service.store.tables import Person
from service.usecases import accounts, admin
from tests.factories import AKTAU, bin_number, csv_bytes, person, vacancy
from tests.test_messages import fields_of, latin_words

QUOTA_EMPLOYER = bin_number(9)
LOGINS = ["demo-officer", "demo-inspector", "demo-employer", "demo-admin"]
LINE = {
    "ru": re.compile(r"  (.+?) +логин (\S+) +одноразовый пароль (\S+)"),
    "kk": re.compile(r"  (.+?) +логин (\S+) +бір реттік құпиясөз (\S+)"),
    "en": re.compile(r"  (.+?) +login (\S+) +one-time password (\S+)"),
}


@pytest.fixture
def filled(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two persons in two regions; a vacancy outside the quota first, then two quota ones of
    other employers."""
    persons, vacancies = tmp_path / "p.csv", tmp_path / "v.csv"
    persons.write_bytes(csv_bytes([person(1), person(2, kato=AKTAU)]))
    vacancies.write_bytes(
        csv_bytes(
            [
                vacancy(1, is_quota="false", quota_slots="", quota_from=""),
                vacancy(2, employer_bin=QUOTA_EMPLOYER),
                vacancy(3, employer_bin=bin_number(11)),
            ]
        )
    )
    for kind, path in (("persons", persons), ("vacancies", vacancies)):
        result = run("import", kind, str(path))
        assert result.exit_code == 0, result.output
    return run


def accounts_of(stdout: str, lang: str) -> list[tuple[str, ...]]:
    """(role, login, password) of each account line."""
    return [m.groups() for line in stdout.splitlines() if (m := LINE[lang].fullmatch(line))]


def test_one_account_per_role_in_russian_each_one_a_way_in(filled, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    result = filled("--lang", "ru", "account", "demo")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "страницы: http://127.0.0.1:8000/ (войдите и смените одноразовый пароль)"
    rows = accounts_of(result.stdout, "ru")
    assert len(lines) == 1 + len(rows) == 5  # no tokens unless asked
    web = messages("service.web")
    assert [role for role, _, _ in rows] == [
        web.text(f"role_{role}", "ru") for role in ("officer", "inspector", "employer", "admin")
    ]
    assert [login for _, login, _ in rows] == LOGINS
    with runtime.session() as session:
        first = session.scalars(
            sa.select(col(Person.region_kato)).order_by(col(Person.person_id))
        ).first()
    assert first
    for _, login, password in rows:
        account = accounts.login(runtime, login, password)
        assert account.must_change_password
        assert account.region_kato == (first if login in LOGINS[:2] else None)
        assert account.employer_bin == (QUOTA_EMPLOYER if login == "demo-employer" else None)

    again = accounts_of(filled("--lang", "ru", "account", "demo").stdout, "ru")
    assert [login for _, login, _ in again] == LOGINS  # the same accounts, new passwords
    for (_, login, old), (_, _, new) in zip(rows, again, strict=True):
        assert new != old
        with pytest.raises(accounts.LoginRefused):
            accounts.login(runtime, login, old)
        assert accounts.login(runtime, login, new).login == login


def test_kazakh_and_english_lines_and_the_tokens(filled, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    kazakh = filled("account", "demo", "--port", "8010", "--tokens", "--lang", "kk")
    assert kazakh.exit_code == 0, kazakh.output
    lines = kazakh.stdout.splitlines()
    assert lines[0] == "беттер: http://127.0.0.1:8010/ (кіріп, бір реттік құпиясөзді ауыстырыңыз)"
    assert accounts_of(kazakh.stdout, "kk")[0][0] == "жұмыспен қамту орталығының маманы"
    officer, admin_token = (line.rpartition(": ")[2] for line in lines[-2:])
    assert lines[-2] == f"жұмыспен қамту орталығы маманының токені: {officer}"
    assert lines[-1] == f"әкімшінің токені: {admin_token}"
    for token, role in ((officer, "officer"), (admin_token, "admin")):
        assert admin.authenticate(runtime, token, method="GET", route="/").role == role

    english = filled("--lang", "en", "account", "demo", "--tokens").stdout.splitlines()
    assert english[0] == "pages: http://127.0.0.1:8000/ (log in; change the one-time password)"
    assert [login for _, login, _ in accounts_of("\n".join(english), "en")] == LOGINS
    assert english[-2].startswith("officer token: mt_")
    assert english[-1].startswith("admin token:   mt_")


def test_an_empty_database_gets_the_admin_only(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--lang", "ru", "account", "demo")
    assert result.exit_code == 0, result.output
    assert [login for _, login, _ in accounts_of(result.stdout, "ru")] == ["demo-admin"]


def test_the_command_line_s_messages_are_worded_in_three_languages() -> None:
    """The messages of ``service.cli`` (its help texts have their own tests)."""
    templates = messages("service.cli").templates
    help_area = ("matcher", "typer:", "click:")
    keys = {lang: {k for k in templates[lang] if not k.startswith(help_area)} for lang in LANGS}
    assert keys["kk"] == keys["ru"] == keys["en"]
    assert {"demo_pages", "demo_account", "demo_officer_token", "demo_admin_token"} <= keys["en"]
    for key in keys["en"]:
        assert fields_of(templates["kk"][key]) == fields_of(templates["ru"][key])
        assert fields_of(templates["ru"][key]) == fields_of(templates["en"][key]), key
        assert latin_words(templates["kk"][key]) == latin_words(templates["ru"][key]) == [], key
