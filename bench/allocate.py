"""Benchmark: cohort allocation against independent top-1 choices.

    .venv/bin/python -m bench.allocate [--persons 10000] [--vacancies 40000] [--courses 1500]

1. The demo data (seed 0): everyone released in the next 120 days, all regions.
2. A generated cohort of ``--persons`` persons (seed 2) against catalogs whose quota slots,
   limited course seats and free beds add up to about 50,000 (the figure is printed).

For each: total expected success of the allocation and of greedy independent top-1 choices
(every officer takes the person's best option; a full item gives nothing), their ratio,
capacity violations, the share of persons who get nothing, the group guard, and run time.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta

from catalogs.demo import DemoSpec, generate
from matcher import sample
from matcher.allocate import allocate, capacity, scarce
from matcher.engine import Engine

AS_OF = date(2026, 11, 25)


def run(label: str, spec: DemoSpec, cohort_filter: object = None) -> None:
    data = generate(spec)
    engine = Engine.build(
        vacancies=list(sample.vacancies(data)), courses=list(sample.courses(data)),
        shelters=list(sample.shelters(data)), today=AS_OF,
    )  # fmt: skip
    persons = list(sample.persons(data))
    if cohort_filter == "next-120-days":
        persons = [
            p
            for p in persons
            if p.release_date and AS_OF <= p.release_date <= AS_OF + timedelta(120)
        ]
    started = time.perf_counter()
    lean = scarce(engine)
    places = sum(capacity(v, len(persons)) for v in lean.vacancies.items)
    seats = sum(capacity(c, len(persons)) for c in lean.courses.items)
    beds = sum(capacity(s, len(persons)) for s in lean.shelters.items)
    result = allocate(lean, persons)
    seconds = time.perf_counter() - started
    print(
        f"\n{label}: {len(persons):,} persons; {places:,} quota slots + {seats:,} seats + {beds:,} beds = {places + seats + beds:,}; {seconds:.1f} s in all"
    )
    print(
        f"{'kind':<8} {'assigned':>9} {'nothing':>8} {'expected':>10} {'greedy':>10} {'ratio':>6} {'violations':>10}  guard (worst group share / best)"
    )
    for kind, f in result.summary["kinds"].items():  # type: ignore[attr-defined]
        guard = f["guard"]
        print(
            f"{kind:<8} {f['assigned']:>9,} {f['nothing_share']:>8.1%} {f['expected_total']:>10.1f} {f['greedy_expected_total']:>10.1f}"
            f" {f['ratio_to_greedy'] or 0:>6.3f} {f['capacity_violations']:>10}  {guard['worst_group']} {guard['worst_share']:.2f} / {guard['best_share']:.2f}, rounds {guard['rounds']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--vacancies", type=int, default=40_000)
    parser.add_argument("--courses", type=int, default=1_500)
    args = parser.parse_args()
    run("demo data, released in the next 120 days", DemoSpec(seed=0, as_of=AS_OF), "next-120-days")
    run(
        "generated cohort",
        DemoSpec(
            seed=2,
            as_of=AS_OF,
            vacancies=args.vacancies,
            courses=args.courses,
            persons=args.persons,
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
