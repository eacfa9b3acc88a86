"""The learned title reader (``matcher.reader``): the issue's examples, Kazakh endings rule by
rule, noise, English titles, abstention, the model cache, determinism and autocomplete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.reader import Reading, TitleReader, load_reader, title_reader
from matcher.reader.forms import Forms
from matcher.reader.kazakh import kazakh_stem, strip_case, strip_plural, strip_possessive
from matcher.reader.normalise import normaliser
from matcher.reader.vocabulary import Vocabulary


def best(reading: Reading) -> str | None:
    return reading.codes[0].code if reading.codes else None


# --- the acceptance examples ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("сварка", "7212"),
        ("Backend-разработчик", "2512"),
        ("Жүргізушісі С санаты", "8332"),
        ("стрижка", "5141"),
        ("покраска стен", "7131"),
        ("шить умею", "7533"),
        ("крыши делаю", "7121"),
        ("торговля", "5223"),
        ("кулинар", "5120"),
        ("Электрогазосварщик 5 разряда", "7212"),
        ("Главный бухгалтер", "2411"),
        ("помощник повара", "9412"),
        ("Аспаз көмекшісі", "9412"),
        ("Офис-менеджер", "3341"),  # «офис» is noise elsewhere («работа в офисе»)
        ("Начальник смены", "3122"),
        ("Технический директор", "1330"),
    ],
)
def test_titles_and_activities_are_recognised(text: str, code: str) -> None:
    reading = title_reader().read(text)
    assert reading.recognised, reading
    assert best(reading) == code, reading
    assert 1 <= len(reading.codes) <= 3


@pytest.mark.parametrize(
    "text",
    ["Специалист", "Менеджер", "Оператор", "Сотрудник", "Помощник", "Управляющий", "Работник",
     "маман", ""],
)  # fmt: skip
def test_generic_titles_are_not_recognised(text: str) -> None:
    reading = title_reader().read(text)
    assert not reading.recognised, reading
    assert all(c.confidence < title_reader().threshold for c in reading.codes)


def test_the_shipped_calibration_was_made_for_this_model() -> None:
    """``reader_calibration.json`` maps the raw confidences of one model: when the vocabulary or
    the reader's code changes, the map must be made again."""
    from matcher.reader.calibration import model_fingerprint, shipped_calibration

    calibration = shipped_calibration()
    assert calibration is not None, "catalogs/reference/data/reader_calibration.json is missing"
    assert calibration.fingerprint == model_fingerprint(), (
        "the reader's calibration was made for another model: re-run "
        "`python -m tools.reference.calibrate_reader` (it needs ../shared/data/real-titles-eval)"
    )
    assert list(calibration.raw) == sorted(calibration.raw)
    assert list(calibration.probability) == sorted(calibration.probability)
    assert title_reader().threshold == calibration.threshold


def test_calibration_keeps_confidences_ordered() -> None:
    for text in ["сварщик", "Мастер швейного производства", "Специалист", "xyz qwerty повар"]:
        codes = title_reader().read(text).codes
        assert all(0.0 <= c.confidence <= 1.0 for c in codes)
        assert [c.confidence for c in codes] == sorted((c.confidence for c in codes), reverse=True)


def test_an_unrecognised_title_still_suggests() -> None:
    reading = title_reader().read("Специалист")
    assert not reading.recognised
    assert reading.codes  # the closest suggestions


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("welder", "7212"),
        ("Senior Python Developer", "2512"),
        ("QA engineer", "2519"),
        ("truck driver", "8332"),
        ("barista", "5132"),
        ("courier", "9621"),
        ("accountant", "2411"),
        ("svarshik", "7212"),
    ],
)
def test_english_and_transliterated_titles(text: str, code: str) -> None:
    reading = title_reader().read(text, lang="en")
    assert best(reading) == code, reading


def test_confidences_are_probabilities_best_first() -> None:
    for reading in title_reader().read_many(["сварщик", "менеджер по продажам", "xyz qwerty"]):
        confidences = [c.confidence for c in reading.codes]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert sum(confidences) <= 1.0 + 1e-6


def test_codes_carry_titles_in_the_language_and_nkz_codes() -> None:
    reader = title_reader()
    ru = reader.read("сварщик", lang="ru").codes[0]
    kk = reader.read("сварщик", lang="kk").codes[0]
    assert ru.code == kk.code == "7212"
    assert ru.title
    assert kk.title
    for code in (ru, kk):
        assert code.nkz is None or (len(code.nkz) == 10 and code.nkz[4] == "-")


