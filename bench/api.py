"""Benchmark: the HTTP API under concurrent load, on loopback.

    .venv/bin/python -m bench.api [--clients 20] [--requests 2000] [--workers 1] [--client raw]
        [--home DIR] [--rounds 1]
    .venv/bin/python -m bench.api --in-process [--requests 1000]
    .venv/bin/python -m bench.api --asgi [--requests 1000]

Builds the default demo database in a temporary folder, starts ``matcher serve`` on
127.0.0.1 (a free port), makes an officer token, warms the engine, then sends ``--requests``
``GET /api/v1/persons/{id}/recommendations?kind=vacancy`` from ``--clients`` concurrent
clients (persons drawn in turn from the demo's 1,500) and prints p50, p99 and requests per
second, and the CPU time the server's processes and this client spent per request (read from
``/proc`` on Linux: a figure that moves less than the others when other work shares the
machine). Only loopback is used; the loop is bounded in count and stops by itself.
``--rounds R`` sends the same requests R times to the same server, one round after another,
and prints each round: the first holds whatever the server still does on its first requests,
the later ones its steady state.

The clients (``--client raw``, the default) are keep-alive connections on one ``asyncio`` loop
(``bench/loadgen.py``), which spend a few tenths of a millisecond of CPU per request: on a
machine of two cores the client shares the CPU with the server it measures, and
``--client httpx`` (an ``httpx.Client`` per thread) spends about 2 ms per request and adds its
threads' waits for the interpreter lock to the latencies.

``--in-process`` calls the use case behind that route (``shortlists.person_shortlist``: the
person read, the ranking, the audit row and the impressions written) ``--requests`` times in
this process, one at a time, and prints the median wall and CPU time of one call: a figure
that moves much less than the HTTP one when other work shares the machine (CPU time least).

``--asgi`` sends the same request ``--requests`` times, one at a time, through the whole app in
this process (``httpx.ASGITransport``: middlewares, token check, the route, its JSON; no
network, no HTTP parsing), after the app's start has warmed the engine, and prints the CPU time
per request, and how much of it the same dependencies and middlewares cost around a route that
does nothing.
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

from bench import loadgen

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


def process_cpu(root: int) -> float:
    """CPU seconds used so far by process ``root`` and every process under it (Linux ``/proc``;
    0 elsewhere): the server's supervisor and its workers."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 0.0
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grown = {root}, True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grown = True
    return sum(used.get(pid, 0.0) for pid in family)


