"""``matcher token create|list|revoke``, ``matcher audit verify`` and ``matcher serve``: access,
the audit trail and the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from service.cli.app import (
    JsonOption,
    answered,
    command,
    database,
    echo_json,
    runtime,
    text,
)


def token_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="officer, inspector, employer or admin")],
    employer: Annotated[
        str | None, typer.Option("--employer", help="The employer's BIN (employer role).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="KATO code of a region (officer, inspector).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Whose token this is.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Where its holder's notifications go.")
    ] = None,
    notify_lang: Annotated[
        str, typer.Option("--notify-lang", help="kk, ru or en: the notifications' language.")
    ] = "ru",
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, max=3650, help="Days it lives (MATCHER_TOKEN_DAYS, 90)."),
    ] = None,
) -> None:
    """Create a token and print it once: only its hash is stored; it expires after --days."""
    from service.usecases import admin

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        secret, record = admin.create_token(
            rt,
            command("token create"),
            role=role,
            employer_bin=employer,
            region_kato=region,
            label=label,
            email=email,
            lang=notify_lang,
            days=days,
        )
    typer.echo(text("token_created", lang), err=True)
    typer.echo(secret)
    typer.echo(f"id={record.id} role={record.role}", err=True)


def token_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every token: id, role, scope, label, when made and revoked (never the token itself)."""
    from service.usecases import admin

    rt = runtime(ctx)
    with answered(rt.settings.lang):
        rows = [
            {
                "id": t.id,
                "role": t.role,
                "employer_bin": t.employer_bin,
                "region_kato": t.region_kato,
                "label": t.label,
                "created_at": t.created_at,
                "revoked_at": t.revoked_at,
            }
            for t in admin.list_tokens(rt, command("token list"))
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        scope = row["employer_bin"] or row["region_kato"] or "—"
        state = f"revoked {row['revoked_at']:%Y-%m-%d}" if row["revoked_at"] else "active"
        typer.echo(f"{row['id']:>4}  {row['role']:<9} {scope:<12} {state:<18} {row['label'] or ''}")


def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke a token: it stops working at once."""
    from service.usecases import admin

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        admin.revoke_token(rt, command("token revoke"), token_id)
    typer.echo(text("token_revoked", lang, id=token_id))


def audit_verify(ctx: typer.Context) -> None:
    """Walk the audit trail's hash chain: "ok" with the number of rows checked, or the first
    row deleted, edited or added out of turn (exit 1)."""
    from service.store import audit

    rt = runtime(ctx)
    lang = rt.settings.lang
    with rt.session() as session:
        verdict = audit.verify(session, key=rt.protector.audit_key())
    if verdict.ok:
        typer.echo(text("audit_ok", lang, checked=verdict.checked, unchained=verdict.unchained))
        return
    typer.echo(text("audit_broken", lang, id=verdict.broken_at, checked=verdict.checked), err=True)
    raise typer.Exit(1)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Processes.")] = 1,
) -> None:
    """Serve the HTTP API under /api/v1 (interactive docs at /docs). Each process warms its
    engine as it starts, answering /health meanwhile."""
    import uvicorn

    from service.api.app import create_app
    from service.api.workers import Spread, spreads

    rt = runtime(ctx)
    with rt.session():
        pass  # create or upgrade the schema before the first request
    typer.echo(text("serving", rt.settings.lang, host=host, port=port, where=database(rt)))
    # no access log (a line per request is written by the proxy in front, docs/deployment.md);
    # uvicorn takes httptools and uvloop when they are installed, else h11 and asyncio
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning"}
    options["access_log"] = False
    if workers > 1 and spreads():
        # each worker a listening socket of its own: connections spread over them
        config = uvicorn.Config(
            "service.api.app:from_settings", factory=True, workers=workers, **options
        )
        Spread(config).run()
    elif workers > 1:
        uvicorn.run("service.api.app:from_settings", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(rt), **options)


def register(app: typer.Typer) -> None:
    tokens = typer.Typer(
        help="API tokens: create (shown once), list, revoke.", no_args_is_help=True
    )
    tokens.command("create")(token_create)
    tokens.command("list")(token_list)
    tokens.command("revoke")(token_revoke)
    app.add_typer(tokens, name="token")
    trail = typer.Typer(help="The audit trail: verify its hash chain.", no_args_is_help=True)
    trail.command("verify")(audit_verify)
    app.add_typer(trail, name="audit")
    app.command()(serve)
