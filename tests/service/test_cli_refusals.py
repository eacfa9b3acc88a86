"""When Click refuses the command line (no such command or option, a missing argument, a value
of the wrong type, extra words), the refusal speaks the language of ``--lang``: no English word
is left in a Kazakh or Russian refusal but what the reader typed, option names and the program's
name. The lines ``matcher demo`` prints while it loads name the kinds of rows in words that agree
with their numbers, and the other commands' summaries name kinds as words, not codes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal

import pytest
import typer
from typer.testing import CliRunner

from catalogs.i18n import messages
from service.cli.app import LangAnywhere, text
from tests.test_messages import fields_of, latin_words

LOCAL = ("kk", "ru")
REFUSALS = {  # the line typed, and what the refusal says in Kazakh and in Russian
    "no such command": (
        ["nosuch"],
        "`nosuch` деген команда жоқ.",
        "Нет команды `nosuch`.",
    ),
    "no such command, with a guess": (
        ["plann"],
        "Бәлкім, `plan`",
        "Может быть, имелась в виду `plan`",
    ),
    "no such command in a group": (
        ["account", "nosuch"],
        "`nosuch` деген команда жоқ.",
        "Нет команды `nosuch`.",
    ),
    "missing argument": (
        ["plan"],
        "`АДАМ` аргументі көрсетілмеген.",
        "Не указан аргумент `ЧЕЛОВЕК`.",
    ),
    "missing option": (
        ["allocate", "--release-from", "2027-01-01", "--release-to", "2027-02-01"],
        "Міндетті --kato параметрі көрсетілмеген.",
        "Не указан обязательный параметр --kato.",
    ),
    "not a whole number": (
        ["recommend", "--limit", "abc", "P00001"],
        "--limit: бүтін сан керек, `abc` емес.",
        "--limit: нужно целое число, а не `abc`.",
    ),
    "out of range": (
        ["recommend", "--limit", "0", "P00001"],
        "--limit: 1–200 аралығындағы сан керек, 0 емес.",
        "--limit: нужно число от 1 до 200, а не 0.",
    ),
    "no such option": (
        ["recommend", "P00001", "--nosuch"],
        "--nosuch деген параметр жоқ.",
        "Нет параметра --nosuch.",
    ),
    "no such option, with a guess": (
        ["recommend", "P00001", "--limi", "3"],
        "Бәлкім, --limit керек шығар?",
        "Может быть, имелся в виду --limit?",
    ),
    "no such option of the root": (
        ["--nosuch", "stats"],
        "--nosuch деген параметр жоқ.",
        "Нет параметра --nosuch.",
    ),
    "an option without its value": (
        ["recommend", "P00001", "--limit"],
        "--limit параметрінен кейін мән көрсетілмеген.",
        "После параметра --limit не указано значение.",
    ),
    "a flag given a value": (
        ["stats", "--json=yes"],
        "--json параметрі мән қабылдамайды.",
        "Параметр --json не принимает значения.",
    ),
    "extra argument": (
        ["stats", "extra"],
        "Артық аргумент: `extra`.",
        "Лишний аргумент: `extra`.",
    ),
    "extra arguments": (
        ["stats", "one", "two"],
        "Артық аргументтер: `one` `two`.",
        "Лишние аргументы: `one` `two`.",
    ),
}
USAGE = {"kk": "Қолданылуы: matcher", "ru": "Использование: matcher"}
HINT = {"kk": "Анықтама: 'matcher", "ru": "Справка: 'matcher"}
TITLE = {"kk": "Қате", "ru": "Ошибка"}


def test_every_refusal_has_its_words_in_three_languages() -> None:
    templates = messages("service.cli").templates
    keys = {k for k in templates["en"] if k.startswith(("refusal_", "usage_"))}
    assert len(keys) > 20
    for key in keys:
        assert fields_of(templates["kk"][key]) == fields_of(templates["ru"][key])
        assert fields_of(templates["ru"][key]) == fields_of(templates["en"][key]), key
        for lang in LOCAL:
            assert latin_words(templates[lang][key]) == [], (lang, key)


def english(output: str, typed: list[str]) -> list[str]:
    """The English words of ``output`` that are not the program's name, an option, a value or
    an id the reader typed, or code in backticks."""
    allowed = {"matcher", *typed, *(part for word in typed for part in word.split("="))}
    return [word for word in latin_words(output) if word not in allowed]


@pytest.mark.parametrize("case", REFUSALS)
@pytest.mark.parametrize("lang", LOCAL)
def test_the_parser_refuses_in_the_language_asked(run, case: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    typed, kazakh, russian = REFUSALS[case]
    result = run("--lang", lang, *typed)
    said = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2, result.output
    assert (kazakh if lang == "kk" else russian) in said
    assert TITLE[lang] in said
    assert english(said, typed) == []


@pytest.mark.parametrize("lang", LOCAL)
def test_a_refusal_shows_the_usage_and_the_hint_in_the_language(run, lang: str) -> None:  # type: ignore[no-untyped-def]
    said = run("plan", "--lang", lang).stderr
    assert USAGE[lang] in said
    assert HINT[lang] in said
    assert "[OPTIONS]" not in said
    assert "Usage" not in said
    assert "Try" not in said


@pytest.mark.parametrize("lang", LOCAL)
def test_a_refusal_made_without_a_context_shows_its_usage(run, lang: str) -> None:  # type: ignore[no-untyped-def]
    said = run("--lang", lang, "recommend", "P00001", "--limit").stderr
    assert f"{USAGE[lang]} recommend" in said
    assert f"{HINT[lang]} recommend --help'" in said
    root = run("--lang", lang, "--lang").stderr
    assert ("--lang параметрінен кейін" if lang == "kk" else "После параметра --lang") in root
    assert USAGE[lang] in root


def test_extra_words_are_named_wherever_the_options_are(run) -> None:  # type: ignore[no-untyped-def]
    said = " ".join(run("stats", "--lang", "ru", "extra", "--json").stderr.split())
    assert "Лишний аргумент: `extra`." in said


def typed_app() -> typer.Typer:
    """A root like ``matcher``'s with the kinds of values its commands may come to take (the
    language from MATCHER_LANG: this root has no ``--lang`` option)."""
    extra = typer.Typer(cls=LangAnywhere, add_completion=False)

    @extra.command()
    def fetch(
        kind: Literal["vacancy", "course"] = typer.Option("vacancy", "--kind"),
        since: datetime = typer.Option(None, "--since", formats=["%Y-%m-%d"]),  # noqa: B008
        source: Path = typer.Option(None, "--source", exists=True, dir_okay=False),  # noqa: B008
        share: float = typer.Option(0.5, "--share", max=1.0),
        verbose: bool = typer.Option(False, "--verbose"),
    ) -> None:
        """Fetch."""

    @extra.command()
    def other() -> None:
        """Another."""

    return extra


TYPED = {  # a typed value refused, and the refusal in Kazakh and in Russian
    "choice": (
        ["fetch", "--kind", "bed"],
        "--kind: `vacancy`, `course` мәндерінің бірі керек, `bed` емес.",
        "--kind: нужно одно из значений `vacancy`, `course`, а не `bed`.",
    ),
    "date": (
        ["fetch", "--since", "27.01.2027"],
        "--since: күн мына түрде жазылуы керек: `2027-01-27`; `27.01.2027` емес.",
        "--since: нужна дата в таком виде: `2027-01-27`, а не `27.01.2027`.",
    ),
    "path": (
        ["fetch", "--source", "/no/such/file.csv"],
        "--source: `/no/such/file.csv` деген файл не қалта жоқ.",
        "--source: нет файла или папки `/no/such/file.csv`.",
    ),
    "folder for a file": (
        ["fetch", "--source", "/"],
        "--source: `/` — қалта, ал файл керек.",
        "--source: `/` — это папка, а нужен файл.",
    ),
    "number": (
        ["fetch", "--share", "half"],
        "--share: сан керек, `half` емес.",
        "--share: нужно число, а не `half`.",
    ),
    "above the most": (
        ["fetch", "--share", "2"],
        "--share: ең көбі 1,0 болатын сан керек, 2 емес.",
        "--share: нужно число не больше 1,0, а не 2.",
    ),
}


@pytest.mark.parametrize("case", TYPED)
@pytest.mark.parametrize("lang", LOCAL)
def test_values_of_every_kind_are_refused_in_the_language(case: str, lang: str) -> None:
    typed, kazakh, russian = TYPED[case]
    result = CliRunner().invoke(typed_app(), typed, env={"MATCHER_LANG": lang}, prog_name="matcher")
    said = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2, result.output
    assert (kazakh if lang == "kk" else russian) in said
    assert english(said, typed) == []


def test_english_refusals_stay_english(run) -> None:  # type: ignore[no-untyped-def]
    said = " ".join(run("--lang", "en", "recommend", "--limit", "abc", "P1").stderr.split())
    assert "--limit: `abc` is not a whole number." in said
    assert "Usage: matcher recommend [OPTIONS]" in said


@pytest.mark.parametrize(
    ("n", "ru", "kk"),
    [
        (1, "1 работодатель", "1 жұмыс беруші"),
        (3, "3 работодателя", "3 жұмыс беруші"),
        (11, "11 работодателей", "11 жұмыс беруші"),
        (21, "21 работодатель", "21 жұмыс беруші"),
        (2998, "2998 работодателей", "2998 жұмыс беруші"),
    ],
)
def test_a_kind_of_rows_agrees_with_its_number(n: int, ru: str, kk: str) -> None:
    assert text("demo_rows_employers", "ru", rows=n) == ru
    assert text("demo_rows_employers", "kk", rows=n) == kk
    assert text("demo_rows_persons", "ru", rows=n).endswith("человек" if n != 3 else "человека")


DEMO_KINDS = {
    "ru": ("работодател", "центр", "курс", "ваканси", "человек"),
    "kk": ("жұмыс беруші", "бейімдеу орталығы", "курс", "бос жұмыс орны", "адам"),
}


@pytest.mark.parametrize("lang", LOCAL)
def test_demo_names_the_kinds_it_loads_in_words(run, lang: str) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "--lang", lang, "demo", "--vacancies", "60", "--courses", "12", "--persons", "12",
        "--as-of", "2026-11-25", "--fresh",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert progress
    for line in progress:
        assert re.fullmatch(r"  \d+ \D+ \(\d+,\d с\)", line), line
        assert latin_words(line) == [], line
    for kind in DEMO_KINDS[lang]:
        assert any(kind in line for line in progress), kind


@pytest.mark.parametrize("lang", LOCAL)
def test_allocation_names_kinds_as_words(lang: str) -> None:
    figures = {"assigned": 0, "wanting": 0, "ratio": None, "violations": 0}
    summary = text("allocate_summary", lang, kind="shelter", **figures)
    assert summary.startswith("Центры адаптации" if lang == "ru" else "Бейімдеу орталықтары")
    assert "None" not in summary
    assert latin_words(summary) == []
    for kind in ("vacancy", "course", "shelter"):
        assert latin_words(text("allocate_item_kind", lang, kind=kind)) == []


@pytest.mark.parametrize("lang", LOCAL)
def test_an_unopened_file_is_said_in_the_language(run, lang: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.csv"
    result = run("--lang", lang, "import", "persons", str(missing))
    assert result.exit_code == 2
    assert ("мұндай файл жоқ" if lang == "kk" else "нет такого файла") in result.stderr
    assert "No such file" not in result.stderr


def test_seconds_and_shares_are_written_with_the_languages_decimal_mark() -> None:
    from service.cli.data import one_decimal, percent

    assert one_decimal(0.84, "ru") == one_decimal(0.84, "kk") == "0,8"
    assert one_decimal(0.84, "en") == "0.8"
    assert percent(0.2139, "kk") == "21,4 %"
    assert percent(0.2139, "en") == "21.4 %"
    assert percent(None, "ru") == "—"


@pytest.mark.parametrize("lang", LOCAL)
def test_a_help_page_labels_every_kind_of_value_in_the_language(lang: str) -> None:
    result = CliRunner().invoke(
        typed_app(), ["fetch", "--help"], env={"MATCHER_LANG": lang, "COLUMNS": "200"}
    )
    shown = " ".join(result.stdout.replace("│", " ").split())
    day, number, file = {"kk": ("күн", "сан", "файл"), "ru": ("дата", "число", "файл")}[lang]
    assert "--kind <vacancy|course>" in shown  # the values a choice takes, as typed
    assert f"--since <{day}>" in shown
    assert f"--source <{file}>" in shown
    assert f"--share <{number} ≤ 1,0>" in shown
    assert re.search(r"--verbose [^<\s]", shown)  # a flag takes no value
    for english in ("<float", "<datetime", "%Y", "<path", "<bool", "[x", "default:"):
        assert english not in shown, english


@pytest.mark.parametrize("lang", LOCAL)
def test_a_number_in_an_allocation_has_the_languages_decimal_mark(lang: str) -> None:
    from service.cli.help import written

    figures = {"assigned": 3, "wanting": 4, "violations": 0}
    summary = text("allocate_summary", lang, kind="vacancy", ratio=written(0.987, lang), **figures)
    assert "×0,987" in summary
    assert written("0.734", lang) == "0,734"
    assert written("27.01.2027", lang) == "27.01.2027"
    assert written(0.987, "en") == "0.987"


@pytest.mark.parametrize("lang", LOCAL)
def test_a_file_system_failure_is_said_in_the_language(lang: str) -> None:
    import errno
    import os

    from service.cli.main import OS_REASONS, os_error

    for number in OS_REASONS:
        said = os_error(OSError(number, os.strerror(number), "/data/quota.csv"), lang)
        assert "`/data/quota.csv`" in said
        assert os.strerror(number) not in said
        assert latin_words(said) == [], said
    unusual = os_error(OSError(errno.ENOTEMPTY, os.strerror(errno.ENOTEMPTY)), lang)
    assert "`ENOTEMPTY`" in unusual  # named by its symbol inside a native sentence
    assert latin_words(unusual) == []
    assert latin_words(os_error(OSError("no number"), lang)) == []


@pytest.mark.parametrize("lang", LOCAL)
def test_the_refusals_are_worded_by_their_own_module(lang: str) -> None:
    from typer._click.exceptions import BadOptionUsage, NoSuchOption, UsageError

    from service.cli.refusals import refusal

    unknown = refusal(NoSuchOption("--limt", possibilities=["--limit"]), [], lang)
    assert unknown is not None
    assert "--limt" in unknown
    assert "--limit" in unknown  # the close name
    assert latin_words(unknown.replace("--limt", "").replace("--limit", "")) == []
    empty = refusal(BadOptionUsage("--kato", "--kato option requires an argument"), [], lang)
    assert empty == messages("service.cli").text(
        "refusal_option_needs_value", lang, option="--kato"
    )
    assert refusal(UsageError("something else"), [], lang) is None  # shown as Click words it
