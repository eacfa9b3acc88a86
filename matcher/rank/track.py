"""Track records: what only outcomes can teach about an employer, a course or a shelter.

For every referral whose outcome is known, three things are counted against the item's *key*
(the employer's BIN for a vacancy, the course, the shelter): whether it passed the first step
(hired, enrolled, admitted), whether it succeeded (a job kept 3 months, a course completed, a
stay begun), and whether the person held a job for 3 months within a year of it. The rates are
smoothed towards the overall rate, as La Bonne Boîte smooths a company's hiring propensity, so
that an employer with two referrals is not judged on them:

    rate = (successes + PRIOR_WEIGHT · overall rate) / (resolved referrals + PRIOR_WEIGHT)

The overall rate as of a day is itself a record's: every key's, over the referrals resolved
before that day (``TrackRecords.prior``). A referral still young or pending is in neither its
numerator nor its denominator, as it is in no item's record: counted as a failure, it would
lower the average every record is compared with («при среднем …» in a reason) and smoothed
towards.

A referral counts in its item's record only once it is *resolved*: ``outcomes.HORIZON_DAYS``
after it was made, when its outcome is known whatever it was (later while a hire's 3 months or a
course are still running); in the first step's count sooner, after ``outcomes.STAGE_DAYS``
(whether a person was hired is known within weeks). Each 1 it adds (hired, kept, a job found
later) counts from the day that fact became known, if that is later: a job found 300 days after
a course's referral counts from then, though the referral counts from its 120th day. A record
read *as of* a day therefore counts exactly what was known before that day, which keeps training
free of leaks, and serving reads the same records as of tomorrow; the overall rates too.
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
DEFAULT_PRIOR = (0.5, 0.2, 0.2)
"""The overall rates (first step, success, job) before any outcome is known."""
HISTORY_FULL = 50
"""Referrals after which an item's record counts as long (``track_history`` reaches 1)."""
_SPAN = 10_000_000
"""Larger than any day ordinal: ``key * _SPAN + day`` sorts by key, then by day."""


@dataclass(frozen=True)
class Outcomes:
    """Referrals as columns: the key each counts against, the day it resolved (an ordinal),
    three 0/1 outcomes, and when each was known."""

    keys: Sequence[str]
    resolved: npt.NDArray[np.int64]
    stage: npt.NDArray[np.float64]
    success: npt.NDArray[np.float64]
    job: npt.NDArray[np.float64]
    stage_resolved: npt.NDArray[np.int64] | None = None
    """When the referral enters the first step's count (a hire comes within weeks; default:
    ``resolved``)."""
    stage_known: npt.NDArray[np.int64] | None = None
    """When a first step taken became known; it counts from the later of this and
    ``stage_resolved`` (default: from ``stage_resolved``)."""
    success_known: npt.NDArray[np.int64] | None = None
    job_known: npt.NDArray[np.int64] | None = None
    """The same for a success and for a job kept: counted from the later of it and
    ``resolved``."""


TALLY = ("staged", "stage", "resolved", "success", "job")
"""What ``TrackRecords.tally`` counts per key: referrals in the first step's count and those
that passed it, resolved referrals and those that succeeded or led to a job."""


