"""The baseline's weights and its arithmetic, with no scikit-learn: what the engine scores with.

A score is the weighted sum of a row's features, each clipped to [0, 1], with weights that sum
1, so a score stays in [0, 1]. ``WeightedSum`` is that sum and nothing else (it has the
engine's ``Ranker`` interface); ``matcher.rank.baseline.BaselineRanker`` is the same sum as a
scikit-learn estimator, for training and evaluation, and computes it with the functions below,
so both give the same scores to the last bit. The weights and the reasons for them are in
``docs/algorithm.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

WEIGHTS: dict[str, dict[str, float]] = {
    # a person's list of jobs: the trade first, then whether the job is within reach, then
    # what makes a first job after prison work (quota slot, a roof, the formal fit)
    "vacancy": {
        "occupation": 0.34,
        "proximity": 0.20,
        "quota": 0.12,
        "housing": 0.10,
        "education": 0.06,
        "skills": 0.05,
        "salary": 0.05,
        "experience": 0.05,
        "urgency": 0.03,
    },
    # a vacancy's list of candidates: the trade and the distance, then who needs the job most
    # (the first months after release) and who the employer can actually take on
    "candidate": {
        "occupation": 0.36,
        "proximity": 0.20,
        "urgency": 0.14,
        "housing": 0.08,
        "education": 0.08,
        "experience": 0.07,
        "skills": 0.07,
        "quota": 0.0,
        "salary": 0.0,
    },
    "course": {
        "relevance": 0.40,
        "reach": 0.20,
        "timing": 0.20,
        "cost": 0.08,
        "seats": 0.07,
        "language": 0.05,
    },
    "shelter": {"proximity": 0.45, "services": 0.20, "beds": 0.20, "stay": 0.15},
}


def coefficients(weights: Mapping[str, float], names: Sequence[str]) -> npt.NDArray[np.float64]:
    """Each column's weight, normalised so that all sum 1 (0 for a column not weighted)."""
    unknown = set(weights) - set(names)
    if unknown:
        raise ValueError(f"weights for features not in X: {sorted(unknown)}")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    total = sum(weights.values())
    return np.array([weights.get(n, 0.0) / total for n in names])


def weighted_sum(
    array: npt.NDArray[np.float64], coef: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The score of each row of ``array``: its features clipped to [0, 1], weighed."""
    scores: npt.NDArray[np.float64] = np.clip(array, 0.0, 1.0) @ coef
    return scores


def shares(
    names: Iterable[Any], coef: npt.NDArray[np.float64], row: Sequence[float]
) -> dict[str, float]:
    """Each feature's share of one row's score."""
    return {
        str(name): float(weight) * min(1.0, max(0.0, value))
        for name, weight, value in zip(names, coef, row, strict=True)
    }


class WeightedSum:
    """The baseline as the engine uses it: ``features_`` (the columns, in order) and ``coef_``
    (their normalised weights); scores from ``predict_proba(X)[:, 1]``."""

    def __init__(self, weights: Mapping[str, float], *, features: Sequence[str]) -> None:
        self.features_ = np.asarray([str(name) for name in features], dtype=object)
        self.coef_ = coefficients(weights, list(self.features_))
        self._names = [str(name) for name in features]

    def _score(self, X: Any) -> npt.NDArray[np.float64]:
        array = np.asarray(X, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != len(self.coef_):
            raise ValueError(f"X has shape {array.shape}; expected {len(self.coef_)} features")
        if not np.all(np.isfinite(array)):
            raise ValueError("X holds NaN or infinite values")
        return weighted_sum(array, self.coef_)

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """Columns: [not a good match, good match]; the second is the score in [0, 1]."""
        score = self._score(X)
        return np.column_stack([1.0 - score, score])

    def contributions(self, row: Sequence[float]) -> dict[str, float]:
        """Each feature's share of one row's score (for ``matcher why`` and every list
        item's reasons): ``shares``, in one array operation."""
        parts = np.clip(np.asarray(row, dtype=np.float64), 0.0, 1.0) * self.coef_
        return dict(zip(self._names, parts.tolist(), strict=True))


def baseline(kind: str) -> WeightedSum:
    """The baseline ranker of ``kind`` (vacancy, candidate, course, shelter)."""
    from matcher.features.pairs import FEATURES

    return WeightedSum(WEIGHTS[kind], features=FEATURES[kind])
