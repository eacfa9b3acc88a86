from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogs import fields
from catalogs.fields import FieldError
from catalogs.identifiers import complete, is_valid_12


@pytest.mark.parametrize("word", ["true", "TRUE", "1", "да", "Да", "иә", "yes", True, 1])
def test_true_words(word: object) -> None:
    assert fields.boolean(word) is True


@pytest.mark.parametrize("word", ["false", "0", "нет", "жоқ", "No", False, 0])
def test_false_words(word: object) -> None:
    assert fields.boolean(word) is False


@pytest.mark.parametrize("word", ["maybe", "2", 2, "", None, [], 1.5])
def test_other_words_are_not_booleans(word: object) -> None:
    with pytest.raises(FieldError) as caught:
        fields.boolean(word)
    assert caught.value.code == "expected_boolean"


def test_integer_reads_spaced_thousands_and_checks_bounds() -> None:
    parse = fields.integer(0, 1_000_000)
    assert parse("150 000") == 150_000
    assert parse("250\u00a0000") == 250_000
    assert parse(42.0) == 42
    with pytest.raises(FieldError, match="expected_integer"):
        parse("12.5")
    with pytest.raises(FieldError, match="expected_integer"):
        parse(True)
    with pytest.raises(FieldError, match="below_minimum"):
        parse("-1")
    with pytest.raises(FieldError, match="above_maximum"):
        parse(2_000_000)


def test_number_accepts_decimal_comma_and_rejects_nan() -> None:
    parse = fields.number(0, 100)
    assert parse("2,5") == 2.5
    for bad in ("nan", "inf", "abc"):
        with pytest.raises(FieldError):
            parse(bad)


def test_dates_are_iso_only() -> None:
    assert fields.iso_date("2026-03-01") == date(2026, 3, 1)
    assert fields.iso_date(date(2026, 3, 1)) == date(2026, 3, 1)
    with pytest.raises(FieldError, match="expected_date"):
        fields.iso_date("01.03.2026")
    with pytest.raises(FieldError, match="bad_date"):
        fields.iso_date("2026-02-30")


def test_lists_split_on_semicolons_and_drop_duplicates() -> None:
    parse = fields.list_of(fields.choice(("kk", "ru", "en")))
    assert parse("kk; RU ;kk;") == ["kk", "ru"]
    assert parse(["ru", "en", ""]) == ["ru", "en"]
    with pytest.raises(FieldError) as caught:
        parse("kk;de")
    assert caught.value.code == "bad_list_item"
    assert caught.value.params["item"] == "de"


def test_choice_aliases() -> None:
    parse = fields.choice(("m", "f"), {"м": "m", "ж": "f"})
    assert parse("М") == "m"
    assert parse("f") == "f"
    with pytest.raises(FieldError, match="not_one_of"):
        parse("x")


def test_identifiers() -> None:
    assert fields.identifier(" V-001 ") == "V-001"
    assert fields.identifier(17) == "17"
    for bad in ("with space", "x" * 65, "a,b"):
        with pytest.raises(FieldError):
            fields.identifier(bad)


def test_iin_check_digit() -> None:
    parse = fields.digits12("iin")
    good = complete("90010130012")
    assert good is not None
    assert parse(good) == good
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(FieldError, match="bad_checksum"):
        parse(wrong)
    with pytest.raises(FieldError, match="expected_12_digits"):
        parse("12345")


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_completed_numbers_are_valid(prefix: str) -> None:
    number = complete(prefix)
    if number is not None:
        assert is_valid_12(number)
        assert all(not is_valid_12(number[:-1] + d) for d in "0123456789" if d != number[-1])


@given(
    st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.text()))
)
def test_parsers_raise_only_field_errors(value: object) -> None:
    for parse in (
        fields.text(50),
        fields.identifier,
        fields.integer(0, 10),
        fields.number(0, 10),
        fields.boolean,
        fields.iso_date,
        fields.list_of(fields.text(10)),
        fields.digits12("bin"),
        fields.choice(("a", "b")),
    ):
        with contextlib.suppress(FieldError):
            parse(value)
