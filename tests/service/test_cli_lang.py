"""``--lang`` is accepted before and after the command name, and MATCHER_LANG sets the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli.app import hoist_lang, lang_of
from service.cli.main import app
from tests.factories import csv_bytes, vacancy


def test_lang_moves_in_front_of_the_command() -> None:
    assert hoist_lang(["plan", "P1", "--lang", "kk"]) == ["--lang", "kk", "plan", "P1"]
    assert hoist_lang(["plan", "--lang=en", "P1"]) == ["--lang=en", "plan", "P1"]
    assert hoist_lang(["plan-add", "P1", "--", "--lang", "kk"]) == [
        "plan-add", "P1", "--", "--lang", "kk"
    ]  # fmt: skip


def test_the_language_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHER_LANG", raising=False)
    assert lang_of(["stats"]) == "ru"
    assert lang_of(["plan", "P1", "--lang", "kk"]) == "kk"
    assert lang_of(["--lang", "kk", "plan", "--lang=en"]) == "en"  # the last one
    assert lang_of(["plan-add", "P1", "--", "--lang", "kk"]) == "ru"  # text, not an option
    assert lang_of(["stats", "--lang", "de"]) == "ru"
    monkeypatch.setenv("MATCHER_LANG", "kk")
    assert lang_of(["stats"]) == lang_of(["stats", "--lang", "de"]) == "kk"
    assert lang_of(["stats", "--lang", "en"]) == "en"
    monkeypatch.setenv("MATCHER_LANG", "de")
    assert lang_of(["stats"]) == "ru"


def test_a_language_not_spoken_is_refused_in_one_that_is(tmp_path: Path) -> None:
    env = {"MATCHER_HOME": str(tmp_path), "DATABASE_URL": "", "MATCHER_LANG": "kk"}
    refused = CliRunner().invoke(app, ["stats", "--lang", "de"], env=env)
    assert refused.exit_code == 2
    assert "--lang мәні `ru`, `kk` немесе `en` болуы керек, de емес" in refused.stderr
    assert "Қолданылуы: matcher" in refused.stderr
    russian = CliRunner().invoke(app, ["--lang=xx", "stats"], env={**env, "MATCHER_LANG": None})
    assert russian.exit_code == 2
    assert "--lang: ожидается `ru`, `kk` или `en`, а не xx" in russian.stderr


@pytest.fixture
def demo(run):  # type: ignore[no-untyped-def]
    result = run(
        "demo", "--vacancies", "300", "--courses", "40", "--persons", "40", "--as-of", "2026-11-25"
    )
    assert result.exit_code == 0, result.output
    return run


def test_lang_before_or_after_the_command_gives_the_same_output(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    day = ("--as-of", "2026-11-25")
    for args in (
        ("recommend", "P00001", *day, "--no-record"),
        ("recommend", "P00002", "--kind", "shelter", *day, "--no-record"),
    ):
        before, after = demo("--lang", "kk", *args), demo(*args, "--lang", "kk")
        assert before.exit_code == after.exit_code == 0, before.output
        assert before.stdout == after.stdout
        assert before.stdout != demo("--lang", "en", *args).stdout

    first, second = (
        demo("--lang", "kk", "plan", "P00001", *day),
        demo("plan", "P00001", *day, "--lang", "kk"),
    )
    assert first.exit_code == second.exit_code == 0, first.output
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["version"], two["version"]) == (1, 2)
    for body in (one["rendered"], two["rendered"], one["plan"], two["plan"]):
        del body["version"]  # the second is version 2, and says so
    assert one["rendered"] == two["rendered"]
    assert one["plan"] == two["plan"]
    shown = [
        demo("--lang", "kk", "plan", "P00001", "--show", "--format", "html").stdout,
        demo("plan", "P00001", "--show", "--format", "html", "--lang", "kk").stdout,
    ]
    assert shown[0] == shown[1]
    assert "Әлеуметтік-құқықтық көмек" in shown[0]

    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes([vacancy(1, salary_kzt="?"), vacancy(2)]))
    before = demo("--lang", "kk", "import", "vacancies", str(path), "--check")
    after = demo("import", "vacancies", str(path), "--check", "--lang", "kk")
    assert before.exit_code == after.exit_code == 1
    assert before.stdout == after.stdout
    assert before.stderr == after.stderr
    assert "бүтін сан күтілді" in before.stderr


def test_matcher_lang_sets_the_default(tmp_path: Path) -> None:
    env = {"MATCHER_HOME": str(tmp_path), "MATCHER_LANG": "kk", "DATABASE_URL": ""}
    runner = CliRunner()
    by_env = runner.invoke(app, ["stats"], env=env)
    assert by_env.exit_code == 0, by_env.output
    by_option = runner.invoke(app, ["stats", "--lang", "kk"], env={**env, "MATCHER_LANG": "en"})
    assert by_env.stdout == by_option.stdout
    english = runner.invoke(app, ["stats"], env={**env, "MATCHER_LANG": "en"})
    assert english.stdout != by_env.stdout
