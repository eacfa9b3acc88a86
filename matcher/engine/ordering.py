"""The scored rows of a list, best first: by score and id, or, when congestion is counted, by
the discounted score with equal ones (to the three decimals a list shows) in a seeded,
score-weighted order (``matcher.congestion``). Only the rows that can reach the first
``limit`` places are sorted, and only their ids are read.

**Trade first.** In a person's list of vacancies, the jobs of the person's own trade (an
*exact-trade match*: occupation fit above ``EXACT_TRADE_FIT``) whose score is at least
``TRADE_BAND`` of the best score of the other jobs come before every other job, in the same
order among themselves; the rest follow in theirs (``trade_leads``). Among those jobs of the
trade, the quota vacancies open now (``quota``) that score at least ``TRADE_BAND`` of the best
of them come first: the places the law reserves for people with a record are what the list is
for, and a quota job of one's own trade a point below an ordinary one is the better referral.
Each item keeps its own score: the rules order, they never change a score. The retraining
gate judges challengers on lists ordered by the same rules."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.congestion import Congestion
from matcher.profile import Course, Shelter, Vacancy

Ranked = list[tuple[int, float, tuple[int, int | None] | None, str | None]]
"""Each row's number, its score, (referrals, free places) when congestion discounted it, and
which rule put it before a job that scores higher, if one did: ``TRADE`` (before a job of
another trade) or ``QUOTA`` (a quota job before an ordinary one of the same trade). Its reasons
then say so: a list read top down shows a lower chance above a higher one."""
TRADE, QUOTA = "trade_first", "quota_first"
SHOWN_DECIMALS = 3
"""Scores equal to this many decimals are equal to a reader, and tie."""


@dataclass(frozen=True)
class Crowding:
    """What congestion reads of a list's rows: the congestion, each row's referrals in its
    window, and each row's free places (by row number)."""

    congestion: Congestion
    referrals: npt.NDArray[np.int64]
    free: Callable[[int], int | None]


EXACT_TRADE_FIT = 0.6
"""Occupation fit above which a job is of the person's own code: a related code (same minor
group) fits at most 0.6, a job open to anyone at most 0.55 (``matcher.features.occupation``),
so a metal erector (7214) is not a welder's (7212) trade."""
TRADE_BAND = 0.8
"""How close an exact-trade match must score to the best of the other jobs to come before
them all: at least this share of that score (a welder's welding job at 12 % before a
storekeeper's at 15 %, not before one at 16 %)."""


