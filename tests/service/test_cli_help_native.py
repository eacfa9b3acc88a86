"""Every help page of ``matcher`` reads natively in Kazakh and Russian: not only the commands'
own texts (tests/service/test_cli_help.py) but what the framework writes around them, the
labels of the values (``<мәтін>``, ``<целое число 1–200>`` for Typer's ``<str>``, ``<int
range> [1<=x<=200]``), the names of the arguments (``{АДАМ}`` for ``{person_id}``) and the
defaults, which are written as code, as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from service.cli.help import catalog, walk
from service.cli.main import app
from tests.test_messages import latin_words

LOCAL = ("kk", "ru")
ROOT = typer.main.get_command(app)
PATHS = [path for path, _ in walk(ROOT)]
COMMAND_NAMES = {word for path in PATHS for word in path.split()}
"""``matcher`` and the names of its commands: typed as they are, in any language."""
TYPER_ENGLISH = re.compile(r"<(str|int|float|bool|path|text|integer)\b|\brange\b|[<>]=|\bx\b")


def page(path: str, lang: str, home: Path) -> str:
    env = {"MATCHER_HOME": str(home), "DATABASE_URL": "", "COLUMNS": "200"}
    result = CliRunner().invoke(app, [*path.split()[1:], "--help", "--lang", lang], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def foreign(shown: str) -> list[str]:
    """The Latin words of a help page that are neither code (an option, a value in backticks,
    a field), nor the name of a command, nor a name kept in every language (ISCO-08, JSON)."""
    prose = re.sub(r"(?<![\w-])-[a-zA-Z]\b", " ", shown.replace("│", " "))  # a short option
    return [word for word in latin_words(prose) if word not in COMMAND_NAMES]


@pytest.mark.parametrize("lang", LOCAL)
def test_no_help_page_holds_an_english_word(lang: str, tmp_path: Path) -> None:
    assert len(PATHS) > 40
    found = {path: words for path in PATHS if (words := foreign(page(path, lang, tmp_path)))}
    assert found == {}


@pytest.mark.parametrize("lang", LOCAL)
def test_values_are_labelled_in_the_language(lang: str, tmp_path: Path) -> None:
    shown = {path: page(path, lang, tmp_path) for path in PATHS}
    assert {path: TYPER_ENGLISH.findall(text) for path, text in shown.items()} == {
        path: [] for path in PATHS
    }
    recommend = " ".join(shown["matcher recommend"].replace("│", " ").split())
    text, integer = catalog(lang)["type:text"], catalog(lang)["type:integer"]
    person = catalog(lang)["argument:person_id"]
    assert f"{{{person}}}" in recommend  # the usage line
    assert f"* {person} <{text}>" in recommend  # the arguments' panel
    assert f"--limit <{integer} 1–200>" in recommend
    assert re.search(r"--json (JSON|[А-ЯӘІҢҒҮҰҚӨҺа-яәіңғүұқөһ])", recommend)  # a flag: no label
    assert "`vacancy`]" in recommend  # a default is written as typed
    assert f"<{integer} ≥ 1>" in " ".join(shown["matcher plan"].split())


def test_the_scan_catches_what_typer_writes_in_english() -> None:
    english_page = "--limit <int range> [1<=x<=200] How many items. [default: 10]  -o  matcher plan"
    assert foreign(english_page) == ["int", "range", "x", "How", "many", "items", "default"]
    assert TYPER_ENGLISH.findall("<str> <int range> [x>=1]")


def test_every_argument_has_its_name_in_each_language() -> None:
    arguments = {
        param.name
        for _, command in walk(ROOT)
        for param in command.params
        if param.param_type_name == "argument"
    }
    for lang in (*LOCAL, "en"):
        names = {
            key.removeprefix("argument:") for key in catalog(lang) if key.startswith("argument:")
        }
        assert names == arguments, lang
        assert catalog("en")["argument:person_id"] == "person_id"  # English keeps the code's
    for lang in LOCAL:
        assert all(not latin_words(catalog(lang)[f"argument:{name}"]) for name in arguments)
