"""Build the shipped occupation tables from the OKZ/ISCO-08 source and our hand-written tables.

Usage (from the repository root)::

    python tools/reference/build_occupations.py [SOURCE] [--out DIR] [--check]

SOURCE is the folder holding ``okz_isco08_ru.csv`` (or the file itself); it defaults to
``../shared/data/okz-isco08-ru``. The script writes ``occupations.csv`` and
``occupation_synonyms.csv`` into ``catalogs/reference/data`` (or ``--out``). With ``--check`` it
writes nothing and exits with status 1 when the shipped files differ from what it would write.

Inputs next to this script (all hand-written by the project, see ATTRIBUTION-occupations.md):

- ``okz_fixes.csv``      full Russian titles for truncated source rows and the missing ISCO codes;
- ``isco08_en.csv``      the 436 official ISCO-08 unit group titles in English (ILO);
- ``national_en.csv``    English titles for the Russian national codes that ISCO-08 lacks;
- ``occupations_kk.csv`` Kazakh titles and the ``priority`` flag;
- ``synonyms.csv``       job titles seen in ads and CVs: ``code,lang,synonyms`` with the
                         synonyms of one code and language separated by ``;``.

The build fails (exit status 2) on any inconsistency: an unknown code, a split word left, a
priority code without a Kazakh title or Kazakh synonym, a Kazakh text with letters foreign to
Kazakh Cyrillic, or a surface form (title or synonym) that two codes would claim after
``normalize_occupation``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from catalogs.normalize import fold, normalize_occupation

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_SOURCE = Path("../shared/data/okz-isco08-ru")
DEFAULT_OUT = REPO / "catalogs" / "reference" / "data"
SOURCE_FILE = "okz_isco08_ru.csv"

# Words broken by a line break in the PDF the source was extracted from. Every entry must
# match at least once, so a changed source is noticed.
SPLIT_WORDS: dict[str, str] = {
    "фин ансово": "финансово",
    "информационно -коммуникационн": "информационно-коммуникационн",
    "альте рнативной": "альтернативной",
    "возможн остями": "возможностями",
    "ок ружающей": "окружающей",
    "фитнес -клубов": "фитнес-клубов",
    "стра ховой": "страховой",
    "ме ховой": "меховой",
    "гор нодобывающей": "горнодобывающей",
    "промышлен ности": "промышленности",
}

LANGS = ("ru", "kk", "en")
CODE = re.compile(r"^\d{4}$")
# Kazakh Cyrillic plus digits, Latin (licence categories, "IT"), punctuation and spaces
KAZAKH_TEXT = re.compile(r"^[А-ЯЁа-яёӘәҒғҚқҢңӨөҰұҮүҺһІі0-9A-Za-z \-.,()«»\"/'№]+$")
RUSSIAN_TEXT = re.compile(r"^[А-ЯЁа-яё0-9A-Za-z \-.,()«»\"/'№]+$")

OCCUPATION_COLUMNS = ("code", "title_ru", "title_kk", "title_en", "priority")
SYNONYM_COLUMNS = ("code", "lang", "synonym")


class BuildError(Exception):
    """The inputs are inconsistent; the message lists every problem found."""


@dataclass
class Row:
    code: str
    title_ru: str
    title_kk: str = ""
    title_en: str = ""
    priority: bool = False


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _source_path(source: Path) -> Path:
    return source / SOURCE_FILE if source.is_dir() else source


def load_source(source: Path, problems: list[str]) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    used: set[str] = set()
    for record in _read(_source_path(source)):
        code = record["isco08_unit_code"].strip()
        title = " ".join(record["title_ru_okz_2014"].split())
        for broken, fixed in SPLIT_WORDS.items():
            if broken in title:
                title = title.replace(broken, fixed)
                used.add(broken)
        if not CODE.match(code) or code in rows:
            problems.append(f"source: bad or repeated code {code!r}")
        rows[code] = Row(code, title)
    for broken in sorted(set(SPLIT_WORDS) - used):
        problems.append(f"source: split-word fix {broken!r} matched nothing")
    return rows


def apply_fixes(rows: dict[str, Row], problems: list[str]) -> None:
    for record in _read(HERE / "okz_fixes.csv"):
        code, title, fix = record["code"], record["title_ru"].strip(), record["fix"]
        if fix == "missing":
            if code in rows:
                problems.append(f"okz_fixes: {code} marked missing but present in the source")
            rows[code] = Row(code, title)
        elif code not in rows:
            problems.append(f"okz_fixes: {code} not in the source")
        else:
            rows[code].title_ru = title


def apply_english(rows: dict[str, Row], problems: list[str]) -> None:
    english = {r["code"]: r["title_en"].strip() for r in _read(HERE / "isco08_en.csv")}
    english.update({r["code"]: r["title_en"].strip() for r in _read(HERE / "national_en.csv")})
    for code, row in rows.items():
        row.title_en = english.get(code, "")
        if not row.title_en:
            problems.append(f"{code}: no English title")


def apply_kazakh(rows: dict[str, Row], problems: list[str]) -> None:
    for record in _read(HERE / "occupations_kk.csv"):
        code = record["code"]
        if code not in rows:
            problems.append(f"occupations_kk: unknown code {code}")
            continue
        row = rows[code]
        row.title_kk = record["title_kk"].strip()
        row.priority = record["priority"].strip() == "true"
        if row.title_kk and not KAZAKH_TEXT.match(row.title_kk):
            problems.append(f"{code}: Kazakh title has foreign letters: {row.title_kk!r}")
        if row.priority and not row.title_kk:
            problems.append(f"{code}: priority occupation without a Kazakh title")


def load_synonyms(rows: dict[str, Row], problems: list[str]) -> list[tuple[str, str, str]]:
    """(code, lang, synonym) in file order, exact repeats (after ``fold``) dropped.

    Variants that share a key on purpose ("сварщик", "сварщик 5 разряда") are kept: they
    document the forms seen in ads and the tests check that each of them resolves.
    """
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for record in _read(HERE / "synonyms.csv"):
        code, lang = record["code"], record["lang"]
        if code not in rows:
            problems.append(f"synonyms: unknown code {code}")
            continue
        if lang not in LANGS:
            problems.append(f"synonyms: {code}: unknown language {lang!r}")
            continue
        for synonym in (" ".join(s.split()) for s in record["synonyms"].split(";")):
            if not synonym:
                continue
            key = normalize_occupation(synonym)
            if not key:
                problems.append(f"synonyms: {code}: {synonym!r} normalises to nothing")
                continue
            alphabet = {"kk": KAZAKH_TEXT, "ru": RUSSIAN_TEXT}.get(lang)
            if alphabet is not None and not alphabet.match(synonym):
                problems.append(
                    f"synonyms: {code}: {lang} synonym with foreign letters {synonym!r}"
                )
            if (code, lang, fold(synonym)) in seen:
                continue
            seen.add((code, lang, fold(synonym)))
            out.append((code, lang, synonym))
    return out


def check_consistency(
    rows: dict[str, Row], synonyms: list[tuple[str, str, str]], problems: list[str]
) -> None:
    claims: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for row in rows.values():
        for text in (row.title_ru, row.title_kk, row.title_en):
            if text:
                key = normalize_occupation(text)
                claims[key].add(row.code)
                where.setdefault((key, row.code), text)
        for broken in SPLIT_WORDS:
            if broken in row.title_ru:
                problems.append(f"{row.code}: split word {broken!r} remains")
    for code, _lang, synonym in synonyms:
        key = normalize_occupation(synonym)
        claims[key].add(code)
        where.setdefault((key, code), synonym)
    for key, codes in sorted(claims.items()):
        if len(codes) > 1:
            detail = ", ".join(f"{c} ({where[(key, c)]!r})" for c in sorted(codes))
            problems.append(f"{key!r} is claimed by {detail}")
    by_code: dict[str, set[str]] = defaultdict(set)
    for code, lang, _synonym in synonyms:
        by_code[code].add(lang)
    for row in rows.values():
        if row.priority and "kk" not in by_code[row.code]:
            problems.append(f"{row.code}: priority occupation without a Kazakh synonym")


def build(source: Path) -> tuple[str, str]:
    """The text of occupations.csv and occupation_synonyms.csv."""
    problems: list[str] = []
    rows = load_source(source, problems)
    apply_fixes(rows, problems)
    apply_english(rows, problems)
    apply_kazakh(rows, problems)
    synonyms = load_synonyms(rows, problems)
    check_consistency(rows, synonyms, problems)
    if problems:
        raise BuildError("\n".join(problems))

    occupations = io.StringIO()
    writer = csv.writer(occupations, lineterminator="\n")
    writer.writerow(OCCUPATION_COLUMNS)
    for code in sorted(rows):
        row = rows[code]
        writer.writerow(
            (
                row.code,
                row.title_ru,
                row.title_kk,
                row.title_en,
                "true" if row.priority else "false",
            )
        )

    synonym_text = io.StringIO()
    writer = csv.writer(synonym_text, lineterminator="\n")
    writer.writerow(SYNONYM_COLUMNS)
    order = {lang: i for i, lang in enumerate(LANGS)}
    indexed = sorted(enumerate(synonyms), key=lambda p: (p[1][0], order[p[1][1]], p[0]))
    for _index, (code, lang, synonym) in indexed:
        writer.writerow((code, lang, synonym))
    return occupations.getvalue(), synonym_text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if not _source_path(args.source).is_file():
        print(f"source not found: {_source_path(args.source)}", file=sys.stderr)
        return 2
    try:
        occupations, synonyms = build(args.source)
    except BuildError as error:
        print(f"build failed:\n{error}", file=sys.stderr)
        return 2
    outputs = {"occupations.csv": occupations, "occupation_synonyms.csv": synonyms}
    if args.check:
        return check_outputs(outputs, args.out)
    write_outputs(outputs, args.out)
    n_codes = occupations.count("\n") - 1
    n_priority = occupations.count(",true\n")
    n_synonyms = synonyms.count("\n") - 1
    print(f"wrote {n_codes} codes ({n_priority} priority) and {n_synonyms} synonyms to {args.out}")
    return 0


def check_outputs(outputs: dict[str, str], out: Path) -> int:
    """1 (and each stale file named) when a file in ``out`` differs from what was built."""
    stale = [
        name
        for name, text in outputs.items()
        if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text
    ]
    for name in stale:
        print(f"out of date: {out / name}", file=sys.stderr)
    return 1 if stale else 0


def write_outputs(outputs: dict[str, str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
