"""The help pages of ``matcher`` in Russian, Kazakh or English.

The language is the one every other message of the invocation uses (``app.lang_of``): the last
``--lang`` typed before or after the command name, else MATCHER_LANG, else Russian. The root
group localises the whole tree of commands before it parses anything, so that ``--help`` at any
depth, a group called without a command and the usage line of an error all speak it. Typer
builds a fresh tree of command objects for each invocation, so nothing of one invocation's
language is left on the next one's commands.

Where the words come from:

* **The commands' own words** (each command's help, each parameter's help) are in
  ``service/cli/locales/help.{ru,kk,en}.json``, keyed by command path (``matcher account
  create``) and by command path and parameter name (``matcher account create:role``). The
  docstrings and ``help=`` strings in the code stay English and are the ``en`` catalog's texts
  (tests/service/test_cli_help.py holds them equal, so an English text changed in the code
  cannot leave stale translations behind); option names, metavars and values stay as typed.
* **Typer's words** on the page (the panels' titles, ``[default: …]``, ``[required]``, the error
  panel's title and its "Try … --help" line) are module constants of ``typer.rich_utils``, read
  when a page is printed. Typer fills them through ``gettext`` once, when the module is first
  imported, which cannot follow a per-invocation ``--lang``; they are set again, by name, from
  the catalog's ``typer:`` keys just before a help page or a usage line is drawn (so a command
  that prints no help never imports rich).
* **Click's words** ("Usage:", "Show this message and exit."): the Click that Typer uses is the
  copy vendored in ``typer._click`` (adapted from Click 8.3.1), where these are plain literals,
  not ``gettext`` calls; and had they been, ``gettext`` takes its language from the process's
  LANGUAGE/LANG and its catalogs from compiled ``.mo`` files of the global domain, shared with
  every library in the process. So they go through Click's own extension points instead: the
  usage prefix is the ``prefix`` of ``HelpFormatter.write_usage``, given by the formatter that
  ``Context.make_formatter`` returns, on the context class each command makes
  (``Command.context_class``); the ``--help`` option's text is set on the option object
  ``Command.get_help_option`` returns (made once per command and kept); the usage line's
  placeholders (``[OPTIONS]``, ``COMMAND [ARGS]...``) are the commands' ``options_metavar`` and
  ``subcommand_metavar``, set from the ``usage_*`` keys.
* **Click's refusals of the line** ("No such command …", "Missing argument …", "Invalid value
  for …"): Click builds these sentences in its exception classes, again as literals. The root
  group catches each refusal as it leaves parsing or a command's start (``in_words``) and raises
  it again worded from the exception's own fields (the option typed, the parameter, its type,
  its bounds and choices, and the value: Pydantic's record of what it refused, or the word on the
  line); an exception that does not carry the culprit (an unknown command, extra arguments) is
  explained by running Click's own parser again over the invocation's words down to the command
  that refused them (``parsed``), and a refusal the parser raises with no context at all (an
  option without its value) is given that command's context (``refusing``), so that its usage
  line and help hint are shown as for any other. The texts are the ``refusal_*`` keys of
  ``service/cli/locales/refusals.{ru,kk,en}.json``; the exit code stays Click's, 2.

Nothing is patched inside Typer or Click: a text missing from the catalog is shown in English
(the tests make it a failure, not a fallback anyone relies on), and a refusal this module does
not know is shown as Click words it.
"""

from __future__ import annotations

