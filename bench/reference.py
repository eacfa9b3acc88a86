"""Benchmark: loading the reference data and generating demo rows.

    .venv/bin/python -m bench.reference [--runs 5]

Each load runs in a fresh interpreter (the tables are cached per process), so the figure is
what a command pays at start-up. Medians over the runs, with the spread.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time
from datetime import date

LOADS = {
    "places()": "from catalogs.reference.places import places; places()",
    "places() + first resolve": "from catalogs.reference.places import places; places().resolve('Актау')",
    "occupations()": "from catalogs.reference.occupations import occupations; occupations()",
}


def load_seconds(code: str) -> float:
    probe = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    return float(subprocess.check_output([sys.executable, "-c", probe], text=True))


def summary(values: list[float], unit: str = "s") -> str:
    return f"median {statistics.median(values):.3f} {unit} ({min(values):.3f}–{max(values):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for label, code in LOADS.items():
        print(f"{label:<28} {summary([load_seconds(code) for _ in range(args.runs)])}")

    from catalogs.demo import DemoSpec, generate

    rates = []
    for _ in range(args.runs):
        data = generate(DemoSpec(seed=0, as_of=date(2026, 11, 25), vacancies=1_000_000))
        started = time.perf_counter()
        for _row in itertools.islice(data.vacancies(), 200_000):
            pass
        rates.append(200_000 / (time.perf_counter() - started))
    print(
        f"{'demo vacancy rows/s':<28} median {statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"
    )

    from matcher.text import occupation_matcher

    demo = generate(DemoSpec(seed=0, as_of=date(2026, 11, 25)))
    rows = list(demo.vacancies())
    titles = [str(row["title"]) for row in rows]
    matcher = occupation_matcher()
    title_rates = []
    for _ in range(args.runs):
        started = time.perf_counter()
        matched = matcher.match_many(titles)
        title_rates.append(len(titles) / (time.perf_counter() - started))
    share = sum(1 for found in matched if found) / len(titles)
    coded = [
        (row["occupation_code"], found)
        for row, found in zip(rows, matched, strict=True)
        if row["occupation_code"]
    ]
    right = sum(1 for code, found in coded if found and found[0].code == code) / len(coded)
    print(
        f"{'job titles matched/s':<28} median {statistics.median(title_rates):,.0f}"
        f" ({min(title_rates):,.0f}–{max(title_rates):,.0f}); {share:.0%} of {len(titles):,} demo titles matched"
    )
    print(
        f"{'title → code, top-1 right':<28} {right:.1%} of {len(coded):,} demo vacancies that carry a code"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
