from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogs.reference.occupations import occupations
from matcher.text import OccupationMatcher, loose, occupation_matcher, transliterate

# (text as written, expected ISCO-08 code): ads, CVs, typos, Kazakh on a Russian keyboard, Latin.
CASES = [
    ("Электрогазосварщик 6 разряда", "7212"),
    ("эл.газосварщик 4р", "7212"),
    ("электросваршик 5 разряда", "7212"),
    ("сваршик", "7212"),
    ("svarshik", "7212"),
    ("welder", "7212"),
    ("Водитель кат. С", "8332"),
    ("водитель категории Д", "8331"),
    ("voditel kategorii C", "8332"),
    ("жүргізуші", "8322"),
    ("жургизуши", "8322"),
    ("truck driver", "8332"),
    ("водитель погрузчика", "8344"),
    ("tokar 5 razryada", "7223"),
    ("slesar-santehnik", "7126"),
    ("каменщик 4 разряда", "7112"),
    ("бетонщик-арматурщик", "7114"),
    ("тракторист-машинист кат. В", "8341"),
    ("грузчик-комплектовщик", "9333"),
    ("Аспаз көмекшісі", "9412"),
    ("ыдыс жуушы", "9412"),
    ("уборщица помещений", "9112"),
    ("кладовщик", "4321"),
    ("сантехник", "7126"),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_realistic_titles_map_to_their_occupation(text: str, code: str) -> None:
    matches = occupation_matcher().match(text)
    assert matches, text
    assert matches[0].code == code, matches


def test_a_batch_gives_what_single_calls_give() -> None:
    matcher = occupation_matcher()
    texts = [text for text, _ in CASES] + ["xyz qwerty", ""]
    assert matcher.match_many(texts) == [matcher.match(text) for text in texts]


def test_gibberish_and_empty_text_match_nothing() -> None:
    assert occupation_matcher().match("xyz qwerty") == []
    assert occupation_matcher().match("") == []
    assert occupation_matcher().match("  ,;  ") == []


def _generic_titles() -> set[str]:
    """Titles that name no occupation on their own (``title_words.csv`` rows without a code)."""
    path = Path(__file__).parents[2] / "catalogs" / "reference" / "data" / "title_words.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["title"] for row in csv.DictReader(handle) if not row["isco"]}


def test_exact_titles_and_synonyms_are_certain() -> None:
    """Every synonym of a priority occupation is read as its code and recognised (its
    calibrated confidence at least the reader's threshold), except the generic ones («рабочий»,
    «жұмысшы»): the reader does not recognise those on their own."""
    from matcher.reader import title_reader

    threshold = title_reader().threshold
    registry = occupations()
    generic = _generic_titles()
    texts = [
        s
        for o in registry.priority()
        for s in o.synonyms
        if not all(word in generic for word in s.casefold().split())
    ]
    results = occupation_matcher().match_many(texts, limit=1)
    wrong = [
        (text, found[0].code if found else None)
        for text, found in zip(texts, results, strict=True)
        if not found or found[0].confidence < threshold or registry.lookup(text) != found[0].code
    ]
    assert not wrong


def test_a_matcher_over_any_vocabulary() -> None:
    matcher = OccupationMatcher([("A", "пекарь"), ("B", "повар"), ("B", "аспаз")])
    assert [m.code for m in matcher.match("пекар")] == ["A"]
    assert matcher.match("аспаз")[0].confidence == 1.0
    assert matcher.match("сварщик") == []


def test_loose_folds_kazakh_letters_and_transliteration_keeps_categories() -> None:
    assert loose("Жүргізуші") == loose("жургизуши")
    assert transliterate("voditel kat. C") == "водител кат. c"
    assert transliterate("shveya") == "швея"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.integers(min_value=1, max_value=5))
def test_any_text_gives_ranked_confidences(text: str, limit: int) -> None:
    matches = occupation_matcher().match(text, limit=limit)
    assert len(matches) <= limit
    confidences = [m.confidence for m in matches]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.8 <= c <= 1.0 for c in confidences)
    assert len({m.code for m in matches}) == len(matches)


def test_readings_are_kept_under_the_readers_calibration() -> None:
    """Another calibration (with the same code and threshold) gives other confidences: readings
    kept under the old fingerprint are not this matcher's."""
    import dataclasses

    from matcher.reader import TitleReader, title_reader
    from matcher.reader.vocabulary import Vocabulary
    from matcher.text import ReaderMatcher

    shipped = title_reader()
    assert shipped.calibration is not None
    flat = (0.5,) * len(shipped.calibration.probability)
    other = TitleReader(
        shipped.model,
        vocabulary=lambda: Vocabulary(()),
        threshold=shipped.threshold,
        fingerprint=shipped.fingerprint,
        calibration=dataclasses.replace(shipped.calibration, probability=flat),
    )
    assert ReaderMatcher(other).fingerprint != ReaderMatcher(shipped).fingerprint