import difflib
import errno
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import typer
from typer._click.core import Command
from typer._click.exceptions import (
    BadArgumentUsage,
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter

from catalogs.i18n import decimal, messages

LANG_KEY: Final = "matcher.lang"
"""Where the invocation's language is kept in the contexts' shared ``meta``."""
TYPER_WORDS: Final = (
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "DEFAULT_STRING",
    "REQUIRED_LONG_STRING",
    "ENVVAR_STRING",
    "DEPRECATED_STRING",
    "ABORTED_TEXT",
    "RICH_HELP",
)
"""The constants of ``typer.rich_utils`` that hold words; each is the catalog's ``typer:NAME``."""
USAGE: Final = "click:usage"
HELP_OPTION: Final = "click:help_option"
OPTIONS_METAVAR: Final = "usage_options"
COMMANDS_METAVAR: Final = "usage_commands"
"""The usage line's placeholders (Click's ``[OPTIONS]`` and ``COMMAND [ARGS]...``)."""


def catalog(lang: str) -> dict[str, str]:
    """The help texts of one language (the ``help`` area of ``service.cli``'s messages)."""
    return messages("service.cli").templates[lang]


def walk(command: Command, path: str = "matcher") -> Iterator[tuple[str, Command]]:
    """Every command of the tree under ``command`` with its path, groups before their commands."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, f"{path} {name}")


def localise(root: Command, ctx: Any, lang: str) -> None:
    """Put ``lang``'s texts on every command and parameter of the tree under ``root``, and make
    every command's help page and usage line speak it (``ctx`` is the root's context)."""
    ctx.meta[LANG_KEY] = lang
    words = catalog(lang)
    for path, command in walk(root):
        command.context_class = HelpContext
        command.options_metavar = words[OPTIONS_METAVAR]
        if hasattr(command, "subcommand_metavar"):
            command.subcommand_metavar = words[COMMANDS_METAVAR]
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            help_option.help = words[HELP_OPTION]
            help_option.metavar = ""  # a flag takes no value
        for param in command.params:
            name_value(param, lang)
        if lang == "en":  # the code's own words
            continue
        command.help = words.get(path, command.help)
        for param in command.params:
            if getattr(param, "help", None):
                param.help = words.get(f"{path}:{param.name}", param.help)  # type: ignore[attr-defined]


def name_value(param: Any, lang: str) -> None:
    """Say in ``lang`` what ``param`` takes: an option's ``metavar`` is the label of its value
    («<целое число 1–200>», none for a flag); an argument's ``metavar`` is its name (the
    ``argument:NAME`` key: the usage line, the panel and the refusals show it), and the label
    of its value, which Typer draws from the annotation alone, is given on the object."""
    label = value_label(param, lang)
    if param.param_type_name != "argument":
        param.metavar = label
        return
    param.metavar = catalog(lang).get(f"argument:{param.name}", param.name)
    param.display_type_rich = lambda ctx: label


def value_label(param: Any, lang: str) -> str:
    """The label of ``param``'s value on a help page: its kind (``type:text``,
    ``type:integer``, ``type:number``, ``type:file``, ``type:date``) with its bounds, or the
    values a choice takes, as typed; empty for a flag."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    described = getattr(param, "type_descriptor", None)
    if described is not None and described.is_choice:
        return "<" + "|".join(str(getattr(c, "value", c)) for c in described.choices or ()) + ">"
    annotation = getattr(described, "annotation", str)
    if described is not None and described.is_list:
        annotation = next(iter(getattr(annotation, "__args__", ())), str)
    if described is not None and (described.is_path or described.is_file):
        kind = "file"
    elif described is not None and described.is_datetime:
        kind = "date"
    else:
        kind = {int: "integer", float: "number"}.get(annotation, "text")
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    bounds = "any" if low is None and high is None else "at_most" if low is None else "at_least"
    bounds = "between" if low is not None and high is not None else bounds
    label = messages("service.cli").text(
        f"type:{bounds}",
        lang,
        type=catalog(lang)[f"type:{kind}"],
        min=written(low, lang),
        max=written(high, lang),
    )
    return label if param.nargs == 1 else f"{label}..."


def written(value: object, lang: str) -> str:
    """A number with a decimal point, a parameter's bound (1.0) or a value typed on the line
    («2.50»), as ``lang`` writes it (``catalogs.i18n.decimal``) to as many places as it has
    («1,0», «2,50» in Russian and Kazakh); anything else (an integer, a day, 27.01.2027, a
    word, a typed number with more digits than a float holds) as it is."""
    shown = str(value)
    if not isinstance(value, float | str) or not DECIMAL.fullmatch(shown):
        return shown
    if isinstance(value, str) and sum(char.isdigit() for char in shown) > FLOAT_DIGITS:
        return shown
    return decimal(float(shown), lang, len(shown.partition(".")[2]))


class _UsageFormatter(HelpFormatter):
    usage = "Usage:"

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{self.usage} " if prefix is None else prefix)