def trade_leads(
    scores: npt.NDArray[np.float64], fit: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """The rows the trade-first rule puts first: exact-trade matches (``fit`` above
    ``EXACT_TRADE_FIT``) scoring at least ``TRADE_BAND`` of the best score of the rows that
    are not (all of them, when every row is one)."""
    exact: npt.NDArray[np.bool_] = fit > EXACT_TRADE_FIT
    if not exact.any() or exact.all():
        return exact
    others = float(scores[~exact].max())
    leads: npt.NDArray[np.bool_] = exact & (scores >= TRADE_BAND * others)
    return leads


def ranked(
    scores: npt.NDArray[np.float64],
    limit: int | None,
    *,
    id_of: Callable[[int], str],
    crowding: Crowding | None,
    person_id: str,
    today: date,
    fit: npt.NDArray[np.float64] | None = None,
    quota: npt.NDArray[np.bool_] | None = None,
) -> Ranked:
    """The rows best first (only the best ``limit`` when given); ``id_of``: a row's item id;
    ``fit``: each row's occupation fit, when the list puts the person's trade first
    (``trade_leads``, on the scores as shown: after any congestion discount); ``quota``: which
    rows are quota vacancies open now (``quota_leads``)."""
    notes: dict[int, tuple[int, int | None]] = {}
    if crowding is not None:
        scores = scores.copy()
        values = scores.tolist()
        for k in np.flatnonzero(crowding.referrals).tolist():
            count, free = int(crowding.referrals[k]), crowding.free(k)
            factor = crowding.congestion.discount(count, free)
            if factor < 1.0:
                notes[k] = (count, free)
                scores[k] = values[k] * factor
    order = _Order(scores, id_of, crowding, person_id, today)
    leads = None if fit is None else trade_leads(scores, fit)
    if leads is None or not leads.any():
        best = order.rows(None, limit)
        return [(k, order.values[k], notes.get(k), None) for k in best]
    first = quota_leads(scores, leads, quota)
    best = []
    for part in (first, leads & ~first, ~leads):
        more = None if limit is None else limit - len(best)
        if part.any() and (more is None or more > 0):
            best += order.rows(np.flatnonzero(part), more)
    others = float(scores[~leads].max()) if not leads.all() else float("inf")
    trade = float(scores[leads & ~first].max()) if (leads & ~first).any() else float("inf")

    def moved(k: int) -> str | None:
        if first[k] and scores[k] < trade:
            return QUOTA
        return TRADE if leads[k] and scores[k] < others else None

    return [(k, order.values[k], notes.get(k), moved(k)) for k in best]


def quota_leads(
    scores: npt.NDArray[np.float64],
    leads: npt.NDArray[np.bool_],
    quota: npt.NDArray[np.bool_] | None,
) -> npt.NDArray[np.bool_]:
    """The jobs of the trade (``leads``) that come first among them: the quota vacancies open
    now scoring at least ``TRADE_BAND`` of the best job of the trade."""
    if quota is None or not (leads & quota).any():
        return np.zeros(len(scores), dtype=bool)
    best = float(scores[leads].max())
    found: npt.NDArray[np.bool_] = leads & quota & (scores >= TRADE_BAND * best)
    return found


@dataclass
class _Order:
    """How the rows of one list are ordered: by score and id, or (``crowding``) by the score
    a list shows with its ties in a seeded, score-weighted order."""

    scores: npt.NDArray[np.float64]
    id_of: Callable[[int], str]
    crowding: Crowding | None
    person_id: str
    today: date

    def __post_init__(self) -> None:
        self.values: list[float] = self.scores.tolist()

    def rows(self, among: npt.NDArray[np.int64] | None, limit: int | None) -> list[int]:
        """The best ``limit`` of the rows ``among`` (all rows when None), best first."""
        scores = self.scores if among is None else self.scores[among]
        values = self.values
        if self.crowding is None:
            rows = _reaching(scores, limit)
            if among is not None:
                rows = among[rows].tolist()
            ids = {k: self.id_of(k) for k in rows}
            return sorted(rows, key=lambda k: (-values[k], ids[k]))[:limit]
        rows = _reaching_shown(scores, limit)
        if among is not None:
            rows = among[rows].tolist()
        shown = {k: round(values[k], SHOWN_DECIMALS) for k in rows}
        # equal scores (to the three decimals a list shows) are shuffled by a seeded key; the
        # key is drawn only where a tie reaches into the first ``limit`` places
        ranking = sorted(rows, key=lambda k: -shown[k])
        end = len(ranking) if limit is None else min(limit, len(ranking))
        rng, congestion = random.Random(), self.crowding.congestion
        start = 0
        while start < end:
            stop = start + 1
            while stop < len(ranking) and shown[ranking[stop]] == shown[ranking[start]]:
                stop += 1
            if stop - start > 1:
                ranking[start:stop] = sorted(
                    ranking[start:stop],
                    key=lambda k: (
                        -congestion.tie_key(
                            self.person_id, self.today, self.id_of(k), values[k], rng=rng
                        )
                    ),
                )
            start = stop
        return ranking[:end]


def _reaching(scores: npt.NDArray[np.float64], limit: int | None) -> list[int]:
    """The rows, in their order, whose score reaches the ``limit``-th best (all rows without
    a limit): the only ones that can be among the first ``limit``."""
    if limit is None or len(scores) <= limit:
        return list(range(len(scores)))
    last = -np.partition(-scores, limit - 1)[limit - 1]
    found: list[int] = np.flatnonzero(scores >= last).tolist()
    return found


def _reaching_shown(scores: npt.NDArray[np.float64], limit: int | None) -> list[int]:
    """The rows, in their order, whose score rounded to ``SHOWN_DECIMALS`` reaches the
    ``limit``-th best rounded score (all rows without a limit). Rounding keeps the order of
    scores, so that is the rounding of the ``limit``-th best score; rows far below it are
    left out before any is rounded (with Python's ``round``, as a list shows a score)."""
    if limit is None or len(scores) <= limit:
        return list(range(len(scores)))
    last = round(float(-np.partition(-scores, limit - 1)[limit - 1]), SHOWN_DECIMALS)
    near: list[int] = np.flatnonzero(scores >= last - 10.0**-SHOWN_DECIMALS).tolist()
    return [k for k in near if round(float(scores[k]), SHOWN_DECIMALS) >= last]


def free_places(item: Vacancy | Course | Shelter) -> int | None:
    """Quota slots (an ordinary vacancy counts as one opening), seats (None: unlimited), beds."""
    if isinstance(item, Vacancy):
        return item.quota_slots if item.is_quota else 1
    if isinstance(item, Course):
        return item.seats
    return item.free_beds


def referral_counts(
    congestion: Congestion, kind: str, position: Mapping[str, int]
) -> npt.NDArray[np.int64]:
    """The referrals of each item of ``kind`` in the congestion window, by the item's
    position (``position``: id → position in its index)."""
    found = np.zeros(len(position), dtype=np.int64)
    for (of, item), count in congestion.referrals.items():
        if of == kind and (at := position.get(item)) is not None:
            found[at] = count
    return found
