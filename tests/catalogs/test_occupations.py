"""The shipped occupation classifier (ISCO-08 / OKZ titles, Kazakh titles, synonyms) and its lookup."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import re
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogs.normalize import fold, normalize_occupation
from catalogs.reference.occupations import Occupation, Occupations, occupations

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "data" / "okz-isco08-ru"

MISSING_IN_SOURCE = ("2513", "3315", "3435", "3514", "4414", "5161", "6320", "6330", "6340")
NATIONAL = ("1325", "1432", "2121", "2122", "2357", "2358", "2414", "2425", "2613", "3439")
SPLIT_WORDS = (
    "фин ансово",
    "информационно -",
    "альте рнативной",
    "возможн остями",
    "ок ружающей",
    "фитнес -",
    "стра ховой",
    "ме ховой",
    "гор нодобывающей",
    "промышлен ности",
)

KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
KAZAKH_TITLE = re.compile(r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі0-9 \-,()«»]+$")
LATIN = re.compile("[A-Za-z]")
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")

# A title looks truncated when it ends in a preposition or conjunction, on an adjective
# with no noun after it, on a comma, or with a parenthesis left open.
DANGLING = frozenset(
    {
        "и", "или", "а", "в", "во", "на", "по", "для", "с", "со", "из", "к", "от", "до", "за",
        "при", "о", "об", "не", "без", "у", "через", "как", "также",
    }
)  # fmt: skip
ADJECTIVE_ENDINGS = ("ой", "ый", "ая", "ое", "ые", "ых", "ого", "ому", "ую", "ым", "ыми")
SUBSTANTIVES = frozenset(
    {
        "рабочие", "рабочих", "служащие", "служащих", "пожарные", "данных", "больных",
        "больными", "животных", "животными", "престарелыми", "вручную", "дому",
    }
)  # fmt: skip


def looks_truncated(title: str) -> bool:
    title = title.strip()
    if title.count("(") != title.count(")") or title.endswith((",", "-")):
        return True
    if title.endswith(")"):
        return False
    last = title.split()[-1].lower()
    return last in DANGLING or (last.endswith(ADJECTIVE_ENDINGS) and last not in SUBSTANTIVES)


def _shipped(name: str) -> list[dict[str, str]]:
    text = resources.files("catalogs.reference").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def occ() -> Occupations:
    return occupations()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _shipped("occupations.csv")


@pytest.fixture(scope="module")
def synonym_rows() -> list[dict[str, str]]:
    return _shipped("occupation_synonyms.csv")


# --- the table ------------------------------------------------------------------------------


def test_columns(rows: list[dict[str, str]], synonym_rows: list[dict[str, str]]) -> None:
    assert list(rows[0]) == ["code", "title_ru", "title_kk", "title_en", "priority"]
    assert list(synonym_rows[0]) == ["code", "lang", "synonym"]


def test_codes_are_four_digit_strings_and_unique(rows: list[dict[str, str]]) -> None:
    codes = [r["code"] for r in rows]
    assert all(re.fullmatch(r"\d{4}", c) for c in codes)
    assert len(codes) == len(set(codes))
    assert "0110" in codes  # leading zeros kept
    assert len(codes) == 445  # 436 ISCO-08 units - 2120 + 10 national codes


def test_loader_matches_file(occ: Occupations, rows: list[dict[str, str]]) -> None:
    assert len(occ) == len(rows)
    assert [o.code for o in occ] == [r["code"] for r in rows]
    assert all(r["priority"] in ("true", "false") for r in rows)


@pytest.mark.parametrize("code", MISSING_IN_SOURCE)
def test_missing_isco_codes_added(occ: Occupations, code: str) -> None:
    item = occ.get(code)
    assert item is not None
    assert item.title_ru
    assert item.title_en
    assert CYRILLIC.search(item.title_ru)
    assert not LATIN.search(item.title_ru)


@pytest.mark.parametrize("code", NATIONAL)
def test_national_codes_kept(occ: Occupations, code: str) -> None:
    assert code in occ
    assert "2120" not in occ


def test_every_code_has_russian_and_english_titles(occ: Occupations) -> None:
    for item in occ:
        assert item.title_ru, item.code
        assert item.title_en, item.code
        assert item.title_ru.strip() == item.title_ru, item.code
        assert item.title_en.strip() == item.title_en, item.code
        assert not LATIN.search(item.title_ru), item.code
        assert not CYRILLIC.search(item.title_en), item.code


def test_official_english_titles(occ: Occupations) -> None:
    expected = {
        "7212": "Welders and flamecutters",
        "8322": "Car, taxi and van drivers",
        "8331": "Bus and tram drivers",
        "8332": "Heavy truck and lorry drivers",
        "9333": "Freight handlers",
        "5414": "Security guards",
        "3411": "Legal and related associate professionals",
        "0310": "Armed forces occupations, other ranks",
    }
    for code, title in expected.items():
        item = occ.get(code)
        assert item is not None
        assert item.title_en == title


@pytest.mark.parametrize(
    "title",
    [
        "Руководители (представители) федеральных и региональных органов законодательной",
        "Квалифицированные работники, сельского хозяйства, рыболовства, охотники и",
        "Разработчики и аналитики программного обеспечения и приложений, не входящие в",
        "Специалисты-техники в области биологических исследований (за исключением",
        "Рабочие художественных промыслов, изготавливающие изделия из текстиля, кожи,",
        "Преподаватели иностранных языков на курсах и частные",
        "Рабочие, управляющие транспортными средствами с ручным и педальным",
    ],
)
def test_truncation_check_catches_source_defects(title: str) -> None:
    assert looks_truncated(title)


def test_no_title_looks_truncated(occ: Occupations) -> None:
    bad = [(o.code, o.title_ru) for o in occ if looks_truncated(o.title_ru)]
    bad += [(o.code, o.title_kk) for o in occ if o.title_kk and o.title_kk.endswith((",", "-"))]
    assert bad == []


def test_no_split_words_remain(occ: Occupations) -> None:
    for item in occ:
        for broken in SPLIT_WORDS:
            assert broken not in item.title_ru, (item.code, broken)
        assert not re.search(r"\w -\w", item.title_ru), item.code
    fixed = occ.get("1219")
    assert fixed is not None
    assert "финансово-экономической" in fixed.title_ru


# --- priority occupations and Kazakh -------------------------------------------------------


def test_at_least_150_priority_codes(occ: Occupations) -> None:
    assert len(occ.priority()) >= 150
    codes = {o.code for o in occ.priority()}
    must = {
        "7212", "8322", "8331", "8332", "8341", "8342", "8343", "8344", "5120", "7512",
        "7112", "7114", "7115", "7121", "7123", "7131", "7122", "7126", "7411", "7231",
        "7233", "7223", "7533", "8153", "9333", "4321", "5414", "9112", "5223", "5230",
        "5141", "9211", "9212", "6121", "6111", "6113", "6210", "6222", "8111", "9321",
        "9412", "5131", "9621", "9613", "9611", "9622", "5153", "9122", "4222", "4132",
        "3412", "4131", "3313", "9313",
    }  # fmt: skip
    assert must <= codes
    assert not {"5413", "5412"} & codes  # not open to people with a criminal record


def test_priority_codes_have_kazakh_title_and_synonym(occ: Occupations) -> None:
    kk_synonyms: dict[str, list[str]] = defaultdict(list)
    for row in _shipped("occupation_synonyms.csv"):
        if row["lang"] == "kk":
            kk_synonyms[row["code"]].append(row["synonym"])
    for item in occ.priority():
        assert item.title_kk, item.code
        assert KAZAKH_TITLE.match(item.title_kk), (item.code, item.title_kk)
        assert kk_synonyms[item.code], item.code
        assert len(item.synonyms) >= 5, item.code


def test_kazakh_text_is_kazakh_cyrillic(
    occ: Occupations, synonym_rows: list[dict[str, str]]
) -> None:
    titles = [o.title_kk for o in occ if o.title_kk]
    assert sum(bool(KAZAKH_LETTERS.search(t)) for t in titles) > 0.9 * len(titles)
    for row in synonym_rows:
        if row["lang"] == "kk":
            for word in re.split(r"[\s\-]+", row["synonym"]):
                # a Latin licence category ("B санатты") or abbreviation, never mixed in a word
                assert not (LATIN.search(word) and CYRILLIC.search(word)), row
    kk = [r["synonym"] for r in synonym_rows if r["lang"] == "kk"]
    assert sum(bool(KAZAKH_LETTERS.search(s)) for s in kk) > 0.7 * len(kk)


def test_no_word_mixes_latin_and_cyrillic(
    occ: Occupations, synonym_rows: list[dict[str, str]]
) -> None:
    texts = [t for o in occ for t in (o.title_ru, o.title_kk, o.title_en)]
    texts += [r["synonym"] for r in synonym_rows]
    for text in texts:
        for word in re.split(r"[\s\-/.,()«»]+", text):
            letters = re.sub(r"[^A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", "", word)
            assert not (LATIN.search(letters) and CYRILLIC.search(letters)), text


# --- synonyms and lookup ---------------------------------------------------------------------


def test_at_least_1200_synonyms(synonym_rows: list[dict[str, str]]) -> None:
    assert len(synonym_rows) >= 1200
    langs = {r["lang"] for r in synonym_rows}
    assert langs == {"ru", "kk", "en"}
    assert len({(r["code"], normalize_occupation(r["synonym"])) for r in synonym_rows}) >= 1200


def test_every_synonym_resolves_to_its_own_code(
    occ: Occupations, synonym_rows: list[dict[str, str]]
) -> None:
    wrong = [
        (r["code"], r["synonym"], occ.lookup(r["synonym"]))
        for r in synonym_rows
        if occ.lookup(r["synonym"]) != r["code"]
    ]
    assert wrong == []


def test_every_title_resolves(occ: Occupations) -> None:
    for item in occ:
        for lang in ("ru", "kk", "en"):
            text = getattr(item, f"title_{lang}")
            if text:
                assert occ.lookup(text) == item.code, (item.code, lang, text)
                assert occ.lookup(text.upper()) == item.code


def test_no_surface_form_claimed_by_two_codes(
    occ: Occupations, synonym_rows: list[dict[str, str]]
) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for item in occ:
        for text in (item.title_ru, item.title_kk, item.title_en):
            if text:
                owners[normalize_occupation(text)].add(item.code)
    for row in synonym_rows:
        owners[normalize_occupation(row["synonym"])].add(row["code"])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert "" not in owners


def test_synonyms_are_attached_to_occupations(occ: Occupations) -> None:
    welder = occ.get("7212")
    assert welder is not None
    assert "сварщик" in welder.synonyms
    assert "дәнекерлеуші" in welder.synonyms


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # category B: cars, taxis, vans
        ("водитель", "8322"),
        ("Водитель категории B", "8322"),
        ("водитель кат. В", "8322"),  # Cyrillic В
        ("водитель кат В", "8322"),
        ("водитель категории «В»", "8322"),
        ("Водитель B", "8322"),
        ("водитель с категорией B", "8322"),
        ("водитель B категории", "8322"),
        ("В санатты жүргізуші", "8322"),
        ("жүргізуші", "8322"),
        ("такси жүргізушісі", "8322"),
        ("водитель такси", "8322"),
        # category C: trucks
        ("водитель категории C", "8332"),
        ("водитель кат. С", "8332"),  # Cyrillic С
        ("Водитель категория «С»", "8332"),
        ("водитель кат С", "8332"),
        ("водитель С категории", "8332"),
        ("водитель C", "8332"),
        ("С санатты жүргізуші", "8332"),
        ("жүргізуші С санаты", "8332"),
        ("водитель категории C, E", "8332"),
        ("водитель кат. В, С", "8332"),
        ("водитель-экспедитор", "8332"),
        ("жүк көлігінің жүргізушісі", "8332"),
        # category D: buses
        ("водитель категории D", "8331"),
        ("водитель кат. Д", "8331"),
        ("водитель категории «Д»", "8331"),
        ("D санатты жүргізуші", "8331"),
        ("водитель автобуса", "8331"),
    ],
)
def test_driver_categories(occ: Occupations, text: str, code: str) -> None:
    assert occ.lookup(text) == code


def test_driver_categories_map_to_different_codes(occ: Occupations) -> None:
    codes = {occ.lookup(f"водитель категории {c}") for c in "BCD"}
    assert codes == {"8322", "8332", "8331"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("сварщик 5 разряда", "7212"),
        ("Электрогазосварщик 4-го разряда", "7212"),
        ("эл.газосварщик 6 разряд", "7212"),
        ("эл/газосварщик", "7212"),
        ("электро-газосварщик", "7212"),
        ("Сварщик разряд 5", "7212"),
        ("сварщик не ниже 4 разряда", "7212"),
        ("сварщик 3-5 разряда", "7212"),
        ("4-ші разрядты дәнекерлеуші", "7212"),
        ("дәнекерлеуші 5-ші разряд", "7212"),
        ("дәнекерлеуші 4 разрядты", "7212"),
        ("токарь IV разряда", "7223"),
        ("слесарь-ремонтник 5-го разряда", "7233"),
        ("повар 3 разряда", "5120"),
        ("водитель 1 класса", "8322"),
        ("Требуется опытный повар", "5120"),
        ("квалифицированный каменщик", "7112"),
        ("тәжірибелі аспаз қажет", "5120"),
        ("пом. повара", "9412"),
        ("машинист экскаватора 6 разряда", "8342"),
        ("электромонтер IV группы допуска", "7412"),
        ("электромонтер с 3 группой допуска по электробезопасности", "7412"),
    ],
)
def test_grade_and_noise_variants(occ: Occupations, text: str, code: str) -> None:
    assert occ.lookup(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("дәнекерлеуші", "7212"),
        ("электргазбен дәнекерлеуші", "7212"),
        ("жүк тиеуші", "9333"),
        ("күзетші", "5414"),
        ("аспаз", "5120"),
        ("наубайшы", "7512"),
        ("тігінші", "7533"),
        ("сатушы", "5223"),
        ("тракторшы", "8341"),
        ("шопан", "6121"),
        ("аула сыпырушы", "9613"),
        ("ыдыс жуушы", "9412"),
        ("құрылысшы", "7111"),
        ("сылақшы", "7123"),
        ("қара жұмысшы", "9622"),
        ("Жүк тиеушілер", "9333"),  # the Kazakh title
    ],
)
def test_kazakh_forms(occ: Occupations, text: str, code: str) -> None:
    assert occ.lookup(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("швея", "7533"),
        ("швея-мотористка", "8153"),
        ("повариха", "5120"),
        ("продавщица", "5223"),
        ("уборщица", "9112"),
        ("доярка", "9212"),
        ("кладовщица", "4321"),
        ("официантка", "5131"),
        ("охранник", "5414"),
        ("сторож", "5414"),
        ("грузчик", "9333"),
        ("разнорабочий", "9622"),
        ("рабочий", "9313"),
        ("подсобный рабочий", "9622"),
        ("помощник повара", "9412"),
        ("повар", "5120"),
        ("шеф-повар", "3434"),
        ("слесарь", "7233"),
        ("автослесарь", "7231"),
        ("электрик", "7411"),
        ("оператор call-центра", "4222"),
        ("оператор ПК", "4131"),
        ("Оператор ввода данных", "4132"),
        ("помощник бухгалтера", "3313"),
        ("социальный работник", "3412"),
        ("дворник", "9613"),
        ("курьер", "9621"),
        ("чабан", "6121"),
        ("крановщик", "8343"),
        ("водитель погрузчика", "8344"),
        ("экскаваторщик", "8342"),
        ("тракторист-машинист", "8341"),
        ("рабочий с/х", "9213"),
        ("Welders and flamecutters", "7212"),
        ("truck driver", "8332"),
    ],
)
def test_common_titles(occ: Occupations, text: str, code: str) -> None:
    assert occ.lookup(text) == code


@pytest.mark.parametrize("text", ["", "   ", "космонавт", "водитель космического корабля", "!!!"])
def test_unknown_text_gives_none(occ: Occupations, text: str) -> None:
    assert occ.lookup(text) is None


# --- the API ---------------------------------------------------------------------------------


def test_occupation_api(occ: Occupations) -> None:
    welder = occ.get("7212")
    assert isinstance(welder, Occupation)
    assert welder.title("ru") == welder.title_ru == "Сварщики и газорезчики"
    assert welder.title("kk") == welder.title_kk
    assert welder.title("en") == "Welders and flamecutters"
    assert welder.title("de") == welder.title_ru
    assert welder.minor_group == "721"
    assert welder.priority is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        welder.code = "0000"  # type: ignore[misc]
    soldier = occ.get("0110")  # no Kazakh title in the shipped sources
    assert soldier is not None
    assert soldier.title_kk == ""
    assert soldier.title("kk") == soldier.title_ru
    assert occ.get("9999") is None
    assert occ.get("") is None
    assert "7212" in occ
    assert "9999" not in occ
    assert 7212 not in occ
    assert occupations() is occ
    assert sorted(o.code for o in occ.priority()) == [o.code for o in occ.priority()]


def test_labels(occ: Occupations) -> None:
    labels = occ.labels()
    assert len(labels) == len(set(labels))
    assert ("7212", "сварщик") in labels
    assert ("8332", "водитель кат c") in labels
    assert all(normalize_occupation(form) == form for _code, form in labels)
    assert {code for code, _ in labels} == {o.code for o in occ}
    labels.clear()
    assert occ.labels()  # a copy was returned


def _build_module() -> object:
    path = REPO / "tools" / "reference" / "build_occupations.py"
    spec = importlib.util.spec_from_file_location("build_occupations", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.mark.skipif(not SOURCE.is_dir(), reason="shared source data not available")
def test_shipped_data_is_reproducible() -> None:
    module = _build_module()
    occupations_text, synonyms_text = module.build(SOURCE)  # type: ignore[attr-defined]
    data = resources.files("catalogs.reference").joinpath("data")
    assert data.joinpath("occupations.csv").read_text("utf-8") == occupations_text
    assert data.joinpath("occupation_synonyms.csv").read_text("utf-8") == synonyms_text


# --- normalize_occupation --------------------------------------------------------------------

VOCABULARY = [
    "кат", "кат.", "категории", "категория", "категорией", "санатты", "санаты", "с", "в", "С",
    "В", "B", "C", "D", "Д", "E", "CE", "D1", "и", "және", "5", "4-го", "IV", "разряда",
    "разряд", "ші", "4-ші", "разрядты", "класса", "водитель", "жүргізуші", "экспедитор", "эл.",
    "эл", "газосварщик", "электро", "сварщик", "пом.", "повара", "высшей", "жоғары", "1",
    "с/х", "ж/д", "опытом", "работы", "без", "опыта", "требуется", "не", "ниже", "от", "до",
    "а", "е", "ё", "-", ".", ",", "«", "»", "/", "(", ")", "İ", "ǰ", "ß", "\u00a0", "\t",
    "группы", "допуска", "по", "электробезопасности", "со", "а1", "C1E",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_occupation(text)
    assert normalize_occupation(once) == once


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join))
def test_normalize_is_idempotent_on_job_title_vocabulary(text: str) -> None:
    once = normalize_occupation(text)
    assert normalize_occupation(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert once == fold(once)


@settings(max_examples=300, deadline=None)
@given(
    letter=st.sampled_from(["B", "В", "C", "С", "D", "Д", "E", "Е", "A", "А"]),
    form=st.sampled_from(
        [
            "водитель кат. {}",
            "водитель кат {}",
            "Водитель категории {}",
            "водитель категории «{}»",
            "водитель категория ({})",
            "водитель с категорией {}",
            "водитель {} категории",
            "водитель {}",
            "водитель {} кат.",
        ]
    ),
)
def test_licence_category_is_kept_in_latin(letter: str, form: str) -> None:
    latin = letter.translate(str.maketrans("АВСДЕ", "ABCDE")).lower()
    assert normalize_occupation(form.format(letter)) == f"водитель кат {latin}"


GRADE_AND_NOISE_FORMS = [
    "{s} {n} разряда",
    "{s} {n}-го разряда",
    "{s} разряд {n}",
    "{s} {n}-ші разряд",
    "{s} {n} разрядты",
    "{s}, {n} разряд",
    "{s} IV разряда",
    "требуется {s}",
    "срочно требуется {s} без опыта",
    "{s} с опытом работы",
    "тәжірибелі {s} қажет",
]


@pytest.mark.parametrize("form", GRADE_AND_NOISE_FORMS)
def test_grades_and_noise_do_not_change_any_synonym(
    synonym_rows: list[dict[str, str]], form: str
) -> None:
    changed = [
        r["synonym"]
        for r in synonym_rows
        if normalize_occupation(form.format(s=r["synonym"], n=5))
        != normalize_occupation(r["synonym"])
    ]
    assert changed == []


@settings(max_examples=300, deadline=None)
@given(
    synonym=st.sampled_from([r["synonym"] for r in _shipped("occupation_synonyms.csv")]),
    grade=st.integers(min_value=1, max_value=12),
    form=st.sampled_from(GRADE_AND_NOISE_FORMS),
)
def test_grades_and_noise_do_not_change_the_key(synonym: str, grade: int, form: str) -> None:
    assert normalize_occupation(form.format(s=synonym, n=grade)) == normalize_occupation(synonym)


def test_normalize_keeps_what_changes_the_occupation() -> None:
    assert normalize_occupation("помощник повара") == "помощник повара"
    assert normalize_occupation("старший продавец") == "старший продавец"
    assert normalize_occupation("младший воспитатель") == "младший воспитатель"
    assert normalize_occupation("водитель кат. С") != normalize_occupation("водитель кат. В")
    assert normalize_occupation("врач высшей категории") == "врач"
    assert normalize_occupation("Укладчики тепло- и акустической изоляции") == (
        "укладчики тепло и акустической изоляции"
    )
