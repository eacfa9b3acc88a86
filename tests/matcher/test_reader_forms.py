"""The forms a title is read as and how sure the chosen one is (``matcher.reader.forms``), and
the soft sign a transliterated word leaves out (``matcher.reader.normalise``)."""

from __future__ import annotations

import pytest

from matcher.reader import Reading, title_reader
from matcher.reader.forms import Forms
from matcher.reader.normalise import normaliser


def best(reading: Reading) -> str | None:
    return reading.codes[0].code if reading.codes else None


def test_a_helper_is_read_by_the_trade_he_helps_in() -> None:
    forms = Forms.of("Помощник сварщика на завод", normaliser(), known={}, exact={})
    kinds = {form.text: form.kind for form in forms.forms}
    assert kinds["сварщик завод"] == "helper"
    assert kinds["сварщик"] == "helper"  # and the words before «на»
    reading = title_reader().read("Помощник сварщика на завод")
    assert best(reading) == "7212", reading


def test_a_helper_title_known_as_a_whole_keeps_its_own_code() -> None:
    """«Помощник повара» is a kitchen helper (9412), not a cook (5120)."""
    reading = title_reader().read("помощник повара")
    assert reading.recognised, reading
    assert best(reading) == "9412", reading


def test_a_helper_read_by_his_trade_is_less_sure_than_the_trade() -> None:
    reader = title_reader()
    trade, helper = reader.read("сварщик"), reader.read("Помощник сварщика на завод")
    assert helper.codes[0].confidence < trade.codes[0].confidence


@pytest.mark.parametrize(("typed", "lemma"), [("слесар", "слесарь"), ("токар", "токарь")])
def test_a_soft_sign_left_out_is_put_back(typed: str, lemma: str) -> None:
    assert normaliser().words(typed) == (lemma,)


def test_an_unknown_word_without_a_soft_sign_stays_as_written() -> None:
    assert normaliser().words("жургизуши") == ("жургизуши",)


@pytest.mark.parametrize(
    ("text", "code"), [("slesar-santehnik", "7126"), ("tokar-universal", "7223")]
)
def test_a_transliterated_compound_is_read_half_by_half_too(text: str, code: str) -> None:
    forms = Forms.of(text, normaliser(), known={}, exact={})
    assert any(form.kind == "half" and form.text.isascii() is False for form in forms.forms)
    assert best(title_reader().read(text)) == code


def test_halves_that_agree_with_the_whole_make_it_sure() -> None:
    """«backend» and «разработчик» are each a developer: so is «Backend-разработчик»."""
    reading = title_reader().read("Backend-разработчик")
    assert reading.recognised, reading
    assert best(reading) == "2512"


def test_a_curated_compound_title_is_not_two_jobs() -> None:
    """«шеф-повар» is known as a whole: that «шеф» and «повар» read apart differ says nothing."""
    reading = title_reader().read("шеф-повар")
    assert reading.recognised, reading
    assert best(reading) == "3434"


def test_halves_naming_two_jobs_keep_the_reading_unsure() -> None:
    reading = title_reader().read("Грузчик-бухгалтер")
    assert not reading.recognised, reading
