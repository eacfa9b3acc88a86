"""Congestion-aware shortlists: scarce items are shared out instead of sent to everyone.

An item is congested when it had more referrals in the last ``WINDOW_DAYS`` days than it has
free places now: quota slots (1 for an ordinary vacancy), course seats or free beds. Unlimited
seats are never congested, and neither is an item with as many referrals as places or fewer:
4 referrals in 30 days for 28 beds is a centre in use, not a crowded one. A congested item's
score is multiplied by ``1 / (1 + STRENGTH × excess / free places)``, where ``excess`` is the
referrals beyond the free places, and its list item says so (the ``congested`` reason). Ten
referrals to one free slot cut a score by 5.5; the same ten referrals to an employer with ten
openings cut nothing — as France's inclusion-employment platform puts it, send ten times more
applications to an employer with ten openings than to one with one.

Items whose scores tie (to the three decimals a list shows) are ordered by a seeded, score-weighted shuffle
(weighted random keys, Efraimidis–Spirakis): reproducible for a person and a day, but not
the same few items first for everyone.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

STRENGTH = 0.5
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Congestion:
    referrals: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(kind, item id) → referrals in the last ``WINDOW_DAYS`` days."""
    seed: int = 0

    def factor(self, kind: str, item_id: str, free: int | None) -> float:
        """The discount of one item (1.0: none). ``free`` None means unlimited."""
        return self.discount(self.referrals.get((kind, item_id), 0), free)

    @staticmethod
    def discount(count: int, free: int | None) -> float:
        """The discount of an item with ``count`` referrals in the window and ``free`` places
        (None: unlimited): 1.0 unless the referrals outnumber the places."""
        if free is None or count <= max(free, 0):
            return 1.0
        excess = count - max(free, 0)
        return 1.0 / (1.0 + STRENGTH * excess / max(free, 1))

    def tie_key(
        self,
        person_id: str,
        day: date,
        item_id: str,
        score: float,
        *,
        rng: random.Random | None = None,
    ) -> float:
        """A weighted random key: higher scores tend to come first among equals. ``rng``: a
        generator to re-seed (a list's ties share one instead of each making its own; the key
        is the same either way)."""
        seed = zlib.crc32(f"{self.seed}|{person_id}|{day.isoformat()}|{item_id}".encode())
        if rng is None:
            rng = random.Random()
        rng.seed(seed)
        u = rng.random()
        return float(u ** (1.0 / max(score, 1e-6)))
