"""Benchmark: the HTTP API under concurrent load, on loopback.

    .venv/bin/python -m bench.api [--clients 20] [--requests 2000] [--workers 1]
    .venv/bin/python -m bench.api --in-process [--requests 1000]

Builds the default demo database in a temporary folder, starts ``matcher serve`` on
127.0.0.1 (a free port), makes an officer token, warms the engine, then sends ``--requests``
``GET /api/v1/persons/{id}/recommendations?kind=vacancy`` from ``--clients`` concurrent
clients (persons drawn in turn from the demo's 1,500) and prints p50, p99 and requests per
second. Only loopback is used; the loop is bounded in count and stops by itself.

``--in-process`` calls the use case behind that route (``shortlists.person_shortlist``: the
person read, the ranking, the audit row and the impressions written) ``--requests`` times in
this process, one at a time, and prints the median wall and CPU time of one call: a figure
that moves much less than the HTTP one when other work shares the machine (CPU time least).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def matcher(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "service.cli.main", *args]
    return subprocess.run(
        command, env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


def in_process(env: dict[str, str], requests: int) -> None:
    """The use case behind the route, called ``requests`` times in this process."""
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    from service.config import Settings
    from service.runtime import Runtime
    from service.usecases import shortlists
    from service.usecases.actor import Actor

    rt = Runtime.from_settings(Settings())
    actor = Actor(role="officer", method="GET", route="/api/v1/persons/{id}/recommendations")
    started = time.perf_counter()
    for n in range(4):  # the engine, and the first readings of the title reader
        shortlists.person_shortlist(rt, actor, person_id=f"P{n + 1:05d}", kind="vacancy", limit=10)
    print(f"engine warm-up {time.perf_counter() - started:.1f} s")
    wall: list[float] = []
    cpu: list[float] = []
    for n in range(requests):
        began, began_cpu = time.perf_counter(), time.thread_time()
        shortlists.person_shortlist(
            rt, actor, person_id=f"P{n % 1500 + 1:05d}", kind="vacancy", limit=10
        )
        cpu.append((time.thread_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    print(
        f"person_shortlist (kind=vacancy, limit=10, audit and impressions written), {requests}"
        f" calls: median {statistics.median(wall):.2f} ms wall, {statistics.median(cpu):.2f} ms"
        f" CPU; mean {statistics.mean(wall):.2f} ms wall"
    )
    if isinstance(rt.bind, sa.Engine):
        rt.bind.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--in-process", action="store_true", help="Time the use case alone.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "MATCHER_HOME": home,
            "MATCHER_LANG": "en",
            "MATCHER_SECRET_KEY": "bench-secret-key-0123456789",
            # all clients share one token: lift the per-token limits (docs/security.md)
            "MATCHER_TOKEN_CONCURRENCY": "1000",
            "MATCHER_TOKEN_RATE_PER_MINUTE": "1000000",
        }
        env.pop("DATABASE_URL", None)
        matcher(env, "demo", "--as-of", time.strftime("%Y-%m-%d"))
        if args.in_process:
            in_process(env, args.requests)
            return 0
        token = matcher(env, "token", "create", "--role", "officer").strip()
        port = free_port()
        log = open(Path(home) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli.main",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            started = time.perf_counter()
            for worker in range(args.workers * 2):  # build each worker's engine before timing
                httpx.get(
                    f"{base}/persons/P{worker + 1:05d}/recommendations",
                    headers=headers,
                    timeout=120,
                )
            print(f"server up; engine warm-up {time.perf_counter() - started:.1f} s")

            latencies: list[float] = []
            failures: list[int] = []
            lock = threading.Lock()
            counter = iter(range(args.requests))

            def client() -> None:
                with httpx.Client(headers=headers, timeout=30) as http:
                    while True:
                        with lock:
                            n = next(counter, None)
                        if n is None:
                            return
                        person = f"P{n % 1500 + 1:05d}"
                        begin = time.perf_counter()
                        answer = http.get(
                            f"{base}/persons/{person}/recommendations?kind=vacancy&limit=10"
                        )
                        took = time.perf_counter() - begin
                        with lock:
                            latencies.append(took)
                            if answer.status_code != 200:
                                failures.append(answer.status_code)

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            problems = (Path(home) / "server.log").read_text()
            if problems.strip():
                print("server log:\n" + problems[-3000:])

    ms = sorted(value * 1000 for value in latencies)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(
        f"GET /persons/{{id}}/recommendations?kind=vacancy, {args.clients} clients, {len(ms)} requests,"
        f" {args.workers} worker(s): p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms,"
        f" {len(ms) / elapsed:.0f} requests/s, {len(failures)} non-200 {sorted(set(failures))}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