def wait_idle(pid: int, *, cpu_share: float = 0.05, timeout: float = 300.0) -> float:
    """Wait until the processes of ``pid`` use under ``cpu_share`` of a core over a second
    (every server worker has warmed its engine: a request cannot tell which worker answers
    it); returns the seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        before = process_cpu(pid)
        time.sleep(1.0)
        if process_cpu(pid) - before < cpu_share:
            break
    return time.perf_counter() - began


def through_asgi(env: dict[str, str], requests: int) -> None:
    """The route through the whole app in this process, one request at a time."""
    import asyncio

    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    from fastapi import APIRouter, Response

    from service.api.app import create_app
    from service.api.deps import CurrentActor, Lang, RuntimeDep

    token = matcher(env, "token", "create", "--role", "officer").strip()
    app = create_app()
    probe = APIRouter()

    def nothing(
        person_id: str, rt: RuntimeDep, actor: CurrentActor, lang: Lang, kind: str, limit: int
    ) -> Response:
        return Response(b'{"items":[]}', media_type="application/json")

    # the names above are local: FastAPI reads the annotations as objects, not as strings
    nothing.__annotations__ = {
        "person_id": str, "rt": RuntimeDep, "actor": CurrentActor, "lang": Lang,
        "kind": str, "limit": int, "return": Response,
    }  # fmt: skip
    probe.get("/api/v1/bench-probe/{person_id}")(nothing)
    app.router.routes.insert(0, probe.routes[0])

    async def run() -> None:
        async with app.router.lifespan_context(app):
            app.state.runtime.serving.warmed()  # no build beside the requests timed
            transport = httpx.ASGITransport(app=app)
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", headers=headers
            ) as client:
                for path in ("recommendations", "bench-probe"):
                    for n in range(20):  # the warm engine, the first readings, the token
                        await client.get(f"/api/v1/persons/P{n + 1:05d}/recommendations")
                    began = time.process_time()
                    for n in range(requests):
                        person = f"P{n % 1500 + 1:05d}"
                        url = (
                            f"/api/v1/persons/{person}/recommendations"
                            if path == "recommendations"
                            else f"/api/v1/bench-probe/{person}"
                        )
                        answer = await client.get(url, params={"kind": "vacancy", "limit": 10})
                        assert answer.status_code == 200, answer.text
                    cpu = (time.process_time() - began) / requests * 1000
                    print(
                        f"{requests} requests through the app in process, one at a time: "
                        + (
                            f"{cpu:.2f} ms CPU per recommendations request"
                            if path == "recommendations"
                            else f"{cpu:.2f} ms CPU per request to a route that does nothing"
                            " (the same middlewares, token check and dependencies)"
                        )
                    )

    asyncio.run(run())


def machine_speed() -> float:
    """Seconds of CPU a fixed pure-Python loop (10 million additions) takes here now: these
    machines are shared, and the same code runs up to three times slower at a busy hour, so
    figures from different hours are compared through this one."""
    began = time.process_time()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.process_time() - began


def httpx_gets(
    base_url: str, paths: list[str], headers: dict[str, str], clients: int
) -> tuple[list[float], list[int]]:
    """The same requests from ``clients`` threads, each with its own ``httpx.Client``."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    todo = iter(paths)

    def client() -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
            while True:
                with lock:
                    path = next(todo, None)
                if path is None:
                    return
                begin = time.perf_counter()
                answer = http.get(path)
                took = time.perf_counter() - begin
                with lock:
                    latencies.append(took)
                    statuses.append(answer.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: one asyncio loop of keep-alive connections (bench/loadgen.py); httpx: "
        "an httpx.Client per thread, as before (about 2 ms of client CPU per request)",
    )
    parser.add_argument(
        "--home",
        help="A folder for the demo database, kept: built on the first run, used as it is by"
        " the next ones (runs compared one after another then share their data)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Send the --requests this many times, one round after another, to the same"
        " server, and print each round's figures (the first round holds the server's first"
        " requests)",
    )
    parser.add_argument("--in-process", action="store_true", help="Time the use case alone.")
    parser.add_argument("--asgi", action="store_true", help="Time the route through the app.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or scratch
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
        if not (Path(home) / "matcher.db").exists():
            matcher(env, "demo", "--as-of", time.strftime("%Y-%m-%d"))
        if args.in_process:
            in_process(env, args.requests)
            return 0
        if args.asgi:
            through_asgi(env, args.requests)
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
        base_url = f"http://127.0.0.1:{port}"
        base = f"{base_url}/api/v1"
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
            for worker in range(args.workers * 2):  # each worker warms its engine as it starts
                httpx.get(
                    f"{base}/persons/P{worker + 1:05d}/recommendations",
                    headers=headers,
                    timeout=120,
                )
            waited = wait_idle(server.pid)  # ...whichever worker these requests went to
            print(
                f"server up; first lists answered after {time.perf_counter() - started - waited:.1f}"
                f" s, every worker idle after {time.perf_counter() - started:.1f} s"
            )

            paths = [
                f"/api/v1/persons/P{n % 1500 + 1:05d}/recommendations?kind=vacancy&limit=10"
                for n in range(args.requests)
            ]
            speed = machine_speed()
            server_cpu, client_cpu = process_cpu(server.pid), time.process_time()
            rounds: list[tuple[list[float], list[int], float]] = []
            for _ in range(args.rounds):
                began = time.perf_counter()
                if args.client == "raw":
                    latencies, statuses = loadgen.run_gets(
                        "127.0.0.1", port, paths, headers=headers, clients=args.clients
                    )
                else:
                    latencies, statuses = httpx_gets(base_url, paths, headers, args.clients)
                rounds.append((latencies, statuses, time.perf_counter() - began))
            server_cpu = process_cpu(server.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            failures = [status for _, statuses, _ in rounds for status in statuses if status != 200]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            problems = (Path(home) / "server.log").read_text()
            if problems.strip():
                print("server log:\n" + problems[-3000:])

    for number, (latencies, _, elapsed) in enumerate(rounds, 1):
        ms = sorted(value * 1000 for value in latencies)
        p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
        shown = f"round {number} of {len(rounds)}: " if len(rounds) > 1 else ""
        print(
            f"{shown}GET /persons/{{id}}/recommendations?kind=vacancy, {args.clients} clients,"
            f" {len(ms)} requests, {args.workers} worker(s), {args.client} client:"
            f" p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms,"
            f" {len(ms) / elapsed:.0f} requests/s"
        )
    print(f"non-200 answers: {len(failures)} {sorted(set(failures))}")
    print(f"machine speed: a 10-million-step Python loop took {speed:.2f} s of CPU just before")
    loadavg = Path("/proc/loadavg")
    sent = sum(len(latencies) for latencies, _, _ in rounds)
    print(
        f"CPU per request: server {server_cpu / sent * 1000:.2f} ms (all its processes),"
        f" this client {client_cpu / sent * 1000:.2f} ms; load average"
        f" {' '.join(loadavg.read_text().split()[:3]) if loadavg.exists() else 'unknown'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