def test_a_batch_reads_as_single_calls_do() -> None:
    reader = title_reader()
    texts = ["сварка", "Backend-разработчик", "Специалист", "водитель кат. С", "сварка"]
    assert reader.read_many(texts) == [reader.read(text) for text in texts]


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("жүргізушісі", "жүргізуші"),  # possessive -сі after a vowel
        ("жұмысшысы", "жұмысшы"),  # possessive -сы after a vowel
        ("операторы", "оператор"),  # possessive -ы after a consonant
        ("мұғалімі", "мұғалім"),  # possessive -і after a consonant
        ("аспаздар", "аспаз"),  # plural -дар
        ("тігіншілер", "тігінші"),  # plural -лер
        ("мұғалімдер", "мұғалім"),  # plural -дер
        ("жұмысшылары", "жұмысшы"),  # plural and possessive
        ("аспазға", "аспаз"),  # dative
        ("жүргізушінің", "жүргізуші"),  # genitive
        ("цехында", "цех"),  # locative after a possessive
        ("жүргізуші", "жүргізуші"),  # an agent noun keeps its -ші
        ("тігінші", "тігінші"),
        ("аспаз", "аспаз"),
    ],
)
def test_kazakh_endings_rule_by_rule(word: str, stem: str) -> None:
    assert kazakh_stem(word) == stem


def test_kazakh_rules_stop_at_a_known_word_and_keep_short_stems() -> None:
    assert kazakh_stem("бухгалтері", known=lambda w: w == "бухгалтер") == "бухгалтер"
    assert strip_possessive("сы") == "сы"
    assert strip_plural("лар") == "лар"
    assert strip_case("ға") == "ға"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            'Ведущий Backend-разработчик (Python) в ТОО "Рога", Алматы, 300 000 тг',
            ("backend", "разработчик"),
        ),
        ("Электрогазосварщик 5 разряда, вахта", ("электрогазосварщик",)),
        ("Продавец-консультант г. Астана", ("продавец", "консультант")),
        ("Менеджер по продажам (м. Алатау)", ("менеджер", "продажа")),
        ("Главного бухгалтера", ("бухгалтер",)),
        ("Senior Java developer, удаленно", ("java", "developer")),
        ("Водитель (кат. C)", ("водитель", "кат", "c")),
        ("Жүргізушісі С санаты", ("жүргізуші", "кат", "c")),
        ("помощник повара", ("помощник", "повар")),
        ("тiгiншi", ("тігінші",)),
        ("Старший техник", ("техник",)),  # a person, not «техника»
        ("Ученик электрика", ("ученик", "электрик")),  # not «электрика»
    ],
)
def test_noise_grades_and_seniority_are_set_aside(text: str, words: tuple[str, ...]) -> None:
    assert normaliser().words(text) == words


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Парикмахер САЛОНКРАСОТЫ", "5141"),  # a brand in capitals
        ("Продавец-консультант SUPERSTORE", "5223"),  # a brand in Latin letters
        ("Курьер на велосипеде", "9621"),  # the head before «на»
        ("Бариста в кофейню, 2000 р/смена", "5132"),  # salary per shift
        ("Сварщик (г. Караганда, вахта)", "7212"),  # a city in brackets
        ("Оператор станков с ЧПУ", "7223"),  # a short abbreviation stays
    ],
)
def test_names_salaries_and_places_do_not_hide_the_trade(text: str, code: str) -> None:
    reading = title_reader().read(text)
    assert best(reading) == code, reading


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Грумер-стилист", "5164"),  # a half of a compound: «грумер»
        ("Юрист по договорам поставки электроэнергии", "2611"),  # the words before «по»
        ("Дизайнер по разработке упаковки кондитерских изделий", "2166"),
    ],
)
def test_a_compound_or_a_field_after_po_does_not_hide_the_trade(text: str, code: str) -> None:
    reading = title_reader().read(text)
    assert best(reading) == code, reading


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Повар заготовочного цеха в ресторан Волна", "5120"),  # not a restaurant's manager
        ("Водитель представительского класса", "8322"),  # not a manager of a class of anything
        ("Механик оборудования цеха", "7233"),  # not «инженер-механик по оборудованию»
    ],
)
def test_a_title_that_begins_with_a_role_is_read_among_its_occupations(
    text: str, code: str
) -> None:
    """The first word of a title, when rows of the vocabulary begin with it, names the role:
    the codes none of whose rows begins with it count for half (``reader.model``)."""
    assert best(title_reader().read(text)) == code


