"""The ``matcher`` command: the root app (``service.cli.app``) with each group of commands
registered explicitly, and the console entry point ``run``."""

from __future__ import annotations

import sys

import typer

from service.cli import (
    accounts,
    admin,
    allocate,
    data,
    keys,
    lists,
    model,
    occupations,
    plans,
    referrals,
    reports,
    worker,
)
from service.cli.app import app, lang_of, text

GROUPS = [
    data,
    reports,
    lists,
    occupations,
    referrals,
    plans,
    allocate,
    model,
    admin,
    accounts,
    keys,
    worker,
]
"""Each module's ``register(app)`` adds its commands, in this order."""
for group in GROUPS:
    group.register(app)


def run() -> None:
    """The console entry point: ``matcher``. Database and file-system failures, and a secret
    key that is not the database's, become a one-line message and exit status 3 instead of a
    traceback."""
    import sqlalchemy as sa

    from service.store.keys import KeyMismatch

    try:
        app(standalone_mode=True)
    except KeyMismatch as error:
        typer.echo(error.message(_lang_from_env()), err=True)
        raise SystemExit(3) from None
    except sa.exc.OperationalError as error:
        detail = str(error.orig or error).strip().splitlines()[0]
        typer.echo(text("database_unavailable", _lang_from_env(), detail=detail), err=True)
        raise SystemExit(3) from None
    except OSError as error:
        reason = error.strerror or str(error)
        typer.echo(text("os_error", _lang_from_env(), file=error.filename, reason=reason), err=True)
        raise SystemExit(3) from None


def _lang_from_env() -> str:
    """The language of messages when the settings could not be built (best effort)."""
    return lang_of(sys.argv[1:])


if __name__ == "__main__":
    run()
