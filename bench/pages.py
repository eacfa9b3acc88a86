"""Benchmark: the staff pages on the demo scaled to 10,000 persons, from a client on loopback.

    .venv/bin/python -m bench.pages [--persons 10000] [--requests 40] [--clients 4]

Builds a demo with ``--persons`` persons in a temporary folder (SQLite), creates an officer and
an inspector account of the region with the most persons, starts ``matcher serve`` on
127.0.0.1 (a free port), logs both in through the login form (its CSRF field), makes plans for
a sample of persons through the person page's form, then times each page twice: ``--requests``
requests one after another, and the same count from ``--clients`` concurrent clients (each with
its own connection, the same signed-in session). Pages: the caseload (first page; a district;
release within 12 weeks; the housing need, which decrypts every region person's support data),
the person page (50 persons in turn), the plan page and the printed plan. Prints p50, p95 and
max per page and the load average; the issue's bar is p95 at most 300 ms. Only loopback is
used, every loop is bounded and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.api import free_port

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pages-Passw0rd!"
SAMPLE = 50
BAR_MS = 300.0


def matcher(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "-m", "service.cli.main", *args]
    return subprocess.run(
        command, env=env, check=True, capture_output=True, text=True, cwd=ROOT, input=stdin
    ).stdout


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise SystemExit("a form without a CSRF field")
    return found.group(1)


def logged_in(base: str, login: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120, headers={"Accept-Language": "ru"})
    page = client.get("/login")
    answer = client.post(
        "/login", data={"csrf": csrf_of(page.text), "login": login, "password": PASSWORD}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login {login}: {answer.status_code}")
    return client


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(ms: list[float], share: float) -> float:
    ordered = sorted(ms)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(
    client: httpx.Client, urls: list[str], requests: int, clients: int
) -> tuple[list[float], list[int]]:
    """``requests`` GETs of ``urls`` in turn, from ``clients`` threads (each its own
    connection, sharing ``client``'s cookies); the latencies in ms and the non-200 codes."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def one() -> None:
        with httpx.Client(
            base_url=client.base_url, cookies=client.cookies, headers=client.headers, timeout=120
        ) as http:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                began = time.perf_counter()
                answer = http.get(urls[n % len(urls)])
                took = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(took)
                    if answer.status_code != 200:
                        failures.append(answer.status_code)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40, help="Per page and mode.")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--only", help="Time only the pages whose name holds this text.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "MATCHER_HOME": home,
            "MATCHER_LANG": "ru",
            "MATCHER_SECRET_KEY": "bench-secret-key-0123456789",
        }
        env.pop("DATABASE_URL", None)
        env.pop("MATCHER_DATABASE_URL", None)
        began = time.perf_counter()
        matcher(env, "demo", "--persons", str(args.persons), "--as-of", time.strftime("%Y-%m-%d"))
        print(f"demo with {args.persons} persons built in {time.perf_counter() - began:.1f} s")
        engine = sa.create_engine(f"sqlite:///{home}/matcher.db")
        with engine.connect() as db:
            region, in_region = db.execute(
                sa.text(
                    "select substr(region_kato, 1, 2) r, count(*) from persons"
                    " group by r order by count(*) desc limit 1"
                )
            ).one()
            region_kato = db.execute(
                sa.text("select region_kato from persons where region_kato like :r limit 1"),
                {"r": f"{region}%"},
            ).scalar_one()
            district = db.execute(
                sa.text(
                    "select substr(kato, 1, 4) d from persons where region_kato like :r"
                    " group by d order by count(*) desc limit 1"
                ),
                {"r": f"{region}%"},
            ).scalar_one()
            sample = list(
                db.execute(
                    sa.text(
                        "select person_id from persons where region_kato like :r"
                        " order by person_id limit :n"
                    ),
                    {"r": f"{region}%", "n": SAMPLE},
                ).scalars()
            )
        engine.dispose()
        print(f"region {region_kato}: {in_region} persons; district {district}")
        for role in ("officer", "inspector"):
            matcher(
                env, "account", "create", "--role", role, "--login", f"bench-{role}",
                "--region", region_kato, "--password-stdin", stdin=PASSWORD + "\n",
            )  # fmt: skip

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            officer = logged_in(base, "bench-officer")
            inspector = logged_in(base, "bench-inspector")
            began = time.perf_counter()
            for person in sample[:2]:  # the engine, built on the first shortlist
                officer.get(f"/persons/{person}")
            print(f"server up; engine warm-up {time.perf_counter() - began:.1f} s")
            began = time.perf_counter()
            planned = sample[: SAMPLE // 5]
            for person in planned:
                page = inspector.get(f"/persons/{person}")
                made = inspector.post(f"/persons/{person}/plan", data={"csrf": csrf_of(page.text)})
                if made.status_code != 303:
                    raise SystemExit(f"plan of {person}: {made.status_code}")
            print(f"{len(planned)} plans made in {time.perf_counter() - began:.1f} s")

            pages: list[tuple[str, httpx.Client, list[str]]] = [
                ("caseload, first page", officer, ["/persons"]),
                ("caseload, district", officer, [f"/persons?district={district}"]),
                ("caseload, release within 12 weeks", officer, ["/persons?release=12"]),
                ("caseload, housing need", officer, ["/persons?need=housing"]),
                ("person page", officer, [f"/persons/{p}" for p in sample]),
                ("plan page", inspector, [f"/persons/{p}/plan" for p in planned]),
                ("printed plan", inspector, [f"/persons/{p}/plan/print" for p in planned]),
            ]
            failed = 0
            over: list[str] = []
            report: Callable[[str, list[float], list[int]], None]

            def report(name: str, ms: list[float], failures: list[int]) -> None:
                nonlocal failed
                failed += len(failures)
                p95 = percentile(ms, 0.95)
                if p95 > BAR_MS:
                    over.append(name)
                print(
                    f"  {name:<46} p50 {statistics.median(ms):7.1f}  p95 {p95:7.1f}"
                    f"  max {max(ms):7.1f} ms  ({len(ms)} requests"
                    f"{', non-200 ' + str(sorted(set(failures))) if failures else ''})"
                )

            for clients in (1, args.clients):
                print(
                    f"== {args.requests} requests a page, {clients} client(s); load average"
                    f" before: {load()}"
                )
                for name, client, urls in pages:
                    if args.only and args.only not in name:
                        continue
                    client.get(urls[0])  # this page's templates and first reads
                    ms, failures = timed(client, urls, args.requests, clients)
                    report(f"{name} [{clients}]", ms, failures)
            print(f"load average after: {load()}")
            print(
                f"p95 over {BAR_MS:.0f} ms: {', '.join(over) if over else 'none'};"
                f" {failed} non-200 answers"
            )
            officer.close()
            inspector.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
