"""``normalize_occupation`` leaves a title none of whose words a step reads as its folded text:
the same answer as running every step."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogs import normalize as n
from catalogs.licence_categories import categories


def _every_step(text: str) -> str:
    tokens = n.fold(text).split(" ")
    tokens = n._strip_noise(n._expand(tokens))
    tokens = n._strip_noise(n._strip_grades(categories(tokens)))
    return " ".join(tokens)


WORDS = (
    "сварщик", "водитель", "с", "х", "эл", "газо", "пом", "повара", "кат", "с", "в", "5",
    "разряда", "iv", "группа", "допуска", "класса", "опытом", "работы", "требуется", "жүргізуші",
    "санатты", "категории", "ce", "менеджер", "по", "продажам", "ж", "д", "высшей", "и",
    "м", "к", "мк", "монтажник",
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
def test_one_pass_is_every_step(words: list[str]) -> None:
    text = " ".join(words)
    assert n._normalize_once(text) == _every_step(text)


@pytest.mark.parametrize(
    ("text", "untouched"),
    [
        ("Менеджер по продажам", True),
        ("Инженер-конструктор (КЖ)", True),
        ("Эл.газосварщик", False),
        ("Водитель C", False),
        ("Повар 5 разряда", False),
        ("Требуется повар", False),
        ("с/х рабочий", False),
        ("IV группа допуска", False),
        ("Монтажник МК", False),
    ],
)
def test_a_title_no_step_reads_is_its_folded_text(text: str, untouched: bool) -> None:
    assert n._untouched(n.fold(text).split(" ")) is untouched
    if untouched:
        assert n.normalize_occupation(text) == n.fold(text)


@pytest.mark.parametrize("text", ["Монтажник МК", "монтажник м/к", "Монтажник металлоконструкций"])
def test_metal_structures_abbreviated_are_metal_structures(text: str) -> None:
    assert n.normalize_occupation(text) == "монтажник металлоконструкций"
