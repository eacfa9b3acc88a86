"""Benchmark: how long the ``matcher`` command takes, start to answer, against the 2 s target.

    MATCHER_HOME=$(mktemp -d) .venv/bin/matcher demo      # once: the default demo database
    .venv/bin/python -m bench.cli --home DIR [--runs 5] [--person P00001]

Each command runs ``--runs`` times in a fresh process (``.venv/bin/matcher``, as a user runs
it, ``--no-record`` where the command has it; each ``plan`` run adds a plan version to the
person, as the command does). The first command after a change of the data, the day or the
code builds the catalogs' indexes and keeps them in ``MATCHER_HOME/engine.snapshot``; the
others load them (``service.serving.saved``), so one untimed run of ``recommend`` comes first.
``--no-snapshot`` times every process building them (``MATCHER_ENGINE_SNAPSHOT=false``). Printed per
command: the median wall time, the median CPU time of the process (user + system: what the
command itself costs when the machine is shared with other work), and the median wall time as
a ratio to the target (below 1.0 meets it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 2.0
MATCHER = Path(sys.executable).with_name("matcher")


def commands(person: str) -> dict[str, list[str]]:
    return {
        "help": ["--help"],
        "stats": ["stats"],
        "recommend": ["recommend", person, "--no-record"],
        "recommend --kind course": ["recommend", person, "--kind", "course", "--no-record"],
        "plan": ["plan", person],
        "plan --show": ["plan", person, "--show"],
    }


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the CPU of the child process alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(MATCHER), *args], env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"matcher {' '.join(args)} failed: {done.stderr.decode()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="MATCHER_HOME of a demo")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--person", default="P00001")
    parser.add_argument("--only", nargs="*", help="Run only these commands (names as printed).")
    parser.add_argument(
        "--no-snapshot", action="store_true", help="Every process builds the catalogs' indexes."
    )
    options = parser.parse_args()
    env = {**os.environ, "MATCHER_HOME": str(options.home)}
    env.pop("DATABASE_URL", None)
    if options.no_snapshot:
        env["MATCHER_ENGINE_SNAPSHOT"] = "false"
    timed(commands(options.person)["recommend"], env)  # builds the snapshot when it is stale
    load = os.getloadavg()[0]
    snapshot = "without" if options.no_snapshot else "with"
    print(
        f"{options.runs} runs each, {os.cpu_count()} CPUs, load average {load:.1f}, "
        f"{snapshot} the engine snapshot"
    )
    print(f"{'command':<26} {'wall s':>8} {'cpu s':>8} {'wall/2 s':>9}")
    for name, args in commands(options.person).items():
        if options.only and name not in options.only:
            continue
        runs = [timed(args, env) for _ in range(options.runs)]
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:<26} {wall:8.2f} {cpu:8.2f} {wall / TARGET_SECONDS:9.2f}")


if __name__ == "__main__":
    main()
