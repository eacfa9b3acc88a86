"""``matcher account create|disable|reset``: accounts of the people who use the pages."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from catalogs.i18n import messages
from service.cli.app import answered, command, runtime


def _say(code: str, lang: str, **params: object) -> str:
    return messages("service.web").text(code, lang, **params)


def account_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="officer, inspector, employer or admin")],
    login: Annotated[str, typer.Option("--login", help="The login typed on the login page.")],
    region: Annotated[
        str | None, typer.Option("--region", help="KATO code of a region (officer, inspector).")
    ] = None,
    employer: Annotated[
        str | None, typer.Option("--employer", help="The employer's BIN (employer role).")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Where mail goes.")] = None,
    notify_lang: Annotated[
        str, typer.Option("--notify-lang", help="kk, ru or en: the pages' first language.")
    ] = "ru",
) -> None:
    """Create an account; prints a one-time password (changed at the first login) unless
    ``--password-stdin`` gives one."""
    from service.usecases import accounts

    rt = runtime(ctx)
    lang = rt.settings.lang
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with answered(lang):
        made = accounts.create(
            rt, command("account create"), role=role, login=login, password=password,
            region_kato=region, employer_bin=employer, display_name=name, email=email,
            lang=notify_lang,
        )  # fmt: skip
    typer.echo(_say("cli_account_created", lang, login=made.account.login), err=True)
    if made.password is not None:
        typer.echo(made.password)


def account_disable(
    ctx: typer.Context, login: Annotated[str, typer.Argument(help="The account's login.")]
) -> None:
    """Disable an account: it can no longer log in, its open sessions end."""
    from service.usecases import accounts

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        accounts.disable(rt, command("account disable"), login)
    typer.echo(_say("cli_account_disabled", lang, login=login))


def account_reset(
    ctx: typer.Context, login: Annotated[str, typer.Argument(help="The account's login.")]
) -> None:
    """Print a new one-time password (to be changed at the next login); unlocks the account."""
    from service.usecases import accounts

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        password = accounts.reset(rt, command("account reset"), login)
    typer.echo(_say("cli_account_reset", lang, login=login), err=True)
    typer.echo(password)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Accounts for the pages: create, disable, reset the password.", no_args_is_help=True
    )
    group.command("create")(account_create)
    group.command("disable")(account_disable)
    group.command("reset")(account_reset)
    app.add_typer(group, name="account")