class HelpContext(typer.Context):
    """The context of every ``matcher`` command: its help page and usage line are drawn in the
    invocation's language."""

    formatter_class = _UsageFormatter

    def make_formatter(self) -> HelpFormatter:
        # called first whenever a help page or a usage line (of an error) is drawn
        lang = self.meta.get(LANG_KEY, "ru")
        speak_typer(lang)
        formatter = _UsageFormatter(width=self.terminal_width, max_width=self.max_content_width)
        formatter.usage = catalog(lang)[USAGE]
        return formatter


def speak_typer(lang: str) -> None:
    """Set Typer's words on the page (``TYPER_WORDS``) in ``lang``."""
    from typer import rich_utils

    words = catalog(lang)
    for name in TYPER_WORDS:
        setattr(rich_utils, name, words[f"typer:{name}"])
    rich_utils.RANGE_STRING = ""  # a number's bounds are in its value's label (``value_label``)


WORDS_KEY: Final = "matcher.words"
"""Where the invocation's words (``--lang`` moved in front) are kept in ``meta``."""
SAMPLE_DAY: Final = datetime(2027, 1, 27, 9, 30)
"""The moment a refused date shows, in each format the parameter accepts, as an example."""
DECIMAL: Final = re.compile(r"-?(0|[1-9]\d*)\.\d+")
"""A number written with a decimal point, as a float writes it (a day, 27.01.2027, is not one;
nor is «+2.5» or «02.5», shown as typed)."""
FLOAT_DIGITS: Final = 15
"""The digits a float holds exactly: a typed number with no more is written again unchanged."""
OUT_OF_RANGE: Final = ("greater_than_equal", "greater_than", "less_than_equal", "less_than")
"""Pydantic's names for a number outside a parameter's ``min`` and ``max``."""


class Refusal(UsageError):
    """A refusal of the command line already worded in the invocation's language."""


@contextmanager
def in_words(ctx: Any) -> Iterator[None]:
    """Click's refusals raised inside, worded again in the language of the invocation that
    ``ctx`` (the root's context) runs; anything else passes through untouched."""
    try:
        yield
    except (Refusal, NoArgsIsHelpError):
        raise
    except UsageError as error:
        lang = ctx.meta.get(LANG_KEY, "ru")
        message = refusal(error, ctx.meta.get(WORDS_KEY, []), lang)
        if message is None:
            raise
        speak_typer(lang)  # the panel's title, when no usage line comes first to set it
        where = error.ctx or refusing(ctx, ctx.meta.get(WORDS_KEY, []))
        raise Refusal(message, where) from error


def refusal(error: UsageError, words: list[str], lang: str) -> str | None:
    """``error`` in ``lang``, from its fields (``words``: the invocation's); None when it is
    not one of Click's refusals of the line."""

    def say(code: str, **params: object) -> str:
        return messages("service.cli").text(f"refusal_{code}", lang, **params)

    if isinstance(error, NoSuchOption):
        close = sorted(error.possibilities or ())
        if close:
            return say("no_such_option_like", option=error.option_name, names=", ".join(close))
        return say("no_such_option", option=error.option_name)
    if isinstance(error, BadOptionUsage):  # raised without a context: the words tell which
        given = any(word.startswith(f"{error.option_name}=") for word in words)
        return say(
            "option_takes_no_value" if given else "option_needs_value", option=error.option_name
        )
    if isinstance(error, BadArgumentUsage):
        return say("bad_arguments")
    if isinstance(error, MissingParameter) and error.param is not None:
        kind = "argument" if error.param.param_type_name == "argument" else "option"
        return say(f"missing_{kind}", name=shown_name(error.param))
    if isinstance(error, BadParameter) and error.param is not None:
        return invalid(error, words, say, lang)
    found = parsed(error.ctx, words) if type(error) is UsageError else None
    if found is None or error.ctx is None:
        return None
    rest = found[1]
    commands: dict[str, Command] | None = getattr(error.ctx.command, "commands", None)
    if commands is None:  # a command: only extra arguments leave words over
        extra = " ".join(f"`{word}`" for word in rest)
        return say("extra_arguments", count=len(rest), words=extra) if rest else None
    if not rest:
        return say("missing_command")
    close = difflib.get_close_matches(rest[0], list(commands))
    if close:
        names = ", ".join(f"`{name}`" for name in close)
        return say("no_such_command_like", name=rest[0], names=names)
    return say("no_such_command", name=rest[0])


