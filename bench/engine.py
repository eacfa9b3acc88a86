"""Benchmark: shortlists at national scale, or CPU per list on the demo.

    .venv/bin/python -m bench.engine [--vacancies 1000000] [--courses 10000] [--shelters 1000]
                                     [--persons 100000] [--queries 1000]
    .venv/bin/python -m bench.engine --demo [--passes 7]

Generates synthetic catalogs (the demo generator, seed 1), builds the engine's indexes and
measures: build time, resident memory, and the latency of one person's top-10 vacancies,
courses and shelters, and of one vacancy's top-20 candidates among all persons (p50, p99 over
``--queries`` queries). Single-process, on whatever cores the machine has.

``--demo``: the demo catalogs (seed 0: 6,000 vacancies, 360 courses, 31 centres, 1,500
persons) with a congestion table, and the CPU time of each kind of list per person, as the
recommendations route asks for one (10 shown and 4 more, the reasons of the 10 read): the
median of ``--passes`` passes over every person (process time, so other work on the machine
counts less than in wall time).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from catalogs.demo import DemoSpec, generate
from catalogs.reference.places import places
from matcher import sample
from matcher.congestion import Congestion
from matcher.engine import Engine
from matcher.index import PersonIndex
from matcher.profile import Shelter

AS_OF = date(2026, 11, 25)


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1e6


def spread_shelters(base: Sequence[Shelter], count: int) -> list[Shelter]:
    """``count`` centres: the demo's, then copies placed in other towns (synthetic)."""
    towns = places().towns()
    result = list(base)
    for n in range(len(base), count):
        town = towns[n % len(towns)]
        template = base[n % len(base)]
        result.append(
            replace(template, shelter_id=f"SX{n:05d}", kato=town.kato, lat=town.lat, lon=town.lon)
        )
    return result[:count]


def percentiles(label: str, run: Callable[[int], object], count: int) -> None:
    seconds = []
    for n in range(count):
        started = time.perf_counter()
        run(n)
        seconds.append(time.perf_counter() - started)
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(
        f"{label:<44} p50 {statistics.median(ms):6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {ms[-1]:6.1f} ms   ({count} queries)"
    )


def cpu_per_list(passes: int) -> None:
    """``--demo``: CPU milliseconds per list on the demo, by kind (see the module's docstring)."""
    data = generate(DemoSpec(seed=0, as_of=AS_OF))
    vacancies, courses = list(sample.vacancies(data)), list(sample.courses(data))
    shelters, persons = list(sample.shelters(data)), list(sample.persons(data))
    referrals = {
        **{("vacancy", v.vacancy_id): 2 for v in vacancies[::7]},
        **{("course", c.course_id): 4 for c in courses[::5]},
        **{("shelter", s.shelter_id): 30 for s in shelters[::3]},
    }
    engine = Engine.build(
        vacancies=vacancies, courses=courses, shelters=shelters, today=AS_OF,
        congestion=Congestion(referrals, seed=1),
    )  # fmt: skip

    def lists(kind: str) -> None:
        for person in persons:
            for item in engine.recommend(person, kind, limit=14)[:10]:
                _ = item.reasons

    for kind in ("vacancy", "course", "shelter"):
        lists(kind)  # warm the caches
        runs = []
        for _ in range(passes):
            started = time.process_time()
            lists(kind)
            runs.append((time.process_time() - started) / len(persons) * 1000)
        shown = " ".join(f"{ms:.2f}" for ms in runs)
        print(f"{kind:<8} CPU per list: median {statistics.median(runs):.2f} ms   ({shown})")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", action="store_true", help="CPU per list on the demo")
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--vacancies", type=int, default=1_000_000)
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--shelters", type=int, default=1_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    args = parser.parse_args()
    if args.demo:
        cpu_per_list(args.passes)
        return 0

    before = rss_mb()
    started = time.perf_counter()
    data = generate(
        DemoSpec(
            seed=1,
            as_of=AS_OF,
            vacancies=args.vacancies,
            courses=args.courses,
            persons=args.persons,
        )
    )
    vacancies = list(sample.vacancies(data))
    courses = list(sample.courses(data))
    shelters = spread_shelters(list(sample.shelters(data)), args.shelters)
    persons = list(sample.persons(data))
    generated = time.perf_counter() - started
    after_data = rss_mb()
    print(
        f"generated {len(vacancies):,} vacancies, {len(courses):,} courses, {len(shelters):,} shelters,"
        f" {len(persons):,} persons in {generated:.1f} s ({after_data - before:,.0f} MB of records)"
    )

    started = time.perf_counter()
    engine = Engine.build(vacancies=vacancies, courses=courses, shelters=shelters, today=AS_OF)
    built = time.perf_counter() - started
    after_engine = rss_mb()
    started = time.perf_counter()
    people = PersonIndex(persons, matcher=engine.matcher)
    people_built = time.perf_counter() - started
    after_people = rss_mb()
    print(f"engine indexes built in {built:.1f} s, +{after_engine - after_data:,.0f} MB")
    print(f"person index built in {people_built:.1f} s, +{after_people - after_engine:,.0f} MB")
    print(f"resident memory in all: {after_people:,.0f} MB")
    # a million long-lived records: keep the cyclic garbage collector from walking them in the
    # middle of a query (a full collection otherwise costs about half a second)
    gc.freeze()

    queries = min(args.queries, len(persons))
    step = max(1, len(persons) // queries)
    sampled = [persons[n * step] for n in range(queries)]
    engine.recommend(sampled[0], "vacancy")  # warm caches (place index, shelters near jobs)
    percentiles(
        "person → top-10 vacancies",
        lambda n: engine.recommend(sampled[n], "vacancy", limit=10),
        queries,
    )
    percentiles(
        "person → top-10 courses",
        lambda n: engine.recommend(sampled[n], "course", limit=10),
        queries,
    )
    percentiles(
        "person → top-10 shelters",
        lambda n: engine.recommend(sampled[n], "shelter", limit=10),
        queries,
    )
    open_ids = [v.vacancy_id for v in vacancies if v.status == "open"]
    jobs = [
        open_ids[n * max(1, len(open_ids) // queries)] for n in range(min(queries, len(open_ids)))
    ]
    percentiles(
        f"vacancy → top-20 of {len(persons):,} persons",
        lambda n: engine.candidates(jobs[n], people, limit=20),
        len(jobs),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
