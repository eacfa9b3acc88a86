"""Small, fast, seedable sampling helpers for the demo generator.

Every draw goes through a ``random.Random`` passed in by the caller: nothing here touches the
global generator or the clock, so the same seed always gives the same rows.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with weights; ``pick`` draws one in O(log n) with a single ``random()`` call."""

    __slots__ = ("_cumulative", "_total", "items")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        cumulative: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight < 0:
                raise ValueError(f"negative weight {weight} for {item!r}")
            if weight == 0:
                continue
            total += weight
            items.append(item)
            cumulative.append(total)
        if not items:
            raise ValueError("nothing to pick from")
        self.items: tuple[T, ...] = tuple(items)
        self._cumulative = cumulative
        self._total = total

    def pick(self, rng: random.Random) -> T:
        index = bisect_right(self._cumulative, rng.random() * self._total)
        return self.items[min(index, len(self.items) - 1)]


def parse_weights(cell: str, convert: Callable[[str], T]) -> Weighted[T]:
    """``"full:75|shift:15"`` -> a ``Weighted`` of converted keys."""
    pairs = []
    for part in cell.split("|"):
        key, _, weight = part.rpartition(":")
        pairs.append((convert(key.strip()), float(weight)))
    return Weighted(pairs)


def split_list(cell: str) -> tuple[str, ...]:
    """``"a|b|c"`` -> ``("a", "b", "c")``; an empty cell gives an empty tuple."""
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def round_to(value: float, step: int) -> int:
    return round(value / step) * step


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)