def invalid(error: BadParameter, words: list[str], say: Callable[..., str], lang: str) -> str:
    """A value its parameter refused, said by the parameter's type (its numbers as ``lang``
    writes them)."""
    from pydantic import ValidationError

    param: Any = error.param
    name = shown_name(param)
    cause = error.__cause__
    problems = cause.errors() if isinstance(cause, ValidationError) else []
    if problems:
        value, kind = problems[0]["input"], problems[0]["type"]
    else:
        found = parsed(error.ctx, words)
        value, kind = (found[0].get(param.name) if found else None) or "", ""
    described = getattr(param, "type_descriptor", None)
    if described is None:
        return say("invalid_value", name=name, value=value)
    info = described.parameter_info
    if described.is_choice:
        choices = ", ".join(f"`{getattr(c, 'value', c)}`" for c in described.choices or ())
        return say("not_choice", name=name, value=value, choices=choices)
    if described.is_datetime:
        formats = info.formats or ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
        examples = ", ".join(f"`{SAMPLE_DAY.strftime(form)}`" for form in formats)
        return say("not_date", name=name, value=value, examples=examples)
    if described.is_path or described.is_file:
        value = getattr(cause, "filename", None) or value
        return say(path_problem(cause, str(value), info), name=name, value=value)
    if kind in OUT_OF_RANGE:
        low, high = info.min, info.max
        code = "at_most" if low is None else "at_least" if high is None else "between"
        low, high, value = (written(number, lang) for number in (low, high, value))
        return say(code, name=name, value=value, min=low, max=high)
    by_type = {int: "not_integer", float: "not_number", bool: "not_yes_no"}
    return say(by_type.get(described.annotation, "invalid_value"), name=name, value=value)


def path_problem(cause: BaseException | None, value: str, info: Any) -> str:
    """Why a path was refused: the error of opening it, else what is (or is not) there."""
    if isinstance(cause, OSError):
        reasons = {errno.ENOENT: "no_file", errno.EISDIR: "is_folder", errno.EACCES: "no_access"}
        return reasons.get(cause.errno or 0, "cannot_open")
    path = Path(value)
    if not path.exists():
        return "no_file"
    if path.is_dir() and not info.dir_okay:
        return "is_folder"
    if path.is_file() and not info.file_okay:
        return "is_file"
    return "no_access"


def shown_name(param: Any) -> str:
    """A parameter as the line names it: an option by its first name (``--limit``), an
    argument as the usage line and the help page show it (`person_id`)."""
    if param.param_type_name == "option" and param.opts:
        return str(param.opts[0])
    return f"`{param.metavar or param.name}`"


def parsed(ctx: Any, words: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """What Click's own parser makes of ``words`` at ``ctx``'s command, parsing down the
    chain of commands as Click does: the values given, by parameter name, and the words left
    (a group's command name and its words; a command's extra arguments). None when there is
    no context or the words do not parse again."""
    chain: list[Any] = []
    level = ctx
    while level is not None:
        chain.insert(0, level)
        level = level.parent
    rest = list(words)
    for level in chain:
        try:
            values, rest, _ = level.command.make_parser(level).parse_args(args=rest)
        except UsageError:
            return None
        if level is ctx:
            return values, rest
        rest = rest[1:]  # the name of the command the next level runs
    return None


def refusing(root: Any, words: list[str]) -> Any:
    """The context of the command whose own words Click's parser refuses, made as Click makes
    one before it parses (so that the refusal shows that command's usage line), for the
    refusals the parser raises without one; None when every level parses."""
    level, rest = root, list(words)
    while True:
        try:
            _, rest, _ = level.command.make_parser(level).parse_args(args=rest)
        except UsageError:
            return level
        commands = getattr(level.command, "commands", {})
        if not rest or rest[0] not in commands:
            return None
        command = commands[rest[0]]
        level = command.context_class(command, info_name=rest[0], parent=level)
        rest = rest[1:]
