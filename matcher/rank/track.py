"""Track records: what only outcomes can teach about an employer, a course or a shelter.

For every referral whose outcome is known, three things are counted against the item's *key*
(the employer's BIN for a vacancy, the course, the shelter): whether it passed the first step
(hired, enrolled, admitted), whether it succeeded (a job kept 3 months, a course completed, a
stay begun), and whether the person held a job for 3 months within a year of it. The rates are
smoothed towards the overall rate, as La Bonne Boîte smooths a company's hiring propensity, so
that an employer with two referrals is not judged on them:

    rate = (successes + PRIOR_WEIGHT · overall rate) / (resolved referrals + PRIOR_WEIGHT)

A referral's success counts only once it is *resolved*: ``outcomes.HORIZON_DAYS`` after it was
made, when its outcome is known whatever it was; its first step counts sooner, after
``outcomes.STAGE_DAYS`` (whether a person was hired is known within weeks). Looking the records up *as of* a day therefore never
uses an outcome that was not known that day, which keeps training free of leaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TRACK_FEATURES = ("track_stage", "track_success", "track_job", "track_history")
"""Columns added to the engine's features for the learned rankers (all in [0, 1])."""
PRIOR_WEIGHT = 10.0
"""Referrals' worth of the overall rate mixed into every item's rate."""
HISTORY_FULL = 50
"""Referrals after which an item's record counts as long (``track_history`` reaches 1)."""
_SPAN = 10_000_000
"""Larger than any day ordinal: ``key * _SPAN + day`` sorts by key, then by day."""


@dataclass(frozen=True)
class Outcomes:
    """Resolved referrals as columns: the key each counts against, the day it resolved (an
    ordinal), and three 0/1 outcomes."""

    keys: Sequence[str]
    resolved: npt.NDArray[np.int64]
    stage: npt.NDArray[np.float64]
    success: npt.NDArray[np.float64]
    job: npt.NDArray[np.float64]
    stage_resolved: npt.NDArray[np.int64] | None = None
    """When the first step is known (a hire comes within weeks; default: ``resolved``)."""


class TrackRecords:
    """Smoothed rates per key, looked up as of any day."""

    def __init__(self, outcomes: Outcomes) -> None:
        self.codes: dict[str, int] = {}
        for key in outcomes.keys:
            self.codes.setdefault(key, len(self.codes))
        code = np.array([self.codes[k] for k in outcomes.keys], dtype=np.int64)
        stage_resolved = (
            outcomes.resolved if outcomes.stage_resolved is None else outcomes.stage_resolved
        )
        self._stage = _Cumulative(code, stage_resolved, outcomes.stage[:, None])
        self._outcome = _Cumulative(
            code, outcomes.resolved, np.column_stack([outcomes.success, outcomes.job])
        )
        n = len(code)
        self.prior = (
            np.array([outcomes.stage.mean(), outcomes.success.mean(), outcomes.job.mean()])
            if n
            else np.array([0.5, 0.2, 0.2])
        )
        self.size = n

    def as_of(self, keys: Sequence[str], days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Rows of ``TRACK_FEATURES`` for each key, counting referrals resolved before each day."""
        day = np.asarray(days, dtype=np.int64)
        if day.ndim == 0:
            day = np.full(len(keys), int(day))
        code = np.array([self.codes.get(k, -1) for k in keys], dtype=np.int64)
        staged, stage_sums = self._stage.before(code, day)
        count, sums = self._outcome.before(code, day)
        stage = (stage_sums[:, 0] + PRIOR_WEIGHT * self.prior[0]) / (staged + PRIOR_WEIGHT)
        rates = (sums + PRIOR_WEIGHT * self.prior[1:]) / (count[:, None] + PRIOR_WEIGHT)
        history = np.minimum(1.0, np.log1p(count) / np.log1p(HISTORY_FULL))
        result: npt.NDArray[np.float64] = np.column_stack([stage, rates, history])
        return result

    def counts(self, key: str, day: int) -> tuple[int, float, float]:
        """Resolved referrals of ``key`` before ``day``, and how many succeeded / led to a job."""
        code = np.array([self.codes.get(key, -1)], dtype=np.int64)
        count, sums = self._outcome.before(code, np.array([day], dtype=np.int64))
        return int(count[0]), float(sums[0, 0]), float(sums[0, 1])


class _Cumulative:
    """Running sums of some 0/1 columns per key, in the order the rows resolve."""

    def __init__(
        self,
        code: npt.NDArray[np.int64],
        resolved: npt.NDArray[np.int64],
        columns: npt.NDArray[np.float64],
    ) -> None:
        order = np.argsort(code * _SPAN + resolved, kind="stable")
        self.sorted = (code * _SPAN + resolved)[order]
        width = columns.shape[1] if columns.ndim == 2 else 1
        self.cumulative = np.vstack(
            [np.zeros((1, width)), np.cumsum(columns[order].reshape(-1, width), axis=0)]
        )

    def before(
        self, code: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Per query: how many rows of the key resolved before the day, and their sums."""
        known = code >= 0
        start = np.searchsorted(self.sorted, code * _SPAN, side="left")
        end = np.searchsorted(self.sorted, code * _SPAN + day, side="left")
        count = np.where(known, end - start, 0).astype(np.float64)
        sums = np.where(known[:, None], self.cumulative[end] - self.cumulative[start], 0.0)
        return count, sums


def empty() -> TrackRecords:
    """No outcomes yet: every key gets the default rates and no history."""
    none = np.zeros(0)
    return TrackRecords(Outcomes((), np.zeros(0, dtype=np.int64), none, none, none))


@dataclass(frozen=True)
class Snapshot:
    """Every key's ``TRACK_FEATURES`` as of one day, for serving (a dictionary lookup)."""

    rates: dict[str, tuple[float, ...]]
    default: tuple[float, ...]
    counts: dict[str, tuple[int, int]]
    """Key → (resolved referrals, successes), for the reasons an officer reads."""

    def get(self, key: str) -> tuple[float, ...]:
        return self.rates.get(key, self.default)


def snapshot(records: TrackRecords, day: int) -> Snapshot:
    keys = list(records.codes)
    rows = records.as_of(keys, day) if keys else np.zeros((0, len(TRACK_FEATURES)))
    resolved, sums = records._outcome.before(
        np.arange(len(keys), dtype=np.int64), np.full(len(keys), day, dtype=np.int64)
    )
    counts = {
        key: (int(n), round(float(success)))
        for key, n, success in zip(keys, resolved, sums[:, 0], strict=True)
    }
    return Snapshot(
        {key: tuple(float(v) for v in row) for key, row in zip(keys, rows, strict=True)},
        (*(float(rate) for rate in records.prior), 0.0),  # no record: the overall rates
        counts,
    )
