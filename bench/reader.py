"""Benchmark: speed and memory of the job-title reader (``matcher.reader``).

    .venv/bin/python -m bench.reader [--runs 200] [--fit]

Prints, for the shipped vocabulary:

- the time to load the reader (from the model cache, ``MATCHER_CACHE`` or ``~/.cache/matcher``)
  and, with ``--fit``, the time to fit it from scratch (no cache read or written);
- batch throughput: titles per second reading the relevance set's queries and their noisy
  variants (grades, seniority words, employers; all distinct, many typos) in one
  ``read_many`` call, lemma caches warm from the vocabulary but no title read before; and the
  same for the demo build's vacancy titles (``catalogs.demo``, seed 0), as the engine reads them;
- single-title latency: the median and the 95th percentile of ``read`` on titles never read
  before in the process, over ``--runs`` runs;
- autocomplete (``TitleReader.search``): the time to build its index on the first call, and
  the median and the slowest of a call over prefixes of common titles in ru, kk and en;
- the resident memory of the process once the reader is loaded (RSS, from /proc: the reader,
  its libraries and the Python this script runs on), and again after reading (the registries
  the titles come from are loaded then; the demo generator adds its own share).

Benchmarks print figures; tests never time things.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

_SEARCHED = (
    "сварщик", "водитель кат c", "менеджер по продажам", "повар", "руководитель", "бухгалтер",
    "жүргізуші", "аспаз", "backend developer", "electrician",
)  # fmt: skip
_KAZAKH = frozenset({"жүргізуші", "аспаз"})
_NOISES = ("{} 5 разряда", "старший {}", "{} в ТОО Береке", "{} (вахта)", "{}, Алматы", "senior {}")


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def titles() -> list[str]:
    from bench.text_relevance import load_set

    queries = [q.text for q in load_set()]
    noisy = [noise.format(q) for q in queries for noise in _NOISES]
    return list(dict.fromkeys(queries + noisy))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--fit", action="store_true", help="also time fitting from scratch")
    args = parser.parse_args()

    from matcher.reader import load_reader
    from matcher.reader.cache import default_cache_dir

    texts = titles()
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    reader = load_reader(cache_dir=default_cache_dir())
    loaded = time.perf_counter() - started
    print(f"reader loaded       {loaded:.2f} s ({'fitted now' if reader.fitted else 'from cache'})")
    print(
        f"RSS                 {rss_mb():.0f} MB (the reader and its libraries: {rss_mb() - before:.0f} MB)"
    )

    reader.read("сварщик")  # the registries the titles come from are loaded once, not timed
    half = len(texts) // 2
    batch, singles = texts[:half], texts[half:]
    started = time.perf_counter()
    reader.read_many(batch)
    seconds = time.perf_counter() - started
    print(
        f"batch               {len(batch)} titles in {seconds:.2f} s: {len(batch) / seconds:,.0f} titles/s"
    )
    print(f"RSS after the batch {rss_mb():.0f} MB")

    from datetime import date

    from catalogs.demo import DemoSpec, generate

    demo = [
        str(row["title"])
        for row in generate(DemoSpec(seed=0, as_of=date(2026, 11, 25))).vacancies()
    ]
    fresh = load_reader(cache_dir=default_cache_dir())
    started = time.perf_counter()
    fresh.read_many(demo)
    seconds = time.perf_counter() - started
    print(
        f"batch (demo)        {len(demo)} vacancy titles ({len(set(demo))} distinct) in "
        f"{seconds:.2f} s: {len(demo) / seconds:,.0f} titles/s"
    )

    latencies = []
    for text in singles[: args.runs]:
        started = time.perf_counter()
        reader.read(text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"single title        median {statistics.median(latencies):.2f} ms, "
        f"p95 {p95:.2f} ms over {len(latencies)} titles"
    )
    print(f"RSS after reading   {rss_mb():.0f} MB (with the demo generator and a second reader)")

    started = time.perf_counter()
    reader.search("сварщик")
    print(f"search index built  {time.perf_counter() - started:.2f} s (first call)")
    took = []
    for word in _SEARCHED:
        for end in range(2, len(word) + 1):
            started = time.perf_counter()
            reader.search(word[:end], lang="kk" if word in _KAZAKH else "ru")
            took.append((time.perf_counter() - started) * 1000)
    took.sort()
    print(
        f"search              median {statistics.median(took):.2f} ms, slowest {took[-1]:.1f} ms "
        f"over {len(took)} prefixes"
    )

    if args.fit:
        started = time.perf_counter()
        load_reader(cache_dir=None)
        print(f"fitting             {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
