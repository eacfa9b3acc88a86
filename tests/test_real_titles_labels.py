"""The labels of real vacancy titles (``bench/real_titles/labels_*.csv``) keep the rules of
``bench/real_titles/README.md``: their columns, ISCO-08 unit groups of the catalogue, collars that
match the major group, a walk of the right half of ``order.csv`` filled by the README's counters,
and no title text (the titles are for evaluation only and never enter the repository)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
HERE = ROOT / "bench" / "real_titles"
COLUMNS = ["position", "source", "id", "isco", "alternates", "collar", "in_set"]
SOURCES = {"hhkz_astana_2026", "hhru_norinmax_2026"}
LIMITS = {"blue": 130, "white": 100, "vague": 20}
# The catalogue's national additions: only alternates, and only to these unit groups.
NATIONAL = {"2357": "2359", "2358": "3422"}
# Each half's draws, in the order they walk it: a draw starts where the one before it stopped.
DRAWS = {
    "tuning": ["labels_tuning.csv", "labels_tuning_2.csv"],
    "held_out": [
        "labels_held_out.csv",
        "labels_held_out_2.csv",
        "labels_held_out_3.csv",
        "labels_held_out_4.csv",
        "labels_held_out_5.csv",
    ],
}
PATTERNS = {
    "position": r"[1-9][0-9]*",
    "id": r"[0-9]+",
    "isco": r"([0-9]{4})?",
    "alternates": r"([0-9]{4}(;[0-9]{4})*)?",
    "collar": r"blue|white|vague",
    "in_set": r"[01]",
}

Row = dict[str, str]
Order = dict[int, tuple[str, str, str]]


def read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def occupation_codes() -> set[str]:
    _, rows = read(ROOT / "catalogs" / "reference" / "data" / "occupations.csv")
    return {row["code"] for row in rows}


def order() -> Order:
    _, rows = read(HERE / "order.csv")
    return {int(row["position"]): (row["source"], row["id"], row["half"]) for row in rows}


def draw_of(name: str) -> tuple[str, list[str]]:
    """The half a labels file walks and the draws of that half before it."""
    for half, names in DRAWS.items():
        if name in names:
            return half, names[: names.index(name)]
    raise AssertionError(f"{name} is not a draw of bench/real_titles/README.md")


def row_problems(row: Row, codes: set[str]) -> list[str]:
    """What is wrong with one row on its own: its cells, codes and collar."""
    where = f"position {row['position']}"
    bad = [c for c, p in PATTERNS.items() if not re.fullmatch(p, row[c])]
    if row["source"] not in SOURCES:
        bad.append("source")
    if bad:  # a cell that is not a number, a code or a known word may be a title: stop here
        return [f"{where}: cells {bad} do not have their form"]
    isco, collar = row["isco"], row["collar"]
    alternates = [code for code in row["alternates"].split(";") if code]
    out = []
    if collar == "vague" and (isco or alternates):
        out.append(f"{where}: a vague title has no code")
    if not isco and alternates:
        out.append(f"{where}: alternates without a code")
    if not isco and collar != "vague" and row["in_set"] == "1":
        out.append(f"{where}: a {collar}-collar title in the set has no code")
    for code in filter(None, [isco, *alternates]):
        if code not in codes:
            out.append(f"{where}: {code} is not a unit group of occupations.csv")
    if isco in NATIONAL:
        out.append(f"{where}: {isco} is a national addition, only ever an alternate")
    for code in alternates:
        if code in NATIONAL and isco != NATIONAL[code]:
            out.append(f"{where}: {code} is an alternate only to {NATIONAL[code]}")
    if isco in alternates or len(set(alternates)) != len(alternates):
        out.append(f"{where}: alternates repeat a code")
    if isco and collar != ("white" if isco[0] in "1234" else "blue"):
        out.append(f"{where}: {isco} is not {collar}-collar")
    return out


def walk_problems(rows: list[Row], order: Order, half: str, start: int) -> list[str]:
    """What is wrong with the walk: every title of the half from ``start`` on, in position order,
    in the set by the README's counters, until 130 blue and 100 white are in."""
    out = []
    expected = sorted(p for p, (_, _, h) in order.items() if h == half and p >= start)
    positions = [int(row["position"]) for row in rows]
    if positions != expected[: len(positions)]:
        out.append(f"the walk is not the {half} half from position {start} in order, each once")
    counted = dict.fromkeys(LIMITS, 0)
    for row in rows:
        if counted["blue"] == LIMITS["blue"] and counted["white"] == LIMITS["white"]:
            out.append(f"position {row['position']}: the walk went on after the set was full")
            break
        position, collar = int(row["position"]), row["collar"]
        if order.get(position, ("", "", ""))[:2] != (row["source"], row["id"]):
            out.append(f"position {position}: not the title order.csv puts there")
        in_set = counted[collar] < LIMITS[collar]
        counted[collar] += in_set
        if row["in_set"] != str(int(in_set)):
            out.append(f"position {position}: in_set should be {int(in_set)}")
    if counted["blue"] != LIMITS["blue"] or counted["white"] != LIMITS["white"]:
        out.append(f"the set is not complete: {counted}")
    return out


