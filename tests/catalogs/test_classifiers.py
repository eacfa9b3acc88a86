"""The official classifiers (NKZ, KODP-2020), the reviewed NKZ -> ISCO-08 crosswalk and their loaders."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from catalogs.reference.classifiers import (
    NKZ_CODE,
    NkzOccupation,
    is_nkz,
    nkz_occupations,
    training_titles,
)
from catalogs.reference.occupations import occupations

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
SCRIPT = REPO / "tools" / "reference" / "build_classifiers.py"
REVIEW = REPO / "tools" / "reference" / "nkz4_isco08_review.csv"
DECISIONS = {"votes", "same_meaning", "reviewed", "split"}
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def _shipped(name: str) -> list[dict[str, str]]:
    text = resources.files("catalogs.reference").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _review() -> dict[str, dict[str, str]]:
    with REVIEW.open(encoding="utf-8", newline="") as handle:
        return {row["nkz4"]: row for row in csv.DictReader(handle)}


# --- counts and codes -------------------------------------------------------------------------


def test_every_nkz_occupation_is_shipped_once() -> None:
    registry = nkz_occupations()
    assert len(registry) == 12_194
    assert all(NKZ_CODE.match(item.nkz) for item in registry)
    rows = _shipped("nkz_occupations.csv")
    assert len({row["nkz"] for row in rows}) == len(rows) == 12_194
    sources = Counter(row["isco_source"] for row in rows)
    assert set(sources) == {"title", "crosswalk"}
    assert 5_000 < sources["title"] < 6_500


def test_kodp_titles_are_clean_and_multi_label() -> None:
    rows = _shipped("kodp_titles.csv")
    titles = Counter(row["title_ru"] for row in rows)
    assert 11_300 <= len(titles) <= 11_700  # about 11,500 distinct titles
    assert "#REF!" not in titles
    assert all(t == " ".join(t.split()) and "_x000D_" not in t for t in titles)
    pairs = [(row["isco08"], row["title_ru"]) for row in rows]
    assert len(pairs) == len(set(pairs))
    assert sum(1 for n in titles.values() if n > 1) > 300  # titles under several unit groups


def test_every_isco_code_is_in_the_registry() -> None:
    isco = occupations()
    for row in _shipped("kodp_titles.csv"):
        assert row["isco08"] in isco, row
    for item in nkz_occupations():
        assert item.isco08 in isco, item
    for row in _shipped("nkz4_isco08.csv"):
        for code in row["isco08"].split(";"):
            assert code in isco, row


def test_every_nkz_unit_group_with_occupations_has_a_reviewed_row() -> None:
    review = _review()
    groups = {item.nkz[:4] for item in nkz_occupations()}
    assert groups == set(review)
    assert len(groups) == 438
    for nkz4, row in review.items():
        assert row["decision"] in DECISIONS, nkz4
        assert row["reason"].strip(), nkz4
        codes = row["isco08"].split(";")
        assert len(codes) == len(set(codes)), nkz4
        if row["decision"] == "same_meaning":
            assert codes[0] == nkz4, nkz4
        if row["decision"] == "votes":
            assert re.match(r"^\d+ of \d+ matched titles agree", row["reason"]), nkz4
    shipped = {row["nkz4"]: row for row in _shipped("nkz4_isco08.csv")}
    assert set(shipped) == set(review)
    assert all(shipped[k]["isco08"] == review[k]["isco08"] for k in review)


def test_crosswalk_occupations_take_the_first_reviewed_code() -> None:
    review = _review()
    for row in _shipped("nkz_occupations.csv"):
        if row["isco_source"] == "crosswalk":
            assert row["isco08"] == review[row["nkz"][:4]]["isco08"].split(";")[0], row


# --- known examples, checked by hand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("nkz", "isco08", "title_ru"),
    [
        ("7212-2-005", "7212", "Электрогазосварщик"),  # welders
        ("8332-1-001", "8332", "Водитель автотрейлера"),  # heavy truck drivers
        ("8332-2-005", "8332", "Водитель тягача"),
        ("3121-1-005", "3113", "Электрик участка"),  # NKZ 3121 is not ISCO 3121
        ("3212-0-006", "2240", "Фельдшер"),  # feldshers are paramedical practitioners
        ("7132-1-001", "7131", "Маляр"),  # NKZ 7132 building painters, ISCO 7131
        ("9622-1-005", "5414", "Сторож"),  # watchmen, not odd-job persons
        ("9116-0-001", "9613", "Дворник"),
        ("2361-0-005", "2341", "Учитель начальных классов"),  # NKZ 2361 -> ISCO 2341
        ("2411-1-001", "2411", "Бухгалтер"),
    ],
)
def test_known_occupations(nkz: str, isco08: str, title_ru: str) -> None:
    item = nkz_occupations().get(nkz)
    assert item is not None
    assert item.isco08 == isco08
    assert item.title_ru == title_ru
    assert nkz_occupations().isco_of(nkz) == isco08


def test_codes_that_mean_something_else_in_isco_are_remapped() -> None:
    registry = nkz_occupations()
    # NKZ 3121 electrical technicians vs ISCO 3121 mining supervisors
    assert all(o.isco08 != "3121" for o in registry if o.nkz.startswith("3121-"))
    # NKZ 7311 musical-instrument makers vs ISCO 7311 precision-instrument makers
    assert Counter(o.isco08 for o in registry if o.nkz.startswith("7311-"))["7312"] >= 40
    # NKZ 2341/2342 college teachers vs ISCO 2341 primary / 2342 early childhood teachers
    review = _review()
    assert review["2341"]["isco08"] == review["2342"]["isco08"] == "2320"
    assert review["3121"]["isco08"] == "3113"


# --- titles -----------------------------------------------------------------------------------


def test_titles_are_in_normal_case() -> None:
    for item in nkz_occupations():
        for title in (item.title_ru, item.title_kk):
            assert title != title.upper() or len(title) <= 5, item
            assert title[0] == title[0].upper(), item
    groups = {row["nkz4"]: row for row in _shipped("nkz4_isco08.csv")}
    assert groups["1121"]["nkz_title_ru"].endswith("корпуса «А»")


def test_abbreviations_stay_in_capitals() -> None:
    titles = " ".join(o.title_ru for o in nkz_occupations())
    for abbreviation in ("ЭВМ", "ИКТ", "IT", "HR"):
        assert re.search(rf"\b{abbreviation}\b", titles), abbreviation
    assert "Республики Казахстан" in titles


def test_kazakh_titles_keep_kazakh_letters() -> None:
    with_letters = [o for o in nkz_occupations() if KAZAKH_LETTERS.search(o.title_kk)]
    assert len(with_letters) > 10_500  # the source has 10,617
    item = nkz_occupations().get("9116-0-001")
    assert item is not None
    assert item.title_kk == "Аула сыпырушы"
    # the source writes І with a Latin I inside Cyrillic words (МАШИНИСI)
    assert not any(
        re.search(r"[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі][Ii]", o.title_kk) for o in nkz_occupations()
    )


def test_title_falls_back_to_russian() -> None:
    item = NkzOccupation(nkz="7212-2-005", isco08="7212", title_ru="Сварщик", title_kk="")
    assert item.title("kk") == "Сварщик"
    assert item.title("en") == "Сварщик"
    shipped = nkz_occupations().get("7212-2-005")
    assert shipped is not None
    assert shipped.title("kk") == "Электр газбен пісіруші"
    assert shipped.title("ru") == shipped.title("en") == "Электрогазосварщик"


# --- registry API -----------------------------------------------------------------------------


def test_registry_lookups() -> None:
    registry = nkz_occupations()
    assert registry is nkz_occupations()  # cached
    assert "7212-2-005" in registry
    assert " 7212-2-005 " in registry
    assert "7212" not in registry
    assert 7212 not in registry
    assert registry.get("9999-9-999") is None
    assert registry.isco_of("9999-9-999") is None
    welders = registry.under("7212")
    assert any(o.nkz == "7212-2-005" for o in welders)
    assert all(o.isco08 == "7212" for o in welders)
    assert [o.nkz for o in welders] == sorted(o.nkz for o in welders)
    assert registry.under("0000") == []
    assert len(list(registry)) == len(registry)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7212-2-005", True),
        (" 7212-2-005\n", True),
        ("7212", False),
        ("7212-2-05", False),
        ("7212-22-005", False),
        ("сварщик", False),
        ("", False),
    ],
)
def test_is_nkz(text: str, expected: bool) -> None:
    assert is_nkz(text) is expected


# --- training titles --------------------------------------------------------------------------


def test_training_titles() -> None:
    rows = training_titles()
    assert rows is not training_titles()  # a fresh list each time
    isco = occupations()
    keys = [(code, lang, title.casefold()) for code, lang, title, _source in rows]
    assert len(keys) == len(set(keys))
    by_kind = Counter((lang, source) for _code, lang, _title, source in rows)
    assert set(by_kind) == {("ru", "kodp"), ("ru", "nkz"), ("kk", "nkz")}
    assert by_kind[("ru", "kodp")] == len(_shipped("kodp_titles.csv"))
    assert by_kind[("kk", "nkz")] > 11_000
    assert all(code in isco and title for code, _lang, title, _source in rows)
    assert ("7212", "kk", "Электр газбен пісіруші", "nkz") in rows
    assert ("8332", "ru", "Водитель тягача", "nkz") in rows
    # an occupation of a split group with no title match is there under the group's fallback
    assert ("3257", "ru", "Инспектор по пожару и технике безопасности", "nkz") in rows


# --- the build --------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared source data (../shared/data) not available")
def test_build_check_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(SHARED), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
