"""One job run from start to end: the three kinds call their use cases with the actor who
asked, in the language they asked in. Whatever happens, the job ends succeeded or failed with
a code and a message: the runner catches every exception, and beats while it works."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa

from catalogs.i18n import messages
from service.jobs import store
from service.runtime import Runtime
from service.store import modelstore
from service.usecases import allocation, data, model
from service.usecases.actor import Actor
from service.usecases.errors import Busy, Problem

log = logging.getLogger("matcher.jobs")
Result = dict[str, object]
"""A job's result as the JSON column keeps it: the shape of its kind's answer
(``service.api.schemas.jobs``)."""
Report = Callable[[float], None]
"""Called by a job with its progress in [0, 1]; raises the heartbeat too."""


def actor_params(actor: Actor) -> dict[str, object]:
    """The actor as a job keeps it: who asked, with the scope they had."""
    return {
        "role": actor.role,
        "token_id": actor.token_id,
        "region_kato": actor.region_kato,
        "employer_bin": actor.employer_bin,
        "method": actor.method,
        "route": actor.route,
    }


def _actor(params: dict[str, Any]) -> Actor:
    fields = params["actor"]
    return Actor(
        role=fields["role"],
        token_id=fields.get("token_id"),
        region_kato=fields.get("region_kato"),
        employer_bin=fields.get("employer_bin"),
        method=fields.get("method", "JOB"),
        route=fields.get("route", "job"),
    )


def allocation_result(rt: Runtime, actor: Actor, params: dict[str, Any], report: Report) -> Result:
    outcome, _ = allocation.run(
        rt,
        actor,
        kato=params["kato"],
        release_from=date.fromisoformat(params["release_from"]),
        release_to=date.fromisoformat(params["release_to"]),
    )
    return outcome.as_dict(params.get("lang", "ru"))


def retrain_result(rt: Runtime, actor: Actor, params: dict[str, Any], report: Report) -> Result:
    outcome = model.retrain(rt, actor)
    lang = params.get("lang", "ru")
    refused = [
        {"kind": kind, "code": str(reason["code"]), "text": modelstore.reason_text(reason, lang)}
        for kind, entry in outcome.card["kinds"].items()
        for reason in entry.get("refused", [])
    ]
    return {
        "version": outcome.version,
        "promoted": outcome.promoted,
        "active": outcome.active,
        "refused": refused,
        "card": outcome.card,
    }


def _import(rt: Runtime, actor: Actor, params: dict[str, Any], report: Report) -> Result:
    with rt.session() as session:
        body = store.take_upload(session, params["job_id"], rt.protector)
    if body is None:
        raise Problem("job_upload_missing")
    size = max(1, len(body))
    stream = io.BytesIO(body)
    del body  # the stream holds its own copy: the body is not kept twice while it runs
    with stream:
        done = data.import_stream(
            rt,
            actor,
            kind=params["kind"],
            stream=stream,
            fmt=params["format"],
            dry_run=bool(params.get("dry_run")),
            progress=lambda _so_far: report(0.99 * stream.tell() / size),
        )
    return dict(data.result(done))


KINDS: dict[str, Callable[[Runtime, Actor, dict[str, Any], Report], Result]] = {
    "allocation": allocation_result,
    "retrain": retrain_result,
    "import": _import,
}


def error_of(error: BaseException, lang: str) -> dict[str, object]:
    """What a failed job says: a ``Problem``'s own code and message, else ``internal``."""
    if isinstance(error, Problem):
        return {
            "code": error.code,
            "message": error.message(lang),
            "details": error.details_in(lang),
        }
    return {
        "code": "internal",
        "message": messages("service").text("api_internal", lang),
        "details": [{"code": type(error).__name__, "message": str(error)[:500]}],
    }


def _plain(result: Result) -> Result:
    """As the JSON column keeps it (dates as text)."""
    loaded: Result = json.loads(json.dumps(result, default=str))
    return loaded


@contextmanager
def _heartbeat(rt: Runtime, job_id: str) -> Iterator[None]:
    """Beat every ``store.BEAT_EVERY`` seconds from a thread while the job runs (not on a
    runtime bound to one connection: a connection is not shared across threads)."""
    if isinstance(rt.bind, sa.Connection):
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(store.BEAT_EVERY):
            try:
                with rt.writing() as session:
                    store.beat(session, [job_id])
            except Exception:  # a missed beat is not the job's failure
                log.debug("job %s: heartbeat failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"matcher-job-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def run(rt: Runtime, job_id: str) -> str | None:
    """Run a queued job to its end; the state it ended in (None when it was not queued)."""
    with rt.writing() as session:
        job = store.start(session, job_id)
        if job is None:
            return None
        kind, params = job.kind, dict(job.params)
    lang = str(params.get("lang", "ru"))

    def report(progress: float) -> None:
        with rt.writing() as session:
            store.beat(session, [job_id], progress=progress)

    if kind == "import" and rt.bind.dialect.name == "sqlite":
        # an import holds SQLite's write lock to its end: progress would wait for it
        def report(progress: float) -> None:
            pass

    try:
        with _heartbeat(rt, job_id):
            result = _plain(KINDS[kind](rt, _actor(params), {**params, "job_id": job_id}, report))
    except Exception as error:
        if not isinstance(error, Problem):
            log.exception("job %s (%s) failed", job_id, kind)
        with rt.writing() as session:
            store.finish(session, job_id, error=error_of(error, lang))
        return "failed"
    finally:
        if kind == "import":
            with rt.writing() as session:
                store.drop_upload(session, job_id)
    with rt.writing() as session:
        store.finish(session, job_id, result=result)
    return "succeeded"


def abandoned(lang: str, details: list[dict[str, object]] | None = None) -> dict[str, object]:
    """The error of a job whose runner went away before it ended."""
    return {
        "code": "abandoned",
        "message": messages("service").text("api_job_abandoned", lang),
        "details": details or [],
    }


def reap(rt: Runtime) -> int:
    """Mark failed, with reason ``abandoned``, every job nobody runs any more; how many.
    When the database is busy with a long write, they are marked on a later read."""
    with rt.session() as session:
        found = store.stale(session)
    if not found:
        return 0
    marked = 0
    try:
        with rt.writing() as session:
            for job in found:
                error = abandoned(str(job.params.get("lang", "ru")))
                marked += store.abandon(session, job, error)
    except Busy:
        return 0
    return marked
