"""``matcher key rotate``: re-protect the whole database under a new secret key, in one
transaction (``service.store.keys.rotate``); docs/security.md, "The secret key"."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from service.cli.app import command, runtime, text


def _read(path: Path | None, stdin: bool) -> bytes:
    raw = path.read_text() if path is not None else sys.stdin.read() if stdin else ""
    return raw.strip().encode()


def _generate(path: Path) -> bytes:
    """A fresh key in a new file readable by its owner only (never over an existing one)."""
    key = os.urandom(32).hex()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key.encode()


def rotate(
    ctx: typer.Context,
    new_key_file: Annotated[
        Path | None,
        typer.Option("--new-key-file", help="Read the new key from this file.", dir_okay=False),
    ] = None,
    new_key_stdin: Annotated[
        bool, typer.Option("--new-key-stdin", help="Read the new key from standard input.")
    ] = False,
    generate: Annotated[
        Path | None,
        typer.Option(
            "--generate",
            help="Make a new random key in this new file (mode 0600) and rotate to it.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Re-encrypt and re-hash everything protected under a new key, and chain the audit trail
    again under it, all in one transaction. The key in force (MATCHER_SECRET_KEY or
    secret.key) is the old one; stop every server and worker first, and start them with the
    new key after."""
    from service.store import keys
    from service.store.protect import Protector

    rt = runtime(ctx)
    lang = rt.settings.lang
    if sum((new_key_file is not None, new_key_stdin, generate is not None)) != 1:
        typer.echo(text("key_rotate_one_source", lang), err=True)
        raise typer.Exit(2)
    secret = _generate(generate) if generate is not None else _read(new_key_file, new_key_stdin)
    if generate is not None:
        typer.echo(text("key_new_file", lang, file=generate))
    if len(secret) < 16:
        typer.echo(text("key_rotate_short", lang), err=True)
        raise typer.Exit(2)
    new = Protector(secret)
    try:
        with rt.writing() as session:
            done = keys.rotate(session, old=rt.protector, new=new, actor=command("key rotate"))
            session.commit()
    except keys.SameKey:
        typer.echo(text("key_rotate_same", lang), err=True)
        raise typer.Exit(1) from None
    except keys.BrokenTrail as error:
        typer.echo(text("key_rotate_trail_broken", lang, id=error.verdict.broken_at), err=True)
        raise typer.Exit(1) from None
    except keys.Unreadable as error:
        typer.echo(text("key_rotate_unreadable", lang, table=error.table, id=error.row), err=True)
        raise typer.Exit(1) from None
    rt.use_protector(new)
    typer.echo(
        text(
            "key_rotated",
            lang,
            values=sum(done.values.values()),
            notifications=done.notifications,
            audit_rows=done.audit_rows,
        )
    )


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The secret key: rotate it.", no_args_is_help=True)
    group.command("rotate")(rotate)
    app.add_typer(group, name="key")
