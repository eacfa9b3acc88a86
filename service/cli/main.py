"""The ``matcher`` command: the root app (``service.cli.app``) with each group of commands
registered explicitly, and the console entry point ``run``."""

from __future__ import annotations

import errno
import sys

import typer

from catalogs.i18n import messages
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

__all__ = ["GROUPS", "OS_REASONS", "app", "os_error", "run"]
"""What other modules take from here: the root with every command registered, the entry
point, and how a file-system failure is said."""

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
        typer.echo(os_error(error, _lang_from_env()), err=True)
        raise SystemExit(3) from None


OS_REASONS = {
    errno.ENOENT: "no_file",
    errno.EACCES: "no_access",
    errno.EPERM: "no_access",
    errno.EISDIR: "is_folder",
    errno.ENOTDIR: "not_folder",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "read_only",
    errno.EEXIST: "exists",
    errno.EMFILE: "too_many_open",
    errno.ENFILE: "too_many_open",
    errno.ENAMETOOLONG: "name_too_long",
    errno.EIO: "input_output",
    errno.EBUSY: "busy",
}
"""The system's error numbers a file operation commonly meets, by the ``fs_*`` text that says
each in the language of the invocation (the system's own text is English)."""


def os_error(error: OSError, lang: str) -> str:
    """A file-system failure in ``lang``: the file and why, in words; an error number not in
    ``OS_REASONS`` is named by its symbol (``ENOTEMPTY``) inside a native sentence."""

    def say(key: str, /, **params: object) -> str:
        return messages("service.cli").text(f"fs_{key}", lang, **params)

    number = error.errno
    if number in OS_REASONS:
        reason = say(OS_REASONS[number])
    elif number is not None and number in errno.errorcode:
        reason = say("code", code=errno.errorcode[number])
    else:
        reason = say("unknown")
    if error.filename is None:
        return say("error", reason=reason)
    return say("error_at", file=error.filename, reason=reason)


def _lang_from_env() -> str:
    """The language of messages when the settings could not be built (best effort)."""
    return lang_of(sys.argv[1:])


if __name__ == "__main__":
    run()
