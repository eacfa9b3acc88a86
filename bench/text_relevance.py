"""Benchmark: how well free-text professions are read as ISCO-08 occupation codes.

    /tmp/venv/bin/python -m bench.text_relevance [--worst 15] [--file PATH]

Loads the hand-graded relevance set ``bench/relevance/occupations.csv`` (see
``bench/relevance/README.md``), runs ``occupation_matcher().match_many(queries, limit=10,
cutoff=0.0)`` once for the whole batch and prints:

- NDCG@10 with graded gains ``2**grade - 1``, the usual ``1 / log2(rank + 1)`` discount and the
  ideal DCG taken from the graded list of the query;
- the same NDCG@10 counting grade-3 codes only (how much of the loss is neighbours missing);
- MRR of the first grade-3 code (0 when none is in the top 10);
- top-1 accuracy (the first result has grade 3);
- recall@10 of the grade-3 codes (averaged over queries);
- NDCG@10 by language, by how the query was written (``kind``), typo / no typo, and whether the
  normalised query is already a title or synonym of the reference (exact lookup);
- the worst queries (lowest NDCG@10) with what the matcher returned.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.text import OccupationMatch

RELEVANCE_FILE = Path(__file__).with_name("relevance") / "occupations.csv"
K = 10
GRADES = (1, 2, 3)
KINDS = ("exact", "variant", "typo", "layout", "latin")
LANGS = ("ru", "kk", "en")


@dataclass(frozen=True, slots=True)
class Query:
    """One line of the relevance set: the text, its language, how it was written, the grades."""

    text: str
    lang: str
    kind: str
    relevant: dict[str, int]


def parse_relevant(field: str) -> dict[str, int]:
    """``"7212:3;7214:1"`` → ``{"7212": 3, "7214": 1}``. A code listed twice is an error."""
    out: dict[str, int] = {}
    for item in field.split(";"):
        item = item.strip()
        if not item:
            continue
        code, sep, grade = item.partition(":")
        if not sep:
            raise ValueError(f"relevance item without a grade: {item!r}")
        code = code.strip()
        if code in out:
            raise ValueError(f"code {code} listed twice in {field!r}")
        out[code] = int(grade)
    return out


def load_set(path: Path = RELEVANCE_FILE) -> list[Query]:
    """The relevance set, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Query(
                text=row["query"],
                lang=row["lang"].strip(),
                kind=(row.get("kind") or "").strip(),
                relevant=parse_relevant(row["relevant"]),
            )
            for row in csv.DictReader(handle)
        ]


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: ``sum(gain_i / log2(i + 1))`` for ranks i = 1, 2, ..."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """NDCG@k of a ranked list of codes against graded relevance (gain ``2**grade - 1``).

    A code that appears again further down the list gains nothing the second time. The ideal
    ranking puts every graded code in decreasing grade order. No graded code → 0.0.
    """
    seen: set[str] = set()
    gains: list[float] = []
    for code in ranked[:k]:
        gains.append(0.0 if code in seen else float(2 ** relevant.get(code, 0) - 1))
        seen.add(code)
    ideal = dcg(sorted((float(2**grade - 1) for grade in relevant.values()), reverse=True)[:k])
    return dcg(gains) / ideal if ideal > 0 else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """1 / rank of the first grade-3 code in the top k, 0.0 when there is none."""
    for rank, code in enumerate(ranked[:k], start=1):
        if relevant.get(code) == 3:
            return 1.0 / rank
    return 0.0


def recall_exact(ranked: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """Share of the grade-3 codes found in the top k."""
    wanted = {code for code, grade in relevant.items() if grade == 3}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    query: Query
    ranked: list[str]
    shown: list[str]
    in_vocabulary: bool
    ndcg: float
    ndcg_exact: float
    rr: float
    top1: bool
    recall: float


def score(queries: Sequence[Query], results: Sequence[Sequence[OccupationMatch]]) -> list[Scored]:
    """Every metric for every query; ``results`` are ``OccupationMatch`` lists, in order."""
    from catalogs.reference.occupations import occupations

    registry = occupations()
    out: list[Scored] = []
    for query, found in zip(queries, results, strict=True):
        ranked = [match.code for match in found]
        shown = [
            f"{match.code}({query.relevant.get(match.code, 0)}) {match.confidence:.2f}"
            f" «{match.label}»"
            for match in found[:3]
        ]
        out.append(
            Scored(
                query=query,
                ranked=ranked,
                shown=shown,
                in_vocabulary=registry.lookup(query.text) is not None,
                ndcg=ndcg_at_k(ranked, query.relevant),
                ndcg_exact=ndcg_at_k(ranked, {c: g for c, g in query.relevant.items() if g == 3}),
                rr=reciprocal_rank(ranked, query.relevant),
                top1=bool(ranked) and query.relevant.get(ranked[0]) == 3,
                recall=recall_exact(ranked, query.relevant),
            )
        )
    return out


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.fmean(values) if values else float("nan")


def _line(label: str, rows: Sequence[Scored]) -> str:
    return (
        f"  {label:<22} n={len(rows):>4}  NDCG@10 {_mean(r.ndcg for r in rows):.3f}"
        f"  MRR {_mean(r.rr for r in rows):.3f}  top-1 {_mean(float(r.top1) for r in rows):.1%}"
    )


def _breakdown(title: str, rows: Sequence[Scored], key: str, order: Sequence[str]) -> None:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for row in rows:
        groups[key_of(row, key)].append(row)
    print(title)
    for name in [*order, *sorted(set(groups) - set(order))]:
        if groups.get(name):
            print(_line(name, groups[name]))


def key_of(row: Scored, key: str) -> str:
    if key == "lang":
        return row.query.lang
    if key == "kind":
        return row.query.kind or "-"
    if key == "typo":
        return "typo" if row.query.kind == "typo" else "no typo"
    if key == "vocabulary":
        return "in vocabulary" if row.in_vocabulary else "not in vocabulary"
    raise KeyError(key)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=RELEVANCE_FILE)
    parser.add_argument("--worst", type=int, default=15)
    args = parser.parse_args(argv)

    queries = load_set(args.file)
    from matcher.text import occupation_matcher

    started = time.perf_counter()
    matcher = occupation_matcher()
    built = time.perf_counter() - started
    started = time.perf_counter()
    results = matcher.match_many([q.text for q in queries], limit=K, cutoff=0.0)
    matched = time.perf_counter() - started
    rows = score(queries, results)

    print(f"relevance set      {args.file}")
    print(f"queries            {len(rows)}")
    print(f"matcher built in   {built:.2f} s; batch matched in {matched:.2f} s")
    print(f"NDCG@10            {_mean(r.ndcg for r in rows):.3f}")
    print(f"  grade-3 only     {_mean(r.ndcg_exact for r in rows):.3f}  (grades 1-2 ignored)")
    print(f"MRR (grade 3)      {_mean(r.rr for r in rows):.3f}")
    print(f"top-1 accuracy     {_mean(float(r.top1) for r in rows):.1%}")
    print(f"recall@10 (gr. 3)  {_mean(r.recall for r in rows):.1%}")
    print(f"no result at all   {sum(1 for r in rows if not r.ranked)}")
    print(f"a single result    {sum(1 for r in rows if len(r.ranked) == 1)} (exact hits)")
    _breakdown("by language:", rows, "lang", LANGS)
    _breakdown("by kind:", rows, "kind", KINDS)
    _breakdown("typo / no typo:", rows, "typo", ("typo", "no typo"))
    _breakdown("reference lookup:", rows, "vocabulary", ("in vocabulary", "not in vocabulary"))

    worst = sorted(rows, key=lambda r: (r.ndcg, r.rr, r.query.text))[: args.worst]
    print(f"worst {len(worst)} queries (code(grade) confidence «label that matched»):")
    for row in worst:
        wanted = ";".join(f"{c}:{g}" for c, g in row.query.relevant.items())
        print(
            f"  {row.ndcg:.3f}  {row.query.text!r} [{row.query.lang}/{row.query.kind}] want {wanted}"
        )
        print(f"         got {' | '.join(row.shown) or '(nothing)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
