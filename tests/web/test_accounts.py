"""``matcher account create|disable|reset`` and the login rules behind the pages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from service.runtime import Runtime
from service.store import accounts as store
from service.usecases import accounts
from tests.factories import bin_number


def test_create_prints_a_one_time_password_that_must_be_changed(
    run: Any, runtime: Runtime, session: Session
) -> None:
    made = run("account", "create", "--role", "officer", "--login", "Aigerim", "--region",
               "470000000", "--name", "Айгерім", "--notify-lang", "kk")  # fmt: skip
    assert made.exit_code == 0, made.output
    password = made.stdout.strip().splitlines()[-1]
    row = store.by_login(session, "aigerim")
    assert row is not None
    assert row.must_change_password
    assert row.lang == "kk"
    assert row.password_hash.startswith("$argon2")
    assert password not in row.password_hash
    assert accounts.login(runtime, "aigerim", password).id == row.id


def test_a_password_from_stdin_is_kept_and_need_not_change(run: Any, runtime: Runtime) -> None:
    made = run("account", "create", "--role", "employer", "--login", "kaspiy", "--employer",
               bin_number(3), "--password-stdin", input="chosen-password-1\n")  # fmt: skip
    assert made.exit_code == 0, made.output
    account = accounts.login(runtime, "kaspiy", "chosen-password-1")
    assert not account.must_change_password


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "employer", "--login", "nobin"], "BIN"),
        (["--role", "admin", "--login", "adm", "--region", "470000000"], "staff"),
        (["--role", "officer", "--login", "x", "--region", "470000000"], "Login"),
        (["--role", "pilot", "--login", "pilot"], "role"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(run: Any, args: list[str], message: str) -> None:
    made = run("--lang", "en", "account", "create", *args)
    assert made.exit_code == 1
    assert message in made.output


def test_disable_and_reset(run: Any, runtime: Runtime) -> None:
    run("account", "create", "--role", "inspector", "--login", "bolat", "--password-stdin",
        input="first-password-1\n")  # fmt: skip
    assert run("account", "disable", "bolat").exit_code == 0
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.login(runtime, "bolat", "first-password-1")
    assert refused.value.code == "disabled"
    reset = run("account", "reset", "bolat")
    assert reset.exit_code == 0
    password = reset.stdout.strip().splitlines()[-1]
    assert accounts.login(runtime, "bolat", password).must_change_password
    assert run("account", "reset", "nobody").exit_code == 1


def test_five_failures_lock_for_fifteen_minutes(run: Any, runtime: Runtime) -> None:
    run("account", "create", "--role", "officer", "--login", "erzhan", "--password-stdin",
        input="right-password-1\n")  # fmt: skip
    for _ in range(4):
        with pytest.raises(accounts.LoginRefused) as refused:
            accounts.login(runtime, "erzhan", "wrong")
        assert refused.value.code == "bad_credentials"
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.login(runtime, "erzhan", "wrong")
    assert refused.value.code == "locked"
    assert "15" in refused.value.message("kk")
    with pytest.raises(accounts.LoginRefused):
        accounts.login(runtime, "erzhan", "right-password-1")
