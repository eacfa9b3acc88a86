"""``matcher serve --workers 2`` (one server for the module, its tests in order): each worker
listens on a socket of its own, so connections opened together are shared between the workers
instead of landing on one; a worker that dies is replaced and the port keeps answering;
stopping the server stops every worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.api.workers import spreads

MATCHER = Path(sys.executable).with_name("matcher")
KEY = "workers-secret-key-0123456789abcdef"

pytestmark = pytest.mark.skipif(not spreads(), reason="SO_REUSEPORT is Linux and BSD only")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _children(pid: int) -> set[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in found.read_text().split()} if found.exists() else set()


def _workers(pid: int) -> set[int]:
    """The server's worker processes (uvicorn's supervisor also keeps a resource tracker)."""
    return {
        child
        for child in _children(pid)
        if b"multiprocessing.resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    }


def _cpu(pids: set[int]) -> float:
    """CPU seconds the processes ``pids`` have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    used = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        used += (int(fields[11]) + int(fields[12])) / tick
    return used


def _settled(pid: int, timeout: float = 180.0) -> None:
    """Wait until the server's processes are idle (a worker warms its engine after it starts
    listening; on a busy machine that takes a while)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = {pid, *_workers(pid)}
        before = _cpu(family)
        time.sleep(1.0)
        if _cpu(family) - before < 0.05:
            return
    raise AssertionError("the server did not settle")


def _until(ready: Callable[[], bool], seconds: float, what: Callable[[], str]) -> None:
    """Wait up to ``seconds`` for ``ready()``; fail saying ``what()`` when it never is."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, what()
        time.sleep(0.2)


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (a worker listens once its start is done)."""
    listing = subprocess.run(
        ["ss", "-ltnH", f"( sport = :{port} )"], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines())


def _owners(port: int, connections: list[socket.socket]) -> Counter[int]:
    """Which process holds the server's end of each of ``connections``."""
    ours = {c.getsockname()[1] for c in connections}
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    owners: Counter[int] = Counter()
    for line in listing.splitlines():
        peer = int(line.split()[-2].rsplit(":", 1)[1])
        if peer in ours and "pid=" in line:
            owners[int(line.split("pid=")[1].split(",")[0])] += 1
    return owners


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """One server for the module's tests, in their order (the last one stops it)."""
    tmp_path = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {**os.environ, "MATCHER_HOME": str(tmp_path), "MATCHER_SECRET_KEY": KEY}
    env.pop("DATABASE_URL", None)
    env.pop("MATCHER_DATABASE_URL", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(MATCHER), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def up() -> bool:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            return _healthy(port) and len(_workers(proc.pid)) == 2 and _listening(port) == 2

        _until(up, 90, lambda: "the server did not start")
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_connections_opened_together_are_shared_by_the_workers(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = server
    workers = _workers(proc.pid)
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    try:
        time.sleep(1.0)  # accepted by now
        owners = _owners(port, connections)
    finally:
        for c in connections:
            c.close()
    assert sum(owners.values()) == 40
    assert set(owners) == workers
    # a hash of each connection's addresses picks its worker: 40 over 2 is never 36 to 4
    # by chance (one in about 200 million); with one shared socket, 20 connections opened at
    # once went 15 to 20 of them to one worker
    assert min(owners.values()) >= 5, owners


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = server
    first = _workers(proc.pid)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)

    def replaced() -> bool:
        now = _workers(proc.pid)
        return len(now) == 2 and victim not in now and _listening(port) == 2

    _until(replaced, 60, lambda: f"no worker replaced {victim}: {_workers(proc.pid)}")
    # the dead worker's socket went with it: every new connection is answered
    _until(lambda: _healthy(port), 60, lambda: "the port stopped answering")
    assert all(_healthy(port) for _ in range(30))


def test_stopping_the_server_stops_its_workers(
    server: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = server
    _settled(proc.pid)  # no engine being built: the stop itself is measured
    workers = _workers(proc.pid)
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )
    assert not _healthy(port)
