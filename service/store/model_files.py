"""This host's copies of model files (``MATCHER_HOME/models``): written durably, and what a
killed or failed write left removed at the next save (``clean``). The database holds the
rankers that serve; these copies are for people to look at."""

from __future__ import annotations

import logging
import os
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import ModelVersion

log = logging.getLogger("matcher.models")

ORPHAN_AGE = timedelta(hours=1)
"""A model file older than this with no version in the database, or a temporary file of a
write this old, was left by a retraining that was killed or failed: ``clean`` removes it."""


def atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, and durably: the bytes go to a temporary file of
    this process, synced to disk before it is renamed over ``path``, and the folder is synced
    after, so that a crash leaves the old file or the new one, never a torn one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clean(session: Session, folder: Path, *, now: datetime | None = None) -> list[Path]:
    """Remove what killed or failed writes left in ``folder`` (this host's copies of model
    files): temporary files of a process that is gone (or older than ``ORPHAN_AGE``), and
    ``.joblib``/``.json`` files older than ``ORPHAN_AGE`` whose version is not in the
    database (written by a retraining whose transaction never committed). Newer files are
    left: they may belong to a save in progress. Returns what was removed."""
    if not folder.is_dir():
        return []
    moment = (now or datetime.now(UTC)).timestamp()
    known: set[str] | None = None
    removed = []
    for path in folder.iterdir():
        try:
            age = moment - path.stat().st_mtime
        except OSError:
            continue
        old = age > ORPHAN_AGE.total_seconds()
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            pid = path.name.removesuffix(".tmp").rpartition(".")[2]
            orphan = old or not pid.isdigit() or not _alive(int(pid))
        elif path.suffix in (".joblib", ".json") and old:
            if known is None:
                known = set(session.scalars(sa.select(col(ModelVersion.version))))
            orphan = path.stem not in known
        else:
            orphan = False
        if orphan:
            with suppress(OSError):
                path.unlink()
                removed.append(path)
    if removed:
        log.info("removed %d file(s) left by interrupted model writes in %s", len(removed), folder)
    return removed
