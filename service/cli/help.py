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
  ``Command.get_help_option`` returns (made once per command and kept).

Nothing is patched inside Typer or Click: a text missing from the catalog is shown in English
(the tests make it a failure, not a fallback anyone relies on). Not covered yet: the sentence
inside an error panel when Click itself refuses the line ("Missing argument …", "No such option
…", "Invalid value for …"): the vendored Click builds it in its exception classes, with no
extension point short of catching the exception before Typer prints it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import typer
from typer._click.core import Command
from typer._click.formatting import HelpFormatter

from catalogs.i18n import messages

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
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            help_option.help = words[HELP_OPTION]
        if lang == "en":  # the code's own words
            continue
        command.help = words.get(path, command.help)
        for param in command.params:
            if getattr(param, "help", None):
                param.help = words.get(f"{path}:{param.name}", param.help)  # type: ignore[attr-defined]


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
        words = catalog(self.meta.get(LANG_KEY, "ru"))
        from typer import rich_utils

        for name in TYPER_WORDS:
            setattr(rich_utils, name, words[f"typer:{name}"])
        formatter = _UsageFormatter(width=self.terminal_width, max_width=self.max_content_width)
        formatter.usage = words[USAGE]
        return formatter
