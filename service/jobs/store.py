"""The ``jobs`` rows: created queued, moved to running, finished succeeded or failed. Every
write is its own short transaction, so any process or host reads the state a runner left."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO

import sqlalchemy as sa
from sqlmodel import Session, col, select

from service.store.protect import Protector, is_sealed_upload
from service.store.tables import Job, JobUpload, utcnow

STATES = ("queued", "running", "succeeded", "failed")
ABANDONED_AFTER = timedelta(seconds=60)
"""A running job whose heartbeat is older than this is marked failed (``abandoned``)."""
BEAT_EVERY = 10.0
"""Seconds between heartbeats of a running job (and of jobs queued in a server's pool)."""


def create(
    session: Session,
    *,
    kind: str,
    params: dict[str, object],
    created_by: str,
    backend: str,
    upload: IO[bytes] | bytes | None = None,
    protector: Protector | None = None,
) -> Job:
    """A queued job; ``backend`` (``inline``, ``in-process``, ``procrastinate``) says who
    owes it a run. A job a server's own pool will run beats from the start (see ``reap``).
    ``upload``, an import's body (persons' IINs and names), is stored with it in the same
    transaction, sealed with ``protector`` (``Protector.seal_upload``) as it is read."""
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        params={**params, "backend": backend},
        created_by=created_by,
        heartbeat_at=utcnow() if backend == "in-process" else None,
    )
    session.add(job)
    if upload is not None:
        if protector is None:
            raise ValueError("an upload is stored sealed: a protector is needed")
        session.flush()
        sealed = protector.seal_upload(upload)
        session.add(JobUpload(job_id=job.id, body=sealed))  # type: ignore[arg-type]
        del sealed
    session.commit()
    session.refresh(job)
    return job


def take_upload(session: Session, job_id: str, protector: Protector) -> bytes | bytearray | None:
    """An import job's clear body (None when there is none); a body queued before bodies
    were sealed is read as it is."""
    body = session.scalar(select(JobUpload.body).where(JobUpload.job_id == job_id))
    if body is None or not is_sealed_upload(body):
        return body
    return protector.open_upload(body)


def drop_upload(session: Session, job_id: str, *, commit: bool = True) -> None:
    """Forget the body of ``job_id``'s import (with ``commit=False``, in the transaction of
    what comes next)."""
    session.execute(sa.delete(JobUpload).where(col(JobUpload.job_id) == job_id))
    if commit:
        session.commit()


def get(session: Session, job_id: str) -> Job | None:
    """The job; one whose result or error cell holds text that is not JSON (a row edited by
    hand: SQLite keeps any text, PostgreSQL refuses it) is read as stored, see ``as_stored``."""
    try:
        return session.get(Job, job_id)
    except ValueError:  # the JSON column's decoding of a cell that is not JSON
        found = as_stored(session, col(Job.id) == job_id)
        return found[0] if found else None


def as_stored(session: Session, *where: sa.ColumnElement[bool]) -> list[Job]:
    """The jobs ``where`` picks, read without failing on a JSON cell that does not decode:
    such a result or error is kept as the text stored (which no answer's shape reads, so it is
    answered as unreadable), and such params as none (they are not answered). The jobs are
    not in ``session``: they are read to be answered, not changed."""
    table = Job.__table__  # type: ignore[attr-defined]
    columns = [
        sa.type_coerce(column, sa.Text).label(column.name)
        if isinstance(column.type, sa.JSON)
        else column
        for column in table.columns
    ]
    found = []
    for row in session.execute(sa.select(*columns).where(*where)).mappings():
        values = dict(row)
        for name in ("params", "result", "error"):
            values[name] = _decoded(values[name], name)
        found.append(Job(**values))
    return found


def _decoded(text: str | None, name: str) -> object:
    if text is None:
        return {} if name == "params" else None
    try:
        return json.loads(text)
    except ValueError:
        return {} if name == "params" else text


def unfinished(session: Session, kind: str) -> bool:
    """Whether a job of ``kind`` is queued or running."""
    found = session.exec(
        select(Job.id).where(Job.kind == kind, Job.state.in_(("queued", "running")))  # type: ignore[attr-defined]
    ).first()
    return found is not None


def start(session: Session, job_id: str) -> Job | None:
    """Move a queued job to running; None when it is not queued any more (run elsewhere,
    or marked abandoned)."""
    now = utcnow()
    moved = session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == "queued")  # type: ignore[arg-type]
        .values(state="running", started_at=now, heartbeat_at=now, progress=0.0)
    )
    session.commit()
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Job, job_id)


def beat(session: Session, job_ids: Iterable[str], *, progress: float | None = None) -> None:
    """Raise the heartbeat of unfinished jobs (and set the progress, when given)."""
    ids = list(job_ids)
    if not ids:
        return
    values: dict[str, object] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = min(1.0, max(0.0, progress))
    session.execute(
        sa.update(Job)
        .where(Job.id.in_(ids), Job.state.in_(("queued", "running")))  # type: ignore[attr-defined]
        .values(**values)
    )
    session.commit()


def finish(
    session: Session,
    job_id: str,
    *,
    result: dict[str, object] | None = None,
    error: dict[str, object] | None = None,
) -> None:
    """Record the outcome: succeeded with ``result``, or failed with ``error``."""
    now = utcnow()
    values: dict[str, object] = {"finished_at": now, "heartbeat_at": now}
    if error is None:
        values.update(state="succeeded", progress=1.0, result=result)
    else:
        values.update(state="failed", error=error)
    moved = session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state.in_(("queued", "running")))  # type: ignore[arg-type,attr-defined]
        .values(**values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        # marked abandoned while it could not beat (a long SQLite import): its end wins
        job = session.get(Job, job_id)
        if job is not None and (job.error or {}).get("code") == "abandoned":
            for name, value in values.items():
                setattr(job, name, value)
            if error is None:
                job.error = None
    session.commit()


def stale(session: Session, *, now: datetime | None = None) -> list[Job]:
    """Jobs nobody runs any more: running with a heartbeat older than ``ABANDONED_AFTER``, or
    queued in a server's own pool whose process stopped beating for them."""
    cutoff = (now or utcnow()) - ABANDONED_AFTER
    where = (
        col(Job.state).in_(("queued", "running")),
        col(Job.heartbeat_at).is_not(None),
        col(Job.heartbeat_at) < cutoff,
    )
    try:
        rows = list(session.exec(select(Job).where(*where)).all())
    except ValueError:  # a cell that is not JSON: the jobs are read as stored (``as_stored``)
        rows = as_stored(session, *where)
    return [
        job for job in rows if job.state == "running" or job.params.get("backend") == "in-process"
    ]


def abandon(session: Session, job: Job, error: dict[str, object]) -> bool:
    """Mark one stale job failed, unless it moved meanwhile (a late heartbeat wins)."""
    now = utcnow()
    moved = session.execute(
        sa.update(Job)
        .where(
            Job.id == job.id,  # type: ignore[arg-type]
            Job.state == job.state,  # type: ignore[arg-type]
            Job.heartbeat_at == job.heartbeat_at,  # type: ignore[arg-type]
        )
        .values(state="failed", error=error, finished_at=now)
    )
    session.commit()
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]
