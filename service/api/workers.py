"""Several server processes on one port, each listening on a socket of its own.

uvicorn's ``--workers`` hands one listening socket to all its processes, and whichever wakes
first accepts every connection waiting (asyncio and uvloop accept until the queue is empty).
Keep-alive connections opened together — a proxy's pool, or the clients of a busy hour —
then mostly land on one process: of 20 connections opened at once to two workers, 19 or all
20 went to one, so one process (one interpreter lock) answered nearly everything while the
other idled. Here each worker listens on a socket of its own, bound with ``SO_REUSEPORT``:
the kernel spreads new connections over the sockets by a hash of their addresses. uvicorn's
supervisor still starts, watches, restarts and stops the workers (``Spread``).

Where ``SO_REUSEPORT`` does not exist (Windows), ``spreads()`` is false and the caller uses
uvicorn's own supervisor.
"""

from __future__ import annotations

import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process


def spreads() -> bool:
    """Whether this system can give each worker a socket of its own on one port."""
    return hasattr(socket, "SO_REUSEPORT")


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` that other sockets of this user may bind too
    (each then gets its share of the connections once it listens)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class Worker(Process):
    """A uvicorn worker with a listening socket of its own: bound here, handed to the
    process as it starts, then closed here (a worker that dies takes its socket, and its
    share of new connections, with it)."""

    def __init__(self, config: Config) -> None:
        self._socket = listening(config.host, config.port)
        super().__init__(config, [self._socket])

    def start(self) -> None:
        try:
            super().start()
        finally:
            self._socket.close()


class Spread(Multiprocess):
    """uvicorn's supervisor, each of its workers a ``Worker``."""

    def __init__(self, config: Config) -> None:
        super().__init__(config, sockets=[])

    def _started(self) -> Worker:
        worker = Worker(self.config)
        worker.start()
        return worker

    def init_processes(self) -> None:
        for _ in range(self.processes_num):
            self.processes.append(self._started())

    def restart_all(self) -> None:
        """Each worker replaced in turn, the new one serving before the old one stops (as
        uvicorn's own on SIGHUP)."""
        for idx, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._started()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                return
            old.terminate()
            old.join()
            self.processes[idx] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for idx, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: killed
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # it failed before serving (the app or its database): every restart would too
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            self.processes[idx] = self._started()

    def handle_ttin(self) -> None:
        self.processes_num += 1
        self.processes.append(self._started())
