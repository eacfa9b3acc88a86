"""Where a job runs, chosen from the database in force:

* PostgreSQL: procrastinate, with ``matcher worker`` (or ``MATCHER_WORKER_IN_SERVER=1``);
* embedded SQLite: the serving process's own queue, with at most ``Settings.job_threads``
  jobs at a time, each in a child process of its own (``service.jobs.child``);
* a runtime bound to one connection (the test suite): at once, in the calling thread.

Either way, state, progress and result are in the ``jobs`` table."""

from __future__ import annotations

import logging
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from service.jobs import child, store, tasks
from service.runtime import Runtime

log = logging.getLogger("matcher.jobs")


def backend(rt: Runtime) -> str:
    """``inline``, ``procrastinate`` or ``in-process`` (this server's own queue, whose jobs
    run in its child processes on a SQLite file)."""
    if isinstance(rt.bind, sa.Connection):
        return "inline"
    return "procrastinate" if rt.bind.dialect.name == "postgresql" else "in-process"


class InProcess:
    """A server's own pool: runs the jobs this process queued (each of its threads waits for
    the child process running one job), and beats for them while they wait, so that another
    process can tell them from jobs whose owner has gone."""

    def __init__(self, rt: Runtime, threads: int) -> None:
        self.rt = rt
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="matcher-job")
        self._owned: set[str] = set()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        """The child process of each job running now, by job id."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beater = threading.Thread(target=self._beat, name="matcher-jobs-beat", daemon=True)
        self._beater.start()

    def submit(self, job_id: str) -> None:
        with self._lock:
            self._owned.add(job_id)
        self._pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            if child.applies(self.rt):
                process = child.start(self.rt, job_id)
                with self._lock:
                    self.children[job_id] = process
                child.wait(self.rt, job_id, process)
            else:  # a database in memory: in this thread, its numerical libraries on one core
                from threadpoolctl import threadpool_limits

                with threadpool_limits(limits=1):
                    tasks.run(self.rt, job_id)
        except Exception:  # a runner records its failures; this is a database outage
            log.exception("job %s could not be run", job_id)
        finally:
            with self._lock:
                self._owned.discard(job_id)
                self.children.pop(job_id, None)

    def _beat(self) -> None:
        while not self._stop.wait(store.BEAT_EVERY):
            with self._lock:
                waiting = list(self._owned)
            if not waiting:
                continue
            try:
                with self.rt.writing() as session:
                    store.beat(session, waiting)
            except Exception:
                log.debug("heartbeat of queued jobs failed", exc_info=True)

    def close(self) -> None:
        """Stop taking jobs; those not started are left queued (and later marked abandoned),
        those running go on in their processes to their end."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


_pools: dict[int, InProcess] = {}
_pools_lock = threading.Lock()


def pool(rt: Runtime) -> InProcess:
    """This process's pool for ``rt`` (made on first use)."""
    with _pools_lock:
        found = _pools.get(id(rt))
        if found is None or found.rt is not rt:
            found = _pools[id(rt)] = InProcess(rt, rt.settings.job_threads)
        return found


def close(rt: Runtime) -> None:
    with _pools_lock:
        found = _pools.pop(id(rt), None)
    if found is not None:
        found.close()


def enqueue(rt: Runtime, job_id: str, how: str) -> None:
    """Hand a stored job to its backend."""
    if how == "inline":
        tasks.run(rt, job_id)
    elif how == "procrastinate":
        from service.jobs import procrastinate_app

        procrastinate_app.defer(rt, job_id)
    else:
        pool(rt).submit(job_id)
