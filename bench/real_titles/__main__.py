"""Benchmark: how well real vacancy titles that no one here wrote are read.

    python -m bench.real_titles [--half held_out|held_out_2|held_out_3|held_out_4|tuning|tuning_2]
                                [--reader new|old] [--shared PATH]
                                [--wrong N]

Reads the labels of ``bench/real_titles/labels_<half>.csv`` (rows with ``in_set = 1``; see
``README.md`` beside it), takes each title's text by id from
``../shared/data/real-titles-eval/`` (evaluation only: the texts never enter the repository),
reads them all in one batch and prints, overall and for blue- and white-collar titles:

- top-1: the first code is the label or one of its acceptable alternates (an abstention's
  first suggestion counts too: this is what the reader would propose);
- top-3: the label or an alternate is among the first three codes;
- recognised: the share of codable titles the reader is sure of;
- confident wrong: of the answers given as recognised, the share whose first code is wrong;
- and, for titles labelled vague, the share the reader abstained on.

``--reader old`` measures the RapidFuzz matcher that came before (``OccupationMatcher``; an
answer is "recognised" at confidence 0.8, the engine's cutoff then), for before/after figures.
The tuning half may be looked at and learned from; the held-out half is only measured.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_SHARED = Path(__file__).parents[2].parent / "shared"
COLLARS = ("blue", "white")


@dataclass(frozen=True, slots=True)
class Labelled:
    position: int
    source: str
    id: str
    isco: str
    acceptable: frozenset[str]
    collar: str
    text: str


@dataclass(frozen=True, slots=True)
class Answer:
    recognised: bool
    codes: tuple[str, ...]


def load(half: str, shared: Path) -> list[Labelled]:
    texts: dict[tuple[str, str], str] = {}
    folder = shared / "data" / "real-titles-eval"
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            texts.update(((path.stem, row["id"]), row["title"]) for row in csv.DictReader(f))
    out = []
    with (HERE / f"labels_{half}.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["in_set"].strip() != "1":
                continue
            alternates = {code for code in row["alternates"].split(";") if code.strip()}
            isco = row["isco"].strip()
            out.append(
                Labelled(
                    position=int(row["position"]),
                    source=row["source"],
                    id=row["id"],
                    isco=isco,
                    acceptable=frozenset({isco, *alternates} - {""}),
                    collar=row["collar"].strip(),
                    text=texts[(row["source"], row["id"])],
                )
            )
    return out


def new_reader() -> Callable[[Sequence[str]], list[Answer]]:
    from matcher.reader import title_reader

    reader = title_reader()

    def read(texts: Sequence[str]) -> list[Answer]:
        return [
            Answer(r.recognised, tuple(c.code for c in r.codes))
            for r in reader.read_many(texts, lang="ru")
        ]

    return read


def old_reader() -> Callable[[Sequence[str]], list[Answer]]:
    from catalogs.reference.occupations import occupations
    from matcher.text import OccupationMatcher

    registry = occupations()
    matcher = OccupationMatcher(registry.labels(), exact=registry.lookup, normalized=True)

    def read(texts: Sequence[str]) -> list[Answer]:
        return [
            Answer(bool(found) and found[0].confidence >= 0.8, tuple(m.code for m in found))
            for found in matcher.match_many(texts, limit=3, cutoff=0.0)
        ]

    return read


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def report(rows: list[Labelled], answers: list[Answer], *, wrong: int) -> None:
    groups = {"all": [i for i, r in enumerate(rows) if r.collar in COLLARS]}
    for collar in COLLARS:
        groups[collar] = [i for i, r in enumerate(rows) if r.collar == collar]
    print(f"{'':8} {'titles':>6}  {'top-1':>16}  {'top-3':>16}  {'recognised':>16}  "
          f"{'confident wrong':>16}")  # fmt: skip
    for name, members in groups.items():
        top1 = sum(1 for i in members if answers[i].codes[:1] and
                   answers[i].codes[0] in rows[i].acceptable)  # fmt: skip
        top3 = sum(1 for i in members if set(answers[i].codes[:3]) & rows[i].acceptable)
        sure = [i for i in members if answers[i].recognised]
        sure_wrong = sum(1 for i in sure if answers[i].codes[0] not in rows[i].acceptable)
        print(f"{name:8} {len(members):>6}  {share(top1, len(members)):>16}  "
              f"{share(top3, len(members)):>16}  {share(len(sure), len(members)):>16}  "
              f"{share(sure_wrong, len(sure)):>16}")  # fmt: skip
    vague = [i for i, r in enumerate(rows) if r.collar == "vague"]
    abstained = sum(1 for i in vague if not answers[i].recognised)
    print(f"vague titles abstained on: {share(abstained, len(vague))}")
    if wrong:
        print(f"\nconfident and wrong (first {wrong}): position, label, answer")
        shown = 0
        for row, answer in zip(rows, answers, strict=True):
            if (
                row.collar in COLLARS
                and answer.recognised
                and answer.codes[0] not in row.acceptable
            ):
                print(f"  {row.position:>5}  {'/'.join(sorted(row.acceptable)):>14}  "
                      f"{' '.join(answer.codes)}")  # fmt: skip
                shown += 1
                if shown >= wrong:
                    break


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--half",
        choices=(
            "held_out",
            "held_out_2",
            "held_out_3",
            "held_out_4",
            "held_out_5",
            "tuning",
            "tuning_2",
        ),
        default="held_out",
    )
    parser.add_argument("--reader", choices=("new", "old"), default="new")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--wrong", type=int, default=0, help="list N confident wrong answers "
                        "by position (no title text is printed)")  # fmt: skip
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "real-titles-eval").is_dir():
        sys.exit(f"real titles not found under {args.shared}/data/real-titles-eval")
    rows = load(args.half, args.shared)
    read = new_reader() if args.reader == "new" else old_reader()
    started = time.perf_counter()
    answers = read([row.text for row in rows])
    elapsed = time.perf_counter() - started
    print(f"{args.half} half, {args.reader} reader: {len(rows)} titles read in {elapsed:.2f} s")
    report(rows, answers, wrong=args.wrong)


if __name__ == "__main__":
    main()
