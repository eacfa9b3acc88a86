"""What every command shares: the root ``matcher`` app with its ``--lang`` callback, the runtime,
the common options, JSON output and how a use case's refusal becomes a message and an exit code.

Exit codes: 0 done; 1 refused (not found, invalid, conflict); 2 a wrong option or argument;
3 the database is busy or unreachable, or a retraining is already running: try again later.

Only light modules are imported here: each command imports what it needs when it runs, so that
``matcher --help`` and the commands that need no engine start fast.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from catalogs.i18n import LANGS, messages
from service.cli.help import HelpContext, localise
from service.cli.refusals import WORDS_KEY, Refusal, in_words

if TYPE_CHECKING:
    from service.runtime import Runtime
    from service.usecases.actor import Actor
    from service.usecases.errors import Problem

USAGE = frozenset(
    {
        "unknown_kind",
        "unknown_list_kind",
        "allocate_bad_region",
        "bad_window",
        "report_bad_kato",
        "report_bad_as_of",
        "unknown_model_version",
        "unknown_version",
        "token_bad_role",
        "token_employer_needs_bin",
        "token_bin_only_for_employers",
        "token_bad_region",
        "token_region_only_for_staff",
        "token_bad_email",
        "token_bad_lang",
        "referral_unknown_state",
        "referral_unknown_view",
    }
)
"""Refusals that say an option or argument is wrong in itself: exit code 2."""
TRY_AGAIN = frozenset({"database_busy", "retrain_running"})
"""Refusals that pass when tried again later: exit code 3."""
CLI_TEXT = {
    "unknown_list_kind": "unknown_list_kind",
    "unknown_item": "unknown_item_id",
    "plan_no_plan": "plan_no_plan",
    "plan_drop_needs_reason": "plan_drop_needs_reason",
    "allocate_bad_region": "allocate_bad_region",
    "unknown_model_version": "model_unknown_version",
    "unknown_version": "model_unknown_version",
    "retrain_running": "retrain_running",
}
"""Refusals whose command-line wording differs from the API's (it names options, not fields)."""


def hoist_lang(args: list[str]) -> list[str]:
    """``--lang X`` (or ``--lang=X``) anywhere before ``--`` moves in front of the command
    name, so that it is the root option wherever it was typed; the last one wins."""
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest += args[position:]
            break
        if arg == "--lang" and position + 1 < len(args):
            front += args[position : position + 2]
            position += 2
            continue
        if arg.startswith("--lang="):
            front.append(arg)
        else:
            rest.append(arg)
        position += 1
    return front + rest


def lang_of(args: Sequence[str]) -> str:
    """The language an invocation asks for: its last ``--lang`` (wherever it was typed before
    ``--``), else MATCHER_LANG, else Russian; a language the project does not speak is passed
    over (the ``--lang`` option refuses it, in the language this gives)."""
    lang = os.environ.get("MATCHER_LANG", "ru")
    lang = lang if lang in LANGS else "ru"
    hoisted = hoist_lang(list(args))
    position = 0
    while position < len(hoisted):
        arg = hoisted[position]
        if arg == "--lang" and position + 1 < len(hoisted):
            asked = hoisted[position + 1]
            position += 2
        elif arg.startswith("--lang="):
            asked = arg.removeprefix("--lang=")
            position += 1
        else:
            break
        lang = asked if asked in LANGS else lang
    return lang


class LangAnywhere(TyperGroup):
    """The root group: accepts ``--lang`` before or after the command name, and speaks that
    language on every help page of the tree and in every refusal of the line
    (``service.cli.help``, ``service.cli.refusals``)."""

    context_class = HelpContext

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        args = hoist_lang(list(args))
        localise(self, ctx, lang_of(args))
        ctx.meta[WORDS_KEY] = list(args)  # the parser consumes the list it is given
        with in_words(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        with in_words(ctx):
            return super().invoke(ctx)


app = typer.Typer(
    name="matcher",
    cls=LangAnywhere,
    help="Jobs, courses and shelters for people leaving prison or on probation in Kazakhstan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of messages: ru, kk or en (default: MATCHER_LANG, else ru). "
            "Accepted before or after the command name.",
        ),
    ] = None,
) -> None:
    """Runs on the embedded SQLite database unless DATABASE_URL names another."""
    if lang is not None and lang not in LANGS:
        message = messages("service.cli").text("cli_bad_lang", lang_of([]), value=lang)
        raise Refusal(message, ctx=ctx)
    if ctx.obj is None:
        from pydantic import ValidationError

        from service.config import Settings
        from service.runtime import Runtime

        try:
            settings = Settings() if lang is None else Settings(lang=lang)
        except ValidationError as error:
            typer.echo(f"matcher: {error.errors()[0]['msg']}", err=True)
            raise typer.Exit(2) from None
        ctx.obj = Runtime.from_settings(settings)
    elif lang is not None:
        # a runtime handed in (tests): this invocation's language, the caller's runtime untouched
        ctx.obj = replace(ctx.obj, settings=ctx.obj.settings.model_copy(update={"lang": lang}))


def text(code: str, lang: str, **params: object) -> str:
    return messages("service").text(code, lang, **params)


def runtime(ctx: typer.Context) -> Runtime:
    found: Runtime = ctx.find_root().obj
    return found


def database(rt: Runtime) -> str:
    """The database in force as a command prints it, its passwords hidden (``Runtime.where``)."""
    return rt.where


def command(name: str) -> Actor:
    """The operator at the command line, as the use cases and the audit trail see them."""
    from service.usecases.actor import Actor

    return Actor.command(name)


def echo_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def day(value: str | None, lang: str) -> date | None:
    """A YYYY-MM-DD option as a date (None when not given), or exit 2 with a clear line."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        typer.echo(text("bad_as_of", lang, value=value), err=True)
        raise typer.Exit(2) from None


def problem_text(problem: Problem, lang: str) -> str:
    key = CLI_TEXT.get(problem.code)
    return text(key, lang, **problem.params) if key else problem.message(lang)


def exit_code(problem: Problem) -> int:
    if problem.code in TRY_AGAIN:
        return 3
    return 2 if problem.code in USAGE else 1


@contextmanager
def answered(lang: str) -> Iterator[None]:
    """Run a use case: a refusal is printed on stderr (each bad row on its own line first)
    and ends the command with its exit code."""
    from service.usecases.errors import Problem

    try:
        yield
    except Problem as problem:
        for row in problem.bad_rows:
            typer.echo(row.message(lang), err=True)
        typer.echo(problem_text(problem, lang), err=True)
        raise typer.Exit(exit_code(problem)) from None


def label(item: object) -> str:
    """How an item is named in a list: a job with its employer, a course with its provider."""
    from matcher import Course, Vacancy

    if isinstance(item, Vacancy):
        title = item.title
        if item.occupation_nkz:  # the employer's NKZ occupation, with its ISCO-08 unit group
            title += f" [{item.occupation_nkz} · {item.occupation_code or '—'}]"
        return f"{title} — {item.employer_name}" if item.employer_name else title
    if isinstance(item, Course):
        return f"{item.title} — {item.provider}" if item.provider else item.title
    return str(getattr(item, "name", ""))


KindOption = Annotated[str, typer.Option("--kind", help="vacancy, course or shelter")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=200, help="How many items.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Day the list is for, YYYY-MM-DD (default today).")
]
NoRecordOption = Annotated[
    bool, typer.Option("--no-record", help="Do not record the list as shown (impressions).")
]
