"""The order in which real vacancy titles are drawn for labelling, and the half each belongs to.

    python -m bench.real_titles.order [--shared ../shared] > bench/real_titles/order.csv

Reads only the ids of ``../shared/data/real-titles-eval/*.csv`` (the titles themselves are for
evaluation only and never enter the repository), shuffles them with a fixed seed, and assigns
each to ``tuning`` or ``held_out`` by a hash of its source and id, before anyone has read a
title: the split cannot depend on what the titles say. Labellers walk the order of their half
from the top (``bench/real_titles/README.md`` says how the set is filled).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from pathlib import Path

SEED = 20261130
SOURCES = ("hhkz_astana_2026", "hhru_norinmax_2026")


def half(source: str, item_id: str) -> str:
    digest = hashlib.sha256(f"{source}:{item_id}".encode()).digest()
    return "tuning" if digest[0] % 2 == 0 else "held_out"


def ids(shared: Path) -> list[tuple[str, str]]:
    out = []
    for source in SOURCES:
        with (shared / "data" / "real-titles-eval" / f"{source}.csv").open(encoding="utf-8") as f:
            out += [(source, row["id"]) for row in csv.DictReader(f)]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2].parent / "shared")
    args = parser.parse_args(argv)
    items = sorted(ids(args.shared))
    random.Random(SEED).shuffle(items)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["position", "source", "id", "half"])
    for position, (source, item_id) in enumerate(items, 1):
        writer.writerow([position, source, item_id, half(source, item_id)])


if __name__ == "__main__":
    main()
