"""The serving heap after a build: garbage collected, the rest frozen (service.serving.heap)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from service.serving import heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def frozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_garbage_is_collected_and_what_lives_is_frozen(frozen: None) -> None:
    dead = cycle()
    kept = Node()
    heap.settle()
    assert dead() is None
    assert gc.get_freeze_count() > 0
    assert any(obj is kept for obj in gc.get_objects()) is False  # frozen: not walked by gc


def test_a_second_settle_collects_cycles_frozen_by_the_first(frozen: None) -> None:
    """The old engine's cycles, frozen when it was built, are collected after a rebuild."""
    engine = Node()
    engine.other = Node()
    engine.other.other = engine
    old = weakref.ref(engine)
    heap.settle()
    assert old() is not None  # alive, and frozen with the rest
    del engine  # the old engine dropped: only its own cycle holds it now
    gc.collect()
    assert old() is not None  # a frozen cycle is not collected...
    heap.settle()
    assert old() is None  # ...until the next settle gives it back to the collector