@pytest.mark.parametrize(
    "text",
    [
        "Специалист по установке дополнительного оборудования на спецтехнику",
        "Инженер по сервису холодильного оборудования",
        "Эксперт по финансированию юридических лиц",
    ],
)
def test_a_title_that_names_no_manager_is_not_read_as_a_manager(text: str) -> None:
    """ISCO-08 major group 1 is the managers: a title with no word of managing is not read
    there, though the official classifiers put titles of the same field under it."""
    assert not (best(title_reader().read(text)) or "").startswith("1")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Заместитель директора магазина", "1420"),
        ("Директор по персоналу", "1212"),
        ("Директор ресторана", "1412"),
        ("Руководитель отдела продаж", "1221"),
    ],
)
def test_a_title_that_names_a_manager_is_still_read_as_one(text: str, code: str) -> None:
    assert best(title_reader().read(text)) == code


def test_kazakh_and_english_titles_name_their_role_last() -> None:
    """«орман жұмысшысы» is a forest worker, «car driver» a driver: neither Kazakh nor English
    rows make a role of their first word."""
    roles = title_reader().model.roles_
    assert "орман" not in roles
    assert "car" not in roles
    assert "повар" in roles
    assert "водитель" in roles


def test_generic_titles_are_roles_only_when_they_name_a_kind_of_work() -> None:
    """«инженер» is not recognised alone, yet it says what work a title is of; «специалист»
    does not."""
    roles = title_reader().model.roles_
    assert {"инженер", "техник", "мастер"} <= roles.keys()
    assert not {"специалист", "менеджер", "сотрудник"} & roles.keys()
    assert not title_reader().read("Инженер").recognised


def test_an_english_title_the_vocabulary_knows_is_not_transliterated() -> None:
    known = {"business", "development", "manager"}
    forms = Forms.of("Business Development Manager", normaliser(), known=known, exact={})
    assert [f.text for f in forms.forms if f.kind == "whole"] == ["business development manager"]
    unknown = Forms.of("Slesar santehnik", normaliser(), known=set(), exact={})
    assert len([f for f in unknown.forms if f.kind == "whole"]) == 2


def test_the_forms_of_a_text() -> None:
    """Whole, each alternative, each half of a compound and the words before «по»."""
    forms = Forms.of("Грумер-стилист / Кассир по выходным", normaliser(), known={}, exact={})
    kinds = {form.text: form.kind for form in forms.forms}
    assert kinds["грумер стилист кассир выходной"] == "whole"
    assert kinds["кассир выходной"] == "part"
    assert kinds["грумер кассир выходной"] == "half"
    assert kinds["стилист кассир выходной"] == "half"
    assert kinds["грумер стилист кассир"] == "subject"


def test_a_reading_of_part_of_the_text_is_less_sure_than_of_all_of_it() -> None:
    """«Маляр» read exactly says nothing of «на кондитерскую фабрику» (``reader.forms``)."""
    reader = title_reader()
    alone, placed = reader.read("Маляр"), reader.read("Маляр на кондитерскую фабрику")
    assert best(alone) == best(placed) == "7131"
    assert placed.codes[0].confidence < alone.codes[0].confidence


def test_a_title_naming_two_jobs_is_not_sure_of_either() -> None:
    reader = title_reader()
    assert reader.read("Оператор ПК").recognised
    assert reader.read("Грузчик").recognised
    assert not reader.read("Оператор ПК / Грузчик").recognised


def test_an_official_title_is_only_as_sure_as_the_model_reads_it() -> None:
    """A bare official title that heads the titles of many unit groups («Контролер»: KODP puts
    it under 8219, NKZ has controllers of every kind) is a suggestion, not a reading."""
    reading = title_reader().read("Контролер")
    assert best(reading) == "8219"
    assert not reading.recognised, reading


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Водитель скорой помощи", "8322"),  # ISCO-08 3258 leaves ambulance drivers out
        ("Подсобный рабочий", "9622"),  # on a building site: «подсобный рабочий на стройку»
        ("Сотрудник пункта выдачи заказов", "5249"),
        ("Сервисный инженер", "7233"),  # repairs equipment on site: a mechanic
        ("Техник по эксплуатации", "5153"),  # keeps a building running
        ("Business Development Manager", "1221"),
        ("Кустовой менеджер", "1420"),  # a group of a chain's shops
        ("Консультант в ювелирный отдел", "5223"),  # sells at a shop's counter
        ("Слесарь-зачистник", "7224"),  # grinds metal, not a machinery fitter
        ("Мойщик в ресторан", "9412"),  # washes dishes, not cars
        ("Старший повар", "5120"),  # a senior cook cooks; chefs (3434) run the kitchen
        ("Персональный менеджер (B2B)", "3322"),  # sells to businesses
    ],
)
def test_job_board_titles_placed_as_isco_08_places_them(text: str, code: str) -> None:
    reading = title_reader().read(text)
    assert reading.recognised, reading
    assert best(reading) == code, reading


