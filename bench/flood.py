"""Benchmark: one token floods the API with slow requests while another token asks an officer's
list; prints the officer's latencies and what the flooding token got (429s).

    .venv/bin/python -m bench.flood --url http://127.0.0.1:PORT \\
        --flood-token TOKEN_A --officer-token TOKEN_B [--flooders 40] [--seconds 30]

``--flooders`` concurrent clients (one connection each) send ``--flood-path`` (by default the
quota report, which computes the national ledger: the slowest read an employer may ask) again
and again for ``--seconds``, not waiting after a 429 (an abusive client does not). Meanwhile one
client sends ``--officer-path`` (by default a person's vacancy list) one request after another.
Printed: the officer's count, p50, p99 and statuses; the flooders' count, statuses and 429s.

On the demo (SQLite, a temporary folder)::

    export MATCHER_HOME=$(mktemp -d)
    .venv/bin/matcher demo
    A=$(.venv/bin/matcher token create --role employer --employer BIN 2>/dev/null)
    B=$(.venv/bin/matcher token create --role officer 2>/dev/null)
    .venv/bin/matcher serve --port 8000 &
    .venv/bin/python -m bench.flood --url http://127.0.0.1:8000 --flood-token "$A" \\
        --officer-token "$B"

The limits are per server process (``MATCHER_TOKEN_CONCURRENCY``, ``MATCHER_TOKEN_RATE_PER_MINUTE``):
see docs/security.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def percentile(self, share: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _loop(
    url: str, token: str, path: str, until: float, tally: Tally, timeout: float
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                answer = await client.get(path)
            except httpx.TimeoutException:
                tally.errors["timeout"] += 1
                continue
            except httpx.HTTPError as error:
                tally.errors[type(error).__name__] += 1
                await asyncio.sleep(0.05)
                continue
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.statuses[answer.status_code] += 1


async def flood(args: argparse.Namespace) -> tuple[Tally, Tally]:
    until = time.monotonic() + args.seconds
    flooders, officer = Tally(), Tally()
    tasks = [
        _loop(args.url, args.flood_token, args.flood_path, until, flooders, args.timeout)
        for _ in range(args.flooders)
    ]
    tasks.append(_loop(args.url, args.officer_token, args.officer_path, until, officer, 30))
    await asyncio.gather(*tasks)
    return officer, flooders


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--flood-token", required=True)
    parser.add_argument("--officer-token", required=True)
    parser.add_argument("--flooders", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=60, help="of one flooding request")
    parser.add_argument("--flood-path", default="/api/v1/reports/quota")
    parser.add_argument(
        "--officer-path", default="/api/v1/persons/P00001/recommendations?kind=vacancy&limit=10"
    )
    args = parser.parse_args()
    officer, flooders = asyncio.run(flood(args))
    print(f"{args.flooders} flooders on {args.flood_path} for {args.seconds:g} s")
    print(
        f"officer ({args.officer_path}): {len(officer.latencies_ms)} answers, "
        f"p50 {_ms(officer.percentile(0.5))}, p99 {_ms(officer.percentile(0.99))}, "
        f"statuses {dict(sorted(officer.statuses.items()))}, errors {dict(officer.errors)}"
    )
    print(
        f"flooding token: {len(flooders.latencies_ms)} answers, "
        f"statuses {dict(sorted(flooders.statuses.items()))}, 429: {flooders.statuses[429]}, "
        f"errors {dict(flooders.errors)}"
    )
    ok = officer.statuses and set(officer.statuses) <= {200}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
