"""Long work as jobs: what is refused is refused at once (never queued); what is accepted is
stored in ``jobs`` and run by the backend of ``service.jobs.queue``. A job is read only by the
actor who made it, or an admin; to anyone else it does not exist."""

from __future__ import annotations

import logging
from datetime import date
from typing import IO

from catalogs.kinds import KINDS
from catalogs.loader import Format
from service.jobs import queue, store, tasks
from service.runtime import Runtime
from service.store.tables import Job
from service.training import retrain as retraining
from service.usecases import access, allocation
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, NotFound

log = logging.getLogger("matcher.jobs")


def _submit(
    rt: Runtime,
    actor: Actor,
    kind: str,
    params: dict[str, object],
    lang: str,
    *,
    upload: IO[bytes] | None = None,
) -> Job:
    how = queue.backend(rt)
    with rt.writing() as session:
        job = store.create(
            session,
            kind=kind,
            params={**params, "lang": lang, "actor": tasks.actor_params(actor)},
            created_by=actor.author,
            backend=how,
            upload=upload,
            protector=rt.protector,
        )
    try:
        queue.enqueue(rt, job.id, how)
    except Exception as error:  # the queue is out of reach: say so in the job, not a 500 later
        log.exception("job %s could not be queued", job.id)
        with rt.writing() as session:
            store.finish(session, job.id, error=tasks.error_of(error, lang))
    return read(rt, actor, job.id, reap=False)


def allocate(
    rt: Runtime, actor: Actor, *, kato: str, release_from: date, release_to: date, lang: str
) -> Job:
    """Queue an allocation (``allocation.run``) after its checks pass."""
    allocation.check(actor, kato=kato, release_from=release_from, release_to=release_to)
    params: dict[str, object] = {
        "kato": kato,
        "release_from": release_from.isoformat(),
        "release_to": release_to.isoformat(),
    }
    return _submit(rt, actor, "allocation", params, lang)


def retrain(rt: Runtime, actor: Actor, *, lang: str) -> Job:
    """Queue a retraining; one at a time (409 while another is queued or running)."""
    access.admin_only(actor)
    tasks.reap(rt)
    with rt.session() as session:
        if store.unfinished(session, "retrain") or retraining.running_here():
            raise Conflict("retrain_running")
    return _submit(rt, actor, "retrain", {}, lang)


def import_upload(
    rt: Runtime,
    actor: Actor,
    *,
    kind: str,
    stream: IO[bytes],
    fmt: Format,
    dry_run: bool,
    lang: str,
) -> Job:
    """Queue the import of a large body, kept in the database (``job_uploads``) until it has
    run, so that a worker on any host reads it."""
    access.admin_only(actor)
    if kind not in KINDS:
        raise NotFound("unknown_kind", kind=kind, kinds=", ".join(KINDS))
    params: dict[str, object] = {"kind": kind, "format": fmt, "dry_run": dry_run}
    return _submit(rt, actor, "import", params, lang, upload=stream)


def read(rt: Runtime, actor: Actor, job_id: str, *, reap: bool = True) -> Job:
    """The job, after marking failed any job nobody runs any more (``abandoned``)."""
    if reap:
        tasks.reap(rt)
    with rt.session() as session:
        job = store.get(session, job_id)
        if job is None or not (actor.role == "admin" or job.created_by == actor.author):
            raise NotFound("unknown_job", id=job_id)
        if job in session:  # a job read as stored (``store.as_stored``) is in no session
            session.expunge(job)
    return job
