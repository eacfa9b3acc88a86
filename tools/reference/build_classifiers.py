"""Build the shipped official classifiers (KODP-2020, NKZ) and the NKZ -> ISCO-08 crosswalk.

Usage (from the repository root)::

    python tools/reference/build_classifiers.py [DATA] [--out DIR] [--check]

DATA is the folder holding ``uz-kodp2020/`` and ``kz-nkz2017/``; it defaults to
``../shared/data``. The script writes ``kodp_titles.csv``, ``nkz_occupations.csv`` and
``nkz4_isco08.csv`` into ``catalogs/reference/data`` (or ``--out``). With ``--check`` it writes
nothing and exits with status 1 when the shipped files differ from what it would write.

Inputs (sources and licences in ``ATTRIBUTION-classifiers.md``):

- ``uz-kodp2020/kodp2020_occupations.csv``: Uzbekistan's KODP-2020, Russian occupation titles
  each under its ISCO-08 unit group;
- ``kz-nkz2017/nkz_kz_esutd_slim.csv``: Kazakhstan's NKZ (NK RK 01-2017), occupations
  ``XXXX-X-XXX`` and unit groups ``XXXX`` with Russian and Kazakh names in upper case;
- ``nkz4_isco08_review.csv`` next to this script, hand-written: for every NKZ unit group the
  ISCO-08 unit groups its occupations belong to (best first), the kind of decision and why.

An NKZ occupation takes the ISCO-08 unit group of its Russian title when KODP-2020 holds that
title (after ``title_key``) under exactly one unit group (``isco_source`` ``title``), otherwise
the first code of its unit group's reviewed row (``crosswalk``).

The build fails (exit status 2) on any inconsistency: a code that is not in
``occupations.csv``, an NKZ unit group with occupations but no reviewed row (or a reviewed row
for a group without occupations), an unknown decision, a malformed NKZ code.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from build_occupations import check_outputs, write_outputs  # the sibling script, run beside it

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_DATA = Path("../shared/data")
DEFAULT_OUT = REPO / "catalogs" / "reference" / "data"
KODP_FILE = Path("uz-kodp2020") / "kodp2020_occupations.csv"
NKZ_FILE = Path("kz-nkz2017") / "nkz_kz_esutd_slim.csv"
REVIEW_FILE = HERE / "nkz4_isco08_review.csv"
ISCO_FILE = DEFAULT_OUT / "occupations.csv"

NKZ_CODE = re.compile(r"^\d{4}-\d-\d{3}$")
ISCO_CODE = re.compile(r"^\d{4}$")
DECISIONS = ("votes", "same_meaning", "reviewed", "split")

# KODP-2020 keeps ISCO-08's 2120; the project's registry splits it as the Russian OKZ does.
KODP_2120 = ("2122", ("статист", "демограф"), "2121")

# Abbreviations kept in capitals when the upper-case sources are put in normal case. Latin
# words (IT, category letters, Roman numerals) always stay as they are.
ABBREVIATIONS_RU = frozenset(
    {"АЗС", "ВИЧ", "ЖД", "ЖКХ", "ИКТ", "ИТ", "КИП", "ПТО", "СПИД", "ТВЧ", "ЧПУ", "ЭВМ"}
)
ABBREVIATIONS_KK = frozenset({"АКТ", "АҚТБ", "ЖЖТ", "ЖҚС", "ККЖ", "ЭЕМ"})
LATIN_WORDS = frozenset({"CALL", "WEB"})  # ordinary words, written in lower case
# The Kazakh names often spell the letter І with a Latin I inside a Cyrillic word (МАШИНИСI).
LATIN_I = re.compile(r"(?<=[А-ЯЁӘҒҚҢӨҰҮҺІ])I|I(?=[А-ЯЁӘҒҚҢӨҰҮҺІ])")
PROPER_NAMES = (
    (re.compile(r"\bказахстан\b"), "Казахстан"),
    (re.compile(r"\bреспублик(?=\w* Казахстан\b)"), "Республик"),
    (re.compile(r"\bқазақстан\b"), "Қазақстан"),
    (re.compile(r"(?<=Қазақстан )республикас"), "Республикас"),
)
WORD = re.compile(r"[A-Za-zА-ЯЁа-яёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")

KODP_COLUMNS = ("isco08", "title_ru")
NKZ_COLUMNS = ("nkz", "isco08", "title_ru", "title_kk", "isco_source")
CROSSWALK_COLUMNS = ("nkz4", "nkz_title_ru", "nkz_title_kk", "isco08", "decision", "reason")


class BuildError(Exception):
    """The inputs are inconsistent; the message lists every problem found."""


@dataclass(frozen=True)
class Review:
    nkz4: str
    isco08: tuple[str, ...]
    decision: str
    reason: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clean(text: str) -> str:
    return " ".join(text.replace("_x000D_", " ").split())


def title_key(text: str) -> str:
    """The key two Russian titles are matched on: case, ё, punctuation and spacing folded."""
    text = text.casefold().replace("ё", "е")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def normal_case(text: str, lang: str) -> str:
    """An upper-case title in sentence case, abbreviations and proper names kept."""
    keep = ABBREVIATIONS_KK | ABBREVIATIONS_RU if lang == "kk" else ABBREVIATIONS_RU
    text = _clean(text)
    if lang == "kk":
        text = LATIN_I.sub("І", text)

    def word(match: re.Match[str]) -> str:
        token = match.group()
        if token in LATIN_WORDS:
            return token.lower()
        if token in keep or token.isascii():
            return token
        before = match.string[match.start() - 1 : match.start()]
        after = match.string[match.end() : match.end() + 1]
        if len(token) == 1 and (before == "«" or after == "-"):
            return token  # a letter named in quotes or a grade: корпус «А», категория С-R-4
        return token.lower()

    out = WORD.sub(word, text)
    for pattern, proper in PROPER_NAMES:
        out = pattern.sub(proper, out)
    for index, char in enumerate(out):
        if char.isalpha():
            return out[:index] + char.upper() + out[index + 1 :]
    return out


def isco_registry() -> set[str]:
    return {row["code"] for row in _read(ISCO_FILE)}


def load_kodp(data: Path, isco: set[str], problems: list[str]) -> list[tuple[str, str]]:
    """(isco08, title_ru) without repeats, in code and title order."""
    pairs: set[tuple[str, str]] = set()
    for row in _read(data / KODP_FILE):
        if row["level"] != "occupation":
            continue
        title = _clean(row["name_ru"])
        if not title or title == "#REF!":
            continue
        code = row["isco08"]
        if code == "2120":
            split, words, fallback = KODP_2120
            code = split if any(w in title.casefold() for w in words) else fallback
        if code not in isco:
            problems.append(f"kodp: {row['code']} {title!r}: ISCO-08 {code} not in the registry")
            continue
        pairs.add((code, title))
    return sorted(pairs)


def load_nkz(
    data: Path, problems: list[str]
) -> tuple[list[dict[str, str]], dict[str, dict[str, str]]]:
    """The occupations in code order and the unit groups by code."""
    occupations: list[dict[str, str]] = []
    groups: dict[str, dict[str, str]] = {}
    for row in _read(data / NKZ_FILE):
        if row["level"] == "occupation":
            if not NKZ_CODE.match(row["code"]) or row["code"][:4] != row["nkz4"]:
                problems.append(f"nkz: malformed occupation code {row['code']!r}")
            occupations.append(row)
        elif row["level"] == "unit_group":
            groups[row["code"]] = row
    occupations.sort(key=lambda r: r["code"])
    if len({r["code"] for r in occupations}) != len(occupations):
        problems.append("nkz: repeated occupation codes")
    return occupations, groups


def load_review(isco: set[str], problems: list[str]) -> dict[str, Review]:
    reviews: dict[str, Review] = {}
    for row in _read(REVIEW_FILE):
        nkz4 = row["nkz4"].strip()
        codes = tuple(c.strip() for c in row["isco08"].split(";") if c.strip())
        decision, reason = row["decision"].strip(), _clean(row["reason"])
        if nkz4 in reviews:
            problems.append(f"review: {nkz4} repeated")
        if not codes:
            problems.append(f"review: {nkz4} has no ISCO-08 code")
        for code in codes:
            if not ISCO_CODE.match(code) or code not in isco:
                problems.append(f"review: {nkz4}: ISCO-08 {code!r} not in the registry")
        if len(set(codes)) != len(codes):
            problems.append(f"review: {nkz4}: repeated ISCO-08 code")
        if decision not in DECISIONS:
            problems.append(f"review: {nkz4}: unknown decision {decision!r}")
        if not reason:
            problems.append(f"review: {nkz4}: no reason")
        if decision == "same_meaning" and codes[:1] != (nkz4,):
            problems.append(f"review: {nkz4}: same_meaning must map to the same code")
        reviews[nkz4] = Review(nkz4, codes, decision, reason)
    return reviews


def _write(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def build(data: Path) -> dict[str, str]:
    """The text of each shipped file, by file name."""
    problems: list[str] = []
    isco = isco_registry()
    kodp = load_kodp(data, isco, problems)
    occupations, groups = load_nkz(data, problems)
    reviews = load_review(isco, problems)

    used = {r["nkz4"] for r in occupations}
    for nkz4 in sorted(used - set(reviews)):
        problems.append(f"review: NKZ unit group {nkz4} has occupations but no reviewed row")
    for nkz4 in sorted(set(reviews) - used):
        problems.append(f"review: NKZ unit group {nkz4} has no occupations")
    for nkz4 in sorted(used - set(groups)):
        problems.append(f"nkz: unit group {nkz4} has no name")
    if problems:
        raise BuildError("\n".join(problems))

    by_title: dict[str, set[str]] = defaultdict(set)
    for code, title in kodp:
        by_title[title_key(title)].add(code)

    nkz_rows: list[tuple[str, ...]] = []
    for row in occupations:
        matched = by_title.get(title_key(row["name_ru"]), set())
        if len(matched) == 1:
            code, source = next(iter(matched)), "title"
        else:
            code, source = reviews[row["nkz4"]].isco08[0], "crosswalk"
        nkz_rows.append(
            (
                row["code"],
                code,
                normal_case(row["name_ru"], "ru"),
                normal_case(row["name_kz"], "kk"),
                source,
            )
        )

    crosswalk_rows = [
        (
            nkz4,
            normal_case(groups[nkz4]["name_ru"], "ru"),
            normal_case(groups[nkz4]["name_kz"], "kk"),
            ";".join(reviews[nkz4].isco08),
            reviews[nkz4].decision,
            reviews[nkz4].reason,
        )
        for nkz4 in sorted(used)
    ]
    return {
        "kodp_titles.csv": _write(KODP_COLUMNS, kodp),
        "nkz_occupations.csv": _write(NKZ_COLUMNS, nkz_rows),
        "nkz4_isco08.csv": _write(CROSSWALK_COLUMNS, crosswalk_rows),
    }


def _summary(outputs: dict[str, str]) -> str:
    nkz = list(csv.DictReader(io.StringIO(outputs["nkz_occupations.csv"])))
    sources = Counter(r["isco_source"] for r in nkz)
    crosswalk = list(csv.DictReader(io.StringIO(outputs["nkz4_isco08.csv"])))
    decisions = Counter(r["decision"] for r in crosswalk)
    n_kodp = outputs["kodp_titles.csv"].count("\n") - 1
    return (
        f"{n_kodp} KODP-2020 (code, title) pairs; {len(nkz)} NKZ occupations "
        f"({', '.join(f'{n} {s}' for s, n in sorted(sources.items()))}); "
        f"{len(crosswalk)} NKZ unit groups "
        f"({', '.join(f'{decisions[d]} {d}' for d in DECISIONS)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    for path in (args.data / KODP_FILE, args.data / NKZ_FILE):
        if not path.is_file():
            print(f"source not found: {path}", file=sys.stderr)
            return 2
    try:
        outputs = build(args.data)
    except BuildError as error:
        print(f"build failed:\n{error}", file=sys.stderr)
        return 2
    if args.check:
        return check_outputs(outputs, args.out)
    write_outputs(outputs, args.out)
    print(f"wrote {_summary(outputs)} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