class TrackRecords:
    """Smoothed rates per key, looked up as of any day."""

    def __init__(self, outcomes: Outcomes) -> None:
        self.codes: dict[str, int] = {}
        for key in outcomes.keys:
            self.codes.setdefault(key, len(self.codes))
        code = np.array([self.codes[k] for k in outcomes.keys], dtype=np.int64)
        resolved = np.asarray(outcomes.resolved, dtype=np.int64)
        staged = resolved if outcomes.stage_resolved is None else outcomes.stage_resolved
        ones = np.ones(len(code))
        # one row per fact: the day it counts from, and what it adds to each column of TALLY
        facts = [
            (staged, ones),
            (_later(staged, outcomes.stage_known), outcomes.stage),
            (resolved, ones),
            (_later(resolved, outcomes.success_known), outcomes.success),
            (_later(resolved, outcomes.job_known), outcomes.job),
        ]
        add = [value != 0 for _, value in facts]
        column = np.concatenate([np.full(a.sum(), c) for c, a in enumerate(add)])
        adds = np.zeros((len(column), len(TALLY)))
        adds[np.arange(len(column)), column] = np.concatenate(
            [value[a] for (_, value), a in zip(facts, add, strict=True)]
        )
        days = np.concatenate([np.asarray(day)[a] for (day, _), a in zip(facts, add, strict=True)])
        self._facts = _Cumulative(np.concatenate([code[a] for a in add]), days, adds)
        self._overall = _Cumulative(np.zeros(len(days), dtype=np.int64), days, adds)
        self.size = len(code)

    def tally(self, keys: Sequence[str], days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Rows of ``TALLY`` for each key, counting the facts known before each day."""
        day = np.asarray(days, dtype=np.int64)
        if day.ndim == 0:
            day = np.full(len(keys), int(day))
        code = np.array([self.codes.get(k, -1) for k in keys], dtype=np.int64)
        return self._facts.before(code, day)

    def prior(self, days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The overall rates (first step, success, job) as of each day: every key's facts known
        before it over the referrals resolved before it (``DEFAULT_PRIOR`` while none is)."""
        day = np.atleast_1d(np.asarray(days, dtype=np.int64))
        staged, stage, count, success, job = self._overall.before(
            np.zeros(len(day), dtype=np.int64), day
        ).T
        hits = np.column_stack([stage, success, job])
        of = np.column_stack([staged, count, count])
        rates: npt.NDArray[np.float64] = np.where(
            of > 0, hits / np.maximum(of, 1), np.array(DEFAULT_PRIOR)
        )
        return rates

    def as_of(self, keys: Sequence[str], days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Rows of ``TRACK_FEATURES`` for each key, counting what was known before each day,
        smoothed towards the overall rates as of that day."""
        day = np.asarray(days, dtype=np.int64)
        if day.ndim == 0:
            day = np.full(len(keys), int(day))
        return _rates(self.tally(keys, day), self._priors(day))

    def _priors(self, day: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """``prior`` per row, computed once per distinct day."""
        if not len(day):
            return np.zeros((0, 3))
        distinct, where = np.unique(day, return_inverse=True)
        return self.prior(distinct)[where.reshape(-1)]

    def counts(self, key: str, day: int) -> tuple[int, float, float]:
        """Resolved referrals of ``key`` before ``day``, and how many succeeded / led to a job."""
        _, _, count, success, job = self.tally([key], day)[0]
        return int(count), float(success), float(job)


def _later(
    day: npt.NDArray[np.int64], known: npt.NDArray[np.int64] | None
) -> npt.NDArray[np.int64]:
    return day if known is None else np.maximum(day, known)


def _rates(
    tally: npt.NDArray[np.float64], prior: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``TRACK_FEATURES`` from rows of ``TALLY`` and the overall rates of each row."""
    staged, stage, count, success, job = tally.T
    stage_rate = (stage + PRIOR_WEIGHT * prior[:, 0]) / (staged + PRIOR_WEIGHT)
    rates = (np.column_stack([success, job]) + PRIOR_WEIGHT * prior[:, 1:]) / (
        count[:, None] + PRIOR_WEIGHT
    )
    history = np.minimum(1.0, np.log1p(count) / np.log1p(HISTORY_FULL))
    result: npt.NDArray[np.float64] = np.column_stack([stage_rate, rates, history])
    return result


class _Cumulative:
    """Running sums of some columns per key, in the order of the rows' days."""

    def __init__(
        self,
        code: npt.NDArray[np.int64],
        day: npt.NDArray[np.int64],
        columns: npt.NDArray[np.float64],
    ) -> None:
        order = np.argsort(code * _SPAN + day, kind="stable")
        self.sorted = (code * _SPAN + day)[order]
        self.cumulative = np.vstack(
            [np.zeros((1, columns.shape[1])), np.cumsum(columns[order], axis=0)]
        )

    def before(
        self, code: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Per query: the sums of the key's rows dated before the day (zeros for no key)."""
        known = code >= 0
        start = np.searchsorted(self.sorted, code * _SPAN, side="left")
        end = np.searchsorted(self.sorted, code * _SPAN + day, side="left")
        sums: npt.NDArray[np.float64] = np.where(
            known[:, None], self.cumulative[end] - self.cumulative[start], 0.0
        )
        return sums


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
    tally = records.tally(keys, day) if keys else np.zeros((0, len(TALLY)))
    prior = records.prior(day)
    rows = _rates(tally, np.repeat(prior, len(keys), axis=0))
    counts = {
        key: (int(n), round(float(success)))
        for key, n, success in zip(keys, tally[:, 2], tally[:, 3], strict=True)
    }
    return Snapshot(
        {key: tuple(float(v) for v in row) for key, row in zip(keys, rows, strict=True)},
        (*(float(rate) for rate in prior[0]), 0.0),  # no record: the overall rates
        counts,
    )
