"""On SQLite, a server runs each job in a child process: ``python -m service.jobs.child JOB_ID``
runs that one job and exits.

Why not a thread of the server: a job's Python work (an allocation's solver, a retraining's
features) would compete with request handling for the serving process's interpreter lock (a
503 under load was put down to it, docs/benchmarks.md). In a process of its own a job competes
only for the cores, as ``matcher worker`` does on PostgreSQL.

The child reads the server's settings on its standard input (the database URL of the server's
engine, the secret key: nothing else is inherited but the environment), opens its own engine
and writes the job's state, progress, heartbeat and result to its ``jobs`` row like any runner.
The server waits for it: a child that dies before its job ended (killed, out of memory) has the
job marked failed at once; were the server gone too, the job stops beating and is marked
abandoned on a later read (``tasks.reap``)."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from service.config import Settings
from service.jobs import store, tasks
from service.runtime import Runtime

log = logging.getLogger("matcher.jobs")


def applies(rt: Runtime) -> bool:
    """Whether ``rt``'s jobs can run in a child: an engine on a SQLite file (a connection, or
    a database in memory, cannot be shared with another process)."""
    bind = rt.bind
    return (
        isinstance(bind, Engine)
        and bind.dialect.name == "sqlite"
        and bind.url.database not in (None, "", ":memory:")
    )


def start(rt: Runtime, job_id: str) -> subprocess.Popen[bytes]:
    """A child running job ``job_id`` of ``rt``'s database, with ``rt``'s settings."""
    assert isinstance(rt.bind, Engine)
    settings = rt.settings.model_dump(mode="json")  # secrets masked: they are set below
    for name in type(rt.settings).model_fields:
        value = getattr(rt.settings, name)
        if isinstance(value, SecretStr):
            settings[name] = value.get_secret_value()
    settings["database_url"] = rt.bind.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "service.jobs.child", job_id], stdin=subprocess.PIPE
    )
    assert process.stdin is not None
    try:
        process.stdin.write(json.dumps(settings).encode())
        process.stdin.close()
    except BrokenPipeError:  # it died at once: wait() tells how
        pass
    return process


def wait(rt: Runtime, job_id: str, process: subprocess.Popen[bytes]) -> int:
    """Wait for the child; when it died before its job ended, mark the job failed. Its exit
    status."""
    status = process.wait()
    if status == 0:
        return status
    ended = f"exit status {status}" if status > 0 else f"signal {_signal_name(-status)}"
    log.error("job %s: its process ended (%s)", job_id, ended)
    with rt.writing() as session:
        job = store.get(session, job_id)
        if job is None or job.state not in ("queued", "running"):
            return status
        error = tasks.abandoned(
            str(job.params.get("lang", "ru")),
            [{"code": "process_ended", "message": f"the job's process ended with {ended}"}],
        )
        # one transaction: whoever sees the job failed sees its upload gone
        store.drop_upload(session, job_id, commit=False)
        store.finish(session, job_id, error=error)
    return status


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def main() -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    (job_id,) = sys.argv[1:]
    rt = Runtime.from_settings(Settings.model_validate(json.load(sys.stdin)))
    # the server answers requests on the same cores: the learner's OpenMP and BLAS get one
    # thread instead of all of them
    from threadpoolctl import threadpool_limits

    try:
        with threadpool_limits(limits=1):
            tasks.run(rt, job_id)
    finally:
        assert isinstance(rt.bind, Engine)
        rt.bind.dispose()


if __name__ == "__main__":
    main()