def test_a_title_of_seniority_words_only_keeps_them() -> None:
    assert normaliser().words("Стажер") == ("стажер",)


# --- the model cache ----------------------------------------------------------------------

SMALL = Vocabulary.of(
    [("7212", "сварщик"), ("7212", "газосварщик"), ("5120", "повар"), ("5120", "аспаз"),
     ("9412", "помощник повара"), ("8322", "водитель"), ("8322", "таксист")],
    generic=["специалист"],
)  # fmt: skip


def small(cache_dir: Path | None, vocabulary: Vocabulary = SMALL) -> TitleReader:
    return load_reader(vocabulary=vocabulary, cache_dir=cache_dir)


def test_a_second_load_does_not_fit_again(tmp_path: Path) -> None:
    first = small(tmp_path)
    assert first.fitted
    files = sorted(tmp_path.glob("title-reader-*.joblib"))
    assert len(files) == 1
    assert os.stat(files[0]).st_mode & 0o777 == 0o600
    second = small(tmp_path)
    assert not second.fitted
    assert second.read_many(["сваршик", "аспаз"]) == first.read_many(["сваршик", "аспаз"])


def test_another_vocabulary_fits_again(tmp_path: Path) -> None:
    small(tmp_path)
    other = Vocabulary.of([*((e.code, e.text) for e in SMALL.entries), ("7512", "пекарь")])
    reader = small(tmp_path, other)
    assert reader.fitted
    assert best(reader.read("пекарь")) == "7512"
    assert len(list(tmp_path.glob("title-reader-*.joblib"))) == 1  # the old one is gone


def test_a_broken_cache_file_is_fitted_again(tmp_path: Path) -> None:
    small(tmp_path)
    for path in tmp_path.glob("title-reader-*.joblib"):
        path.write_bytes(b"not a model")
    assert small(tmp_path).fitted
    assert not small(tmp_path).fitted


def test_an_unwritable_cache_dir_still_reads(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        reader = small(locked / "cache")
        assert reader.fitted
        assert best(reader.read("сварщик")) == "7212"
    finally:
        locked.chmod(0o700)


def test_fitting_is_deterministic() -> None:
    texts = ["сваршик", "повар", "помощник повара", "водитель такси", "специалист", "xyz"]
    assert small(None).read_many(texts) == small(None).read_many(texts)


def test_an_ngram_no_row_has_still_weighs_in_a_texts_norm() -> None:
    """The matrix has columns only for the rows' n-grams; a text mostly unknown keeps a short
    vector over them, so it stays far from every row."""
    import numpy as np

    model = small(None).model
    known, unknown = model._vectors(["сварщик", "сварщик qzxwv"])
    assert np.isclose(np.linalg.norm(known.data), 1.0)
    assert 0.0 < np.linalg.norm(unknown.data) < 0.9
    assert model.matrix_ is not None
    assert model.matrix_.shape[0] == len(model.buckets_)


def test_the_shipped_reader_is_one_per_process() -> None:
    assert title_reader() is title_reader()


# --- autocomplete -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lang", "code"),
    [
        ("свар", "ru", "7212"),
        ("сварщ", "ru", "7212"),
        ("пов", "ru", "5120"),
        ("дәнекер", "kk", "7212"),
        ("жүргізу", "kk", "8322"),
        ("жургиз", "kk", "8322"),
        ("weld", "en", "7212"),
    ],
)
def test_search_finds_occupations_by_their_first_letters(query: str, lang: str, code: str) -> None:
    found = title_reader().search(query, lang=lang, limit=10)
    assert found, query
    assert code in [c.code for c in found], found
    assert len(found) <= 10


def test_search_needs_two_letters_and_respects_the_limit() -> None:
    reader = title_reader()
    assert reader.search("с") == []
    assert reader.search("") == []
    assert len(reader.search("ма", limit=3)) == 3
