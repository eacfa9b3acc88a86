"""The PostgreSQL backend: jobs are deferred to procrastinate (its tables live in the same
database) and run by ``matcher worker`` on any host, or inside ``matcher serve`` when
``MATCHER_WORKER_IN_SERVER=1``. Procrastinate only carries the job id; the state callers read
stays in our ``jobs`` table."""

from __future__ import annotations

import threading
from typing import Any

import procrastinate
import sqlalchemy as sa
from procrastinate.schema import SchemaManager

from service.jobs import tasks
from service.runtime import Runtime

TASK = "matcher.run_job"
QUEUE = "matcher"
_SCHEMA_LOCK = 72_019_406
"""Advisory lock key: one process at a time installs procrastinate's tables."""

_deferrers: dict[str, procrastinate.App] = {}
_deferrers_lock = threading.Lock()


def conninfo(rt: Runtime) -> str:
    """The libpq URL of the runtime's database (procrastinate speaks psycopg directly)."""
    engine = rt.bind.engine if isinstance(rt.bind, sa.Connection) else rt.bind
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(rt: Runtime) -> None:
    """Install procrastinate's tables and functions once (they are its own, not migrations')."""
    engine = rt.bind.engine if isinstance(rt.bind, sa.Connection) else rt.bind
    with engine.begin() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
        if connection.scalar(sa.text("SELECT to_regclass('procrastinate_jobs')")) is None:
            # the driver's own cursor: the script has % signs and no parameters
            driver: Any = connection.connection.driver_connection
            driver.execute(SchemaManager.get_schema())


def make_app(rt: Runtime) -> procrastinate.App:
    """A procrastinate app whose one task runs a job of ``rt``'s database."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(rt)))

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def run_job(job_id: str) -> None:
        tasks.run(rt, job_id)

    return app


def defer(rt: Runtime, job_id: str) -> None:
    """Queue a job for a worker (the first time, install procrastinate's tables)."""
    key = conninfo(rt)
    with _deferrers_lock:
        app = _deferrers.get(key)
        if app is None:
            ensure_schema(rt)
            app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=key))
            app.open()
            _deferrers[key] = app
    app.configure_task(TASK, queue=QUEUE).defer(job_id=job_id)


def close_deferrers() -> None:
    with _deferrers_lock:
        for app in _deferrers.values():
            app.close()
        _deferrers.clear()


WORKER_OPTIONS: dict[str, Any] = {
    "queues": [QUEUE],
    "name": "matcher",
    "concurrency": 2,
    "delete_jobs": "successful",
}


def run_worker(rt: Runtime, *, wait: bool = True, **options: Any) -> None:
    """Run a worker until stopped (``wait``) or until the queue is empty (``wait=False``)."""
    ensure_schema(rt)
    tasks.reap(rt)
    make_app(rt).run_worker(**{**WORKER_OPTIONS, "wait": wait, **options})


async def run_worker_async(rt: Runtime, **options: Any) -> None:
    """A worker inside the serving process, until its task is cancelled."""
    app = make_app(rt)
    async with app.open_async():
        await app.run_worker_async(
            **{**WORKER_OPTIONS, "install_signal_handlers": False, **options}
        )
