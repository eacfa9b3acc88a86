"""Benchmark: a bounded mixed load on a running API server, from a separate process.

    .venv/bin/python -m bench.load --url http://127.0.0.1:PORT --token TOKEN \\
        [--seconds 60] [--clients 20] [--mix recommend=80,candidates=10,outcomes=5,plans=5]
    .venv/bin/python -m bench.load --url ... --token ... --only recommend

``--clients`` concurrent clients (asyncio + httpx, one connection each) send requests for
``--seconds`` (and at most ``--max-requests``), then stop by themselves. Each request is drawn
from the mix:

- ``recommend``: ``GET /api/v1/persons/{id}/recommendations?kind=vacancy&limit=10``
- ``candidates``: ``GET /api/v1/vacancies/{id}/candidates?limit=10``
- ``outcomes``: ``POST /api/v1/outcomes``, a ``referred`` event of today for a real person and
  an open vacancy (the same event again is fine: it is identified by person, item, event, date)
- ``plans``: ``POST /api/v1/persons/{id}/plan`` (a new plan version)

It prints, per kind and overall: count, requests per second, p50, p90 and p99 latency in ms, the
count of each status code, the 5xx count, connection errors and timeouts. Latencies are those
of answered requests, 5xx included.

The API lists neither persons nor vacancies, so their ids are read (read-only) from the database
the server uses: ``--database URL``, else ``DATABASE_URL``, else ``MATCHER_HOME/matcher.db`` (the
same rule as the server), or given up front with ``--persons``/``--vacancies`` (comma-separated,
or ``@FILE`` with one id a line). Use an officer or admin token without a region, or add
``--region KATO`` to keep to the ids of the token's region.

On SQLite (a demo database in a temporary folder)::

    export MATCHER_HOME=$(mktemp -d)
    .venv/bin/matcher demo
    TOKEN=$(.venv/bin/matcher token create --role officer)
    .venv/bin/matcher serve --port 8000 --workers 2 &
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --token "$TOKEN" \\
        --seconds 60 --clients 20

On PostgreSQL (a database of its own, dropped after)::

    psql -h 127.0.0.1 -U postgres -c 'create database matcher_load'
    export MATCHER_HOME=$(mktemp -d)
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/matcher_load
    .venv/bin/matcher demo
    TOKEN=$(.venv/bin/matcher token create --role officer)
    .venv/bin/matcher serve --port 8000 --workers 2 &
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --token "$TOKEN" \\
        --seconds 60 --clients 20
    kill %1; psql -h 127.0.0.1 -U postgres -c 'drop database matcher_load'

Only loopback is meant; the machine running the server should not be busy with anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

KINDS = ("recommend", "candidates", "outcomes", "plans")
DEFAULT_MIX = "recommend=80,candidates=10,outcomes=5,plans=5"


@dataclass
class Tally:
    """What one kind of request (or all of them) got."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    timeouts: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies_ms) + self.connection_errors + self.timeouts

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def merge(self, other: Tally) -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.statuses.update(other.statuses)
        self.connection_errors += other.connection_errors
        self.timeouts += other.timeouts
        self.error_kinds.update(other.error_kinds)


def parse_mix(text: str) -> dict[str, int]:
    mix: dict[str, int] = {}
    for part in text.split(","):
        name, _, weight = part.strip().partition("=")
        if name not in KINDS:
            raise SystemExit(f"load: unknown request kind {name!r} (known: {', '.join(KINDS)})")
        try:
            mix[name] = int(weight)
        except ValueError:
            raise SystemExit(f"load: the weight of {name} must be a whole number") from None
    if sum(mix.values()) <= 0:
        raise SystemExit("load: the mix has no weight")
    return {name: weight for name, weight in mix.items() if weight > 0}


def read_ids(text: str | None) -> list[str]:
    if not text:
        return []
    if text.startswith("@"):
        lines = Path(text[1:]).read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip()]
    return [part.strip() for part in text.split(",") if part.strip()]


