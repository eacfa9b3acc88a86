"""``matcher account create|disable|reset|demo``: accounts of the people who use the pages."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from catalogs.i18n import messages
from service.cli.app import answered, command, runtime

if TYPE_CHECKING:
    from service.runtime import Runtime

DEMO_ROLES = ("officer", "inspector", "employer", "admin")


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


def account_demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="The port the pages are served on.")] = 8000,
    tokens: Annotated[
        bool, typer.Option("--tokens", help="Also print an officer's and an admin's API token.")
    ] = False,
) -> None:
    """The demo's way in: the pages' address and one login with a one-time password per role
    (officer and inspector of the first person's region, employer of the first open quota
    vacancy's employer, admin); an account made by an earlier run keeps its login and gets a new
    password."""
    from service.usecases import accounts, admin

    rt = runtime(ctx)
    lang = rt.settings.lang
    say = messages("service.cli")
    actor = command("account demo")
    rows: list[tuple[str, str, str]] = []
    with answered(lang):
        for role, scope in _demo_scopes(rt).items():
            login = f"demo-{role}"
            try:
                password = accounts.create(rt, actor, role=role, login=login, **scope).password
            except accounts.AccountInvalid as problem:
                if problem.code != "login_taken":
                    raise
                password = accounts.reset(rt, actor, login)
            rows.append((_say(f"role_{role}", lang), login, password or ""))
        made = {role: admin.create_token(rt, actor, role=role, label="demo")[0]
                for role in (("officer", "admin") if tokens else ())}  # fmt: skip
    typer.echo(say.text("demo_pages", lang, url=f"http://127.0.0.1:{port}/"))
    role_width = max(len(role) for role, _, _ in rows)
    login_width = max(len(login) for _, login, _ in rows)
    for role, login, password in rows:
        typer.echo(
            say.text(
                "demo_account", lang, role=role.ljust(role_width), login=login.ljust(login_width),
                password=password,
            )
        )  # fmt: skip
    for role, token in made.items():
        typer.echo(say.text(f"demo_{role}_token", lang, token=token))


def _demo_scopes(rt: Runtime) -> dict[str, dict[str, str]]:
    """Each demo role with where it works: the officer and the inspector in the region of the
    first person, the employer as the employer of the first open quota vacancy (a role whose
    place the database does not hold is left out)."""
    import sqlalchemy as sa
    from sqlmodel import col

    from service.store.tables import Person, Vacancy

    with rt.session() as session:
        region = session.scalars(
            sa.select(col(Person.region_kato)).order_by(col(Person.person_id)).limit(1)
        ).first()
        employer = session.scalars(
            sa.select(col(Vacancy.employer_bin))
            .where(col(Vacancy.is_quota).is_(True), col(Vacancy.status) == "open")
            .order_by(col(Vacancy.vacancy_id))
            .limit(1)
        ).first()
    scopes: dict[str, dict[str, str]] = {}
    for role in DEMO_ROLES:
        if role in ("officer", "inspector") and region:
            scopes[role] = {"region_kato": region}
        elif role == "employer" and employer:
            scopes[role] = {"employer_bin": employer}
        elif role == "admin":
            scopes[role] = {}
    return scopes


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Accounts for the pages: create, disable, reset the password; the demo's accounts.",
        no_args_is_help=True,
    )
    group.command("create")(account_create)
    group.command("disable")(account_disable)
    group.command("reset")(account_reset)
    group.command("demo")(account_demo)
    app.add_typer(group, name="account")