def problems(name: str, rows: list[Row], codes: set[str], order: Order) -> list[str]:
    half, before = draw_of(name)
    start = 1
    for earlier in before:
        _, earlier_rows = read(HERE / earlier)
        start = int(earlier_rows[-1]["position"]) + 1
    out = [p for row in rows for p in row_problems(row, codes)]
    return out or walk_problems(rows, order, half, start)


@pytest.fixture(scope="module")
def codes() -> set[str]:
    return occupation_codes()


@pytest.fixture(scope="module")
def walk_order() -> Order:
    return order()


def test_every_labels_file_is_a_draw() -> None:
    on_disk = sorted(path.name for path in HERE.glob("labels_*.csv"))
    assert on_disk == sorted(name for names in DRAWS.values() for name in names)


@pytest.mark.parametrize("name", [name for names in DRAWS.values() for name in names])
def test_labels_keep_the_rules(name: str, codes: set[str], walk_order: Order) -> None:
    columns, rows = read(HERE / name)
    assert columns == COLUMNS
    assert problems(name, rows, codes, walk_order) == []


def test_held_out_draws_do_not_overlap() -> None:
    seen: set[tuple[str, str]] = set()
    for name in DRAWS["held_out"]:
        _, rows = read(HERE / name)
        ids = {(row["source"], row["id"]) for row in rows}
        assert not ids & seen, name
        seen |= ids


def shared_titles() -> set[str]:
    """The titles of ``../shared`` with at least three letters in a row (not bare numbers)."""
    folder = ROOT.parent / "shared" / "data" / "real-titles-eval"
    if not folder.is_dir():
        pytest.skip("the titles are kept outside the repository, in ../shared")
    titles: set[str] = set()
    for path in folder.glob("*.csv"):
        _, rows = read(path)
        titles |= {row["title"] for row in rows if re.search(r"[^\W\d_]{3}", row["title"])}
    return titles


def test_no_title_of_the_shared_folder_is_in_the_labels() -> None:
    titles = shared_titles()
    for name in [name for names in DRAWS.values() for name in names]:
        text = HERE.joinpath(name).read_text(encoding="utf-8")
        assert not [title for title in titles if title in text], name
    spoiled = HERE.joinpath("labels_held_out_2.csv").read_text(encoding="utf-8") + min(titles)
    assert [title for title in titles if title in spoiled]


def _collar(row: Row) -> None:
    row["collar"] = "white" if row["collar"] == "blue" else "blue"


def _title(row: Row) -> None:
    row["isco"] = "a waiter"


def _unknown(row: Row) -> None:
    row["isco"] = "5999"


def _alternate(row: Row) -> None:
    row["alternates"] = "2357"


def _in_set(row: Row) -> None:
    row["in_set"] = "0"


def _tuning(row: Row) -> None:
    row["position"], row["source"], row["id"] = "1", "hhru_norinmax_2026", "133220375"


@pytest.mark.parametrize(
    "spoil", [_collar, _title, _unknown, _alternate, _in_set, _tuning], ids=lambda f: f.__name__
)
def test_a_spoiled_row_is_found(
    spoil: Callable[[Row], None], codes: set[str], walk_order: Order
) -> None:
    _, rows = read(HERE / "labels_held_out_2.csv")
    spoiled = next(i for i, row in enumerate(rows) if row["collar"] == "blue")
    spoil(rows[spoiled])
    assert problems("labels_held_out_2.csv", rows, codes, walk_order)


def test_a_missing_or_extra_title_is_found(codes: set[str], walk_order: Order) -> None:
    _, rows = read(HERE / "labels_held_out_2.csv")
    assert problems("labels_held_out_2.csv", rows[:10] + rows[11:], codes, walk_order)
    assert problems("labels_held_out_2.csv", rows[:-1], codes, walk_order)
    extra = dict(rows[-1], position=str(int(rows[-1]["position"]) + 1))
    assert problems("labels_held_out_2.csv", [*rows, extra], codes, walk_order)
