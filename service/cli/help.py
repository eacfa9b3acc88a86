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
* **Click's refusals of the line** ("No such command …", "Missing argument …"): worded again in
  ``service.cli.refusals``, which writes their numbers with :func:`written`.

Nothing is patched inside Typer or Click: a text missing from the catalog is shown in English
(the tests make it a failure, not a fallback anyone relies on).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import typer
from typer._click.core import Command
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
DECIMAL: Final = re.compile(r"-?(0|[1-9]\d*)\.\d+")
"""A number written with a decimal point, as a float writes it (a day, 27.01.2027, is not one;
nor is «+2.5» or «02.5», shown as typed)."""
FLOAT_DIGITS: Final = 15
"""The digits a float holds exactly: a typed number with no more is written again unchanged."""


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
