"""The scored rows of a list, best first: by score and id, or, when congestion is counted, by
the discounted score with equal ones (to the three decimals a list shows) in a seeded,
score-weighted order (``matcher.congestion``)."""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from datetime import date

from matcher.congestion import Congestion
from matcher.profile import Course, Shelter, Vacancy

Ranked = list[tuple[int, float, tuple[int, int | None] | None]]
"""Each row's number, its score, and (referrals, free places) when congestion discounted it."""


def ranked(
    ids: Sequence[str],
    scores: list[float],
    limit: int | None,
    *,
    kind: str,
    items: Sequence[Vacancy | Course | Shelter],
    congestion: Congestion | None,
    person_id: str,
    today: date,
) -> Ranked:
    """The rows best first (only the best ``limit`` when given)."""
    if congestion is None:

        def order(k: int) -> tuple[float, str]:
            return (-scores[k], ids[k])

        rows = range(len(ids))
        best = sorted(rows, key=order) if limit is None else heapq.nsmallest(limit, rows, key=order)
        return [(k, scores[k], None) for k in best]
    discounted: list[float] = []
    notes: list[tuple[int, int | None] | None] = []
    for item, item_id, score in zip(items, ids, scores, strict=True):
        free = free_places(item)
        factor = congestion.factor(kind, item_id, free)
        notes.append((congestion.referrals[(kind, item_id)], free) if factor < 1.0 else None)
        discounted.append(score * factor)
    shown = [round(score, 3) for score in discounted]
    # equal scores (to the three decimals a list shows) are shuffled by a seeded key; the
    # key is drawn only where a tie reaches into the first ``limit`` places
    ranking = sorted(range(len(ids)), key=lambda k: -shown[k])
    end = len(ranking) if limit is None else min(limit, len(ranking))
    rng = random.Random()
    start = 0
    while start < end:
        stop = start + 1
        while stop < len(ranking) and shown[ranking[stop]] == shown[ranking[start]]:
            stop += 1
        if stop - start > 1:
            ranking[start:stop] = sorted(
                ranking[start:stop],
                key=lambda k: -congestion.tie_key(person_id, today, ids[k], discounted[k], rng=rng),
            )
        start = stop
    return [(k, discounted[k], notes[k]) for k in (ranking if limit is None else ranking[:limit])]


def free_places(item: Vacancy | Course | Shelter) -> int | None:
    """Quota slots (an ordinary vacancy counts as one opening), seats (None: unlimited), beds."""
    if isinstance(item, Vacancy):
        return item.quota_slots if item.is_quota else 1
    if isinstance(item, Course):
        return item.seats
    return item.free_beds