def database_url(explicit: str | None) -> str:
    """The server's database, by the server's own rule, as a read-only SQLAlchemy URL."""
    url = explicit or os.environ.get("DATABASE_URL") or os.environ.get("MATCHER_DATABASE_URL")
    if url:
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        if url.startswith("sqlite:///") and "mode=ro" not in url:
            return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
        return url
    home = os.environ.get("MATCHER_HOME")
    if home:
        folder = Path(home)
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folder = Path(base) / "matcher"
    path = folder / "matcher.db"
    if not path.exists():
        raise SystemExit(f"load: no database at {path}: set DATABASE_URL or MATCHER_HOME")
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def ids_from_database(url: str, region: str | None) -> tuple[list[str], list[str]]:
    """Every person id and every open vacancy id (of one region, when asked), read-only."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    where = " and region_kato = :region" if region else ""
    params = {"region": region} if region else {}
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("set transaction read only")
            persons = conn.execute(
                sa.text(f"select person_id from persons where 1 = 1{where} order by person_id"),
                params,
            ).scalars()
            person_ids = [str(value) for value in persons]
            vacancies = conn.execute(
                sa.text(
                    "select vacancy_id from vacancies where status = 'open'"
                    f"{where} order by vacancy_id"
                ),
                params,
            ).scalars()
            vacancy_ids = [str(value) for value in vacancies]
    finally:
        engine.dispose()
    return person_ids, vacancy_ids


class Load:
    """The clients, the ids they use, and what they got."""

    def __init__(
        self,
        args: argparse.Namespace,
        mix: dict[str, int],
        persons: list[str],
        vacancies: list[str],
    ) -> None:
        self.args = args
        self.kinds = list(mix)
        self.weights = [mix[kind] for kind in self.kinds]
        self.persons = persons
        self.vacancies = vacancies
        self.tallies = {kind: Tally() for kind in self.kinds}
        self.sent = 0
        self.today = date.today().isoformat()

    def request(self, kind: str, chooser: random.Random) -> tuple[str, str, dict[str, object]]:
        """Method, path and keyword arguments of one request of this kind."""
        if kind == "recommend":
            person = chooser.choice(self.persons)
            return (
                "GET",
                f"/api/v1/persons/{person}/recommendations",
                {"params": {"kind": "vacancy", "limit": 10}},
            )
        if kind == "candidates":
            vacancy = chooser.choice(self.vacancies)
            return "GET", f"/api/v1/vacancies/{vacancy}/candidates", {"params": {"limit": 10}}
        if kind == "outcomes":
            event = {
                "person_id": chooser.choice(self.persons),
                "item_kind": "vacancy",
                "item_id": chooser.choice(self.vacancies),
                "event": "referred",
                "date": self.today,
            }
            return "POST", "/api/v1/outcomes", {"json": event}
        person = chooser.choice(self.persons)
        return "POST", f"/api/v1/persons/{person}/plan", {}

    async def client(self, number: int, client: httpx.AsyncClient, deadline: float) -> None:
        chooser = random.Random(self.args.seed * 1000 + number)
        while time.monotonic() < deadline and self.sent < self.args.max_requests:
            self.sent += 1
            kind = chooser.choices(self.kinds, self.weights)[0]
            method, path, extra = self.request(kind, chooser)
            tally = self.tallies[kind]
            started = time.perf_counter()
            try:
                answer = await client.request(method, path, **extra)  # type: ignore[arg-type]
                await answer.aread()
            except httpx.TimeoutException as error:
                tally.timeouts += 1
                tally.error_kinds[type(error).__name__] += 1
                continue
            except httpx.TransportError as error:
                tally.connection_errors += 1
                tally.error_kinds[type(error).__name__] += 1
                await asyncio.sleep(0.05)  # a refused connection would otherwise spin
                continue
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.statuses[answer.status_code] += 1

    async def run(self) -> float:
        limits = httpx.Limits(
            max_connections=self.args.clients, max_keepalive_connections=self.args.clients
        )
        headers = {"Authorization": f"Bearer {self.args.token}", "Accept-Language": "en"}
        async with httpx.AsyncClient(
            base_url=self.args.url.rstrip("/"),
            headers=headers,
            limits=limits,
            timeout=self.args.timeout,
        ) as client:
            await self.warm_up(client)
            started = time.monotonic()
            deadline = started + self.args.seconds
            await asyncio.gather(
                *(self.client(number, client, deadline) for number in range(self.args.clients))
            )
            return time.monotonic() - started

    async def warm_up(self, client: httpx.AsyncClient) -> None:
        """Recommendation lists first, not counted: each server process loads its engine on
        first use, which takes long on a big database. Up to ``--warmup`` at a time (so that
        every worker process gets some), with ``--warmup-timeout`` each."""
        if self.args.warmup <= 0:
            return
        chooser = random.Random(self.args.seed)
        statuses: Counter[int] = Counter()
        started = time.perf_counter()
        warm = [
            client.get(
                f"/api/v1/persons/{chooser.choice(self.persons)}/recommendations",
                params={"kind": "vacancy", "limit": 10},
                timeout=self.args.warmup_timeout,
            )
            for _ in range(self.args.warmup)
        ]
        for answer in await asyncio.gather(*warm, return_exceptions=True):
            if isinstance(answer, httpx.Response):
                statuses[answer.status_code] += 1
            else:
                statuses[0] += 1
        took = time.perf_counter() - started
        print(
            f"warm-up: {self.args.warmup} recommendation lists in {took:.1f} s: {_statuses(statuses)}"
        )
        if statuses[401] or statuses[403]:
            print("load: the token is refused (401/403): use an officer or admin token")


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile by linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _statuses(statuses: Counter[int]) -> str:
    if not statuses:
        return "-"
    return " ".join(
        f"{'no answer' if status == 0 else status}:{count}"
        for status, count in sorted(statuses.items())
    )


def report(tallies: dict[str, Tally], elapsed: float) -> str:
    overall = Tally()
    for tally in tallies.values():
        overall.merge(tally)
    header = (
        f"{'kind':<11}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
        f"{'5xx':>6}{'conn err':>9}{'timeouts':>9}  status codes"
    )
    lines = [header, "-" * len(header)]
    for name, tally in [*tallies.items(), ("overall", overall)]:
        if name == "overall":
            lines.append("-" * len(header))
        values = tally.latencies_ms
        lines.append(
            f"{name:<11}{tally.count:>7}{tally.count / elapsed:>8.1f}"
            f"{percentile(values, 0.50):>9.1f}{percentile(values, 0.90):>9.1f}"
            f"{percentile(values, 0.99):>9.1f}{tally.server_errors:>6}"
            f"{tally.connection_errors:>9}{tally.timeouts:>9}  {_statuses(tally.statuses)}"
        )
    if overall.error_kinds:
        kinds = ", ".join(f"{name} x{count}" for name, count in overall.error_kinds.most_common())
        lines.append(f"transport errors: {kinds}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="an officer or admin token")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send (60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"weights ({DEFAULT_MIX})")
    parser.add_argument("--only", choices=KINDS, help="send one kind only (overrides --mix)")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="stop after this many (100000)"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds (30)")
    parser.add_argument("--warmup", type=int, default=8, help="uncounted requests first (8)")
    parser.add_argument(
        "--warmup-timeout", type=float, default=300.0, help="per warm-up request, seconds (300)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the clients' choices")
    parser.add_argument("--database", help="database URL to read ids from (read-only)")
    parser.add_argument("--region", help="only persons and vacancies of this region (KATO)")
    parser.add_argument("--persons", help="person ids: ID,ID,... or @FILE")
    parser.add_argument("--vacancies", help="vacancy ids: ID,ID,... or @FILE")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be in (0, 3600]")
    if not 1 <= args.clients <= 500:
        parser.error("--clients must be in [1, 500]")

    mix = {args.only: 1} if args.only else parse_mix(args.mix)
    persons, vacancies = read_ids(args.persons), read_ids(args.vacancies)
    source = "given"
    if not persons or not vacancies:
        url = database_url(args.database)
        found_persons, found_vacancies = ids_from_database(url, args.region)
        persons = persons or found_persons
        vacancies = vacancies or found_vacancies
        source = url.split("@")[-1] if "@" in url else url
    needs_vacancies = any(kind in mix for kind in ("candidates", "outcomes"))
    if not persons or (needs_vacancies and not vacancies):
        raise SystemExit("load: no person or no open vacancy ids to use")

    print(
        f"load: {args.url}, {args.clients} clients, {args.seconds:g} s "
        f"(at most {args.max_requests} requests), mix "
        + ", ".join(f"{kind}={weight}" for kind, weight in mix.items())
    )
    print(f"ids: {len(persons)} persons, {len(vacancies)} open vacancies ({source})")
    load = Load(args, mix, persons, vacancies)
    elapsed = asyncio.run(load.run())
    print(f"sent {sum(t.count for t in load.tallies.values())} requests in {elapsed:.1f} s")
    print(report(load.tallies, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
