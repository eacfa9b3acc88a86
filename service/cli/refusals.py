"""Click's refusals of the command line, worded again in the invocation's language (which
``service.cli.help`` keeps).

Click builds these sentences ("No such command …", "Missing argument …", "Invalid value for …") in
its exception classes, as literals. The root group catches each refusal as it leaves parsing or a
command's start (``in_words``) and raises it again worded from the exception's own fields (the
option typed, the parameter, its type, its bounds and choices, and the value: Pydantic's record of
what it refused, or the word on the line); an exception that does not carry the culprit (an unknown
command, extra arguments) is explained by running Click's own parser again over the invocation's
words down to the command that refused them (``parsed``), and a refusal the parser raises with no
context at all (an option without its value) is given that command's context (``refusing``), so
that its usage line and help hint are shown as for any other. The texts are the ``refusal_*`` keys
of ``service/cli/locales/refusals.{ru,kk,en}.json``; the exit code stays Click's, 2. A refusal this
module does not know is shown as Click words it.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Final

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

from catalogs.i18n import messages
from service.cli.help import LANG_KEY, speak_typer, written

WORDS_KEY: Final = "matcher.words"
"""Where the invocation's words (``--lang`` moved in front) are kept in ``meta``."""
SAMPLE_DAY: Final = datetime(2027, 1, 27, 9, 30)
"""The moment a refused date shows, in each format the parameter accepts, as an example."""
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
