"""``matcher``'s help speaks Kazakh and Russian as well as English: every command and every
parameter with a help text has it in ``service/cli/locales/help.{kk,ru}.json`` (native, with no
English words but option names, values typed as code and names like ISCO-08), the English one
is the code's own, and the framework's words on the page (usage, panels, defaults, ``--help``)
follow the language chosen by ``--lang`` anywhere on the line, else MATCHER_LANG."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import typer.main
from typer import rich_utils
from typer._click.core import Command
from typer.testing import CliRunner

from service.cli.app import LangAnywhere
from service.cli.help import TYPER_WORDS, catalog, walk
from service.cli.main import app
from tests.test_messages import fields_of, latin_words

LOCAL = ("kk", "ru")
HEADS = {  # the first words of a help page, and the title of its options panel
    "kk": ("Қолданылуы:", "Параметрлер", "Осы анықтаманы көрсетіп, шығу."),
    "ru": ("Использование:", "Параметры", "Показать эту справку и выйти."),
    "en": ("Usage:", "Options", "Show this message and exit."),
}


def plain(text: str) -> str:
    """A help text as the page shows it: paragraphs kept, lines of a paragraph joined."""
    return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n"))


def flat(page: str) -> str:
    """A printed page as one line of words (panels' borders and line breaks dropped)."""
    return " ".join(page.replace("│", " ").split())


def texts(root: Command) -> dict[str, str]:
    """Every help text of the tree, English as in the code, by catalog key."""
    found: dict[str, str] = {}
    for path, command in walk(root):
        found[path] = plain(command.help or "")
        for param in command.params:
            if help_text := getattr(param, "help", None):
                found[f"{path}:{param.name}"] = plain(help_text)
    return found


def untranslated(root: Command) -> list[str]:
    """What a Kazakh or Russian reader of the tree's help would miss or read in English."""
    wrong = []
    for key, english in texts(root).items():
        if not english:
            wrong.append(f"{key}: no help in the code")
        for lang in LOCAL:
            local = catalog(lang).get(key)
            if local is None:
                wrong.append(f"{lang}:{key}: missing")
            elif local == english or latin_words(local):
                wrong.append(f"{lang}:{key}: English {latin_words(local) or local!r}")
    return wrong


def test_every_command_and_parameter_has_kazakh_and_russian_help() -> None:
    root = typer.main.get_command(app)
    assert len(list(walk(root))) > 40
    assert untranslated(root) == []


def test_a_command_added_without_its_help_in_the_catalogs_is_caught() -> None:
    extra = typer.Typer(cls=LangAnywhere, add_completion=False)

    @extra.command()
    def stats() -> None:
        """Counts of persons, vacancies, quota slots, courses, free beds, outcome events."""

    @extra.command()
    def tidy(days: int = typer.Option(7, help="Keep this many days.")) -> None:
        """Remove what is older than DAYS."""

    assert untranslated(typer.main.get_command(extra)) == [
        "matcher: no help in the code",
        "kk:matcher tidy: missing",
        "ru:matcher tidy: missing",
        "kk:matcher tidy:days: missing",
        "ru:matcher tidy:days: missing",
    ]


def test_the_english_catalog_is_the_code_and_no_key_is_stale() -> None:
    """The English texts are the code's, so a changed English text shows its translations
    need a look; every language has the same keys and the same fields."""
    code = texts(typer.main.get_command(app))
    english = {k: v for k, v in catalog("en").items() if k.startswith("matcher")}
    assert english == code
    framework = {f"typer:{name}" for name in TYPER_WORDS} | {"click:usage", "click:help_option"}
    for lang in ("en", *LOCAL):
        help_keys = {k for k in catalog(lang) if k.startswith(("matcher", "typer:", "click:"))}
        assert help_keys == set(code) | framework, lang
    for key in framework:
        assert fields_of(catalog("kk")[key]) == fields_of(catalog("ru")[key])
        assert fields_of(catalog("ru")[key]) == fields_of(catalog("en")[key]), key
        assert latin_words(catalog("kk")[key]) == latin_words(catalog("ru")[key]) == [], key
    for name in TYPER_WORDS:  # Typer still draws its pages from these
        assert isinstance(getattr(rich_utils, name), str), name


@pytest.fixture
def matcher(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``matcher ARGS...`` as typed, with MATCHER_LANG as given (unset when None)."""
    runner = CliRunner()

    def invoke(*args: str, lang: str | None = None) -> str:
        env = {"MATCHER_HOME": str(tmp_path), "DATABASE_URL": "", "MATCHER_LANG": lang}
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def test_lang_before_or_after_the_command_gives_the_same_kazakh_page(matcher) -> None:  # type: ignore[no-untyped-def]
    before = matcher("--lang", "kk", "plan", "--help")
    after = matcher("plan", "--help", "--lang", "kk", lang="en")
    assert before == after
    usage, options, help_option = HEADS["kk"]
    assert before.lstrip().startswith(f"{usage} matcher plan")
    assert options in before
    assert help_option in before
    assert catalog("kk")["matcher plan"] in flat(before)
    assert "[әдепкісі: `json`]" in before
    for english in (*HEADS["en"], "Arguments", "[default", "[required]", "The person's id"):
        assert english not in before


def test_matcher_lang_sets_the_help_language(matcher) -> None:  # type: ignore[no-untyped-def]
    russian = matcher("--help", lang="ru")
    assert russian == matcher("--help")  # Russian unless told otherwise
    usage, options, help_option = HEADS["ru"]
    assert russian.lstrip().startswith(usage)
    assert options in russian
    assert help_option in russian
    assert "Команды" in russian
    assert "Работа, курсы и центры адаптации" in russian
    english = matcher("--help", lang="en")  # the same process: nothing of Russian is left
    assert english.lstrip().startswith("Usage:")
    assert "Commands" in english
    assert "Jobs, courses and shelters" in english
    assert "Команды" not in english


@pytest.mark.parametrize("lang", LOCAL)
def test_every_help_page_is_in_the_language(matcher, lang: str) -> None:  # type: ignore[no-untyped-def]
    usage, _options, help_option = HEADS[lang]
    for path, _ in walk(typer.main.get_command(app)):
        page = flat(matcher(*path.split()[1:], "--help", "--lang", lang))
        assert page.startswith(f"{usage} {path}"), path
        assert catalog(lang)[path] in page, path
        assert help_option in page, path
        for english in HEADS["en"]:
            assert english not in page, (path, english)


def test_a_usage_error_speaks_the_language(tmp_path: Path) -> None:
    env = {"MATCHER_HOME": str(tmp_path), "DATABASE_URL": "", "MATCHER_LANG": "kk"}
    result = CliRunner().invoke(app, ["plan"], env=env)
    assert result.exit_code == 2
    assert "Қолданылуы: matcher plan" in result.stderr
    assert "Анықтама: 'matcher plan --help'." in result.stderr
    assert "Қате" in result.stderr
    assert "Usage:" not in result.stderr
