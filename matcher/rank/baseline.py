"""The transparent baseline ranker: a weighted sum of features in [0, 1].

It follows scikit-learn's conventions so that the learned ranker trained on outcomes can take
its place without the engine noticing: ``__init__`` only stores parameters, ``fit`` validates
the feature columns and returns ``self``, learned attributes end in ``_``, and scores come from
``predict_proba(X)[:, 1]``. The weights and the reasons for them are in ``docs/algorithm.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_array, check_is_fitted

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


class BaselineRanker(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Scores rows of features with fixed weights; ``weights`` maps feature name to weight.

    ``fit(X)`` needs the feature names (a pandas DataFrame's columns, or ``feature_names``),
    checks that every weighted feature is present, and normalises the weights to sum 1, so a
    score stays in [0, 1] when every feature does. ``y`` is accepted and ignored.
    """

    def __init__(self, weights: Mapping[str, float] | None = None) -> None:
        self.weights = weights

    def fit(
        self, X: Any, y: Any = None, *, feature_names: Sequence[str] | None = None
    ) -> BaselineRanker:
        names = feature_names
        if names is None and hasattr(X, "columns"):
            names = [str(c) for c in X.columns]
        array = check_array(X, dtype=np.float64, ensure_all_finite=True)
        if names is None:
            names = [f"x{i}" for i in range(array.shape[1])]
        if len(names) != array.shape[1]:
            raise ValueError(f"{len(names)} feature names for {array.shape[1]} columns")
        weights = dict(self.weights) if self.weights is not None else dict.fromkeys(names, 1.0)
        unknown = set(weights) - set(names)
        if unknown:
            raise ValueError(f"weights for features not in X: {sorted(unknown)}")
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        total = sum(weights.values())
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = array.shape[1]
        self.coef_ = np.array([weights.get(n, 0.0) / total for n in names])
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: Any) -> npt.NDArray[np.float64]:
        check_is_fitted(self)
        array = check_array(X, dtype=np.float64, ensure_all_finite=True)
        if array.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {array.shape[1]} features, expected {self.n_features_in_}")
        scores: npt.NDArray[np.float64] = np.clip(array, 0.0, 1.0) @ self.coef_
        return scores

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """Columns: [not a good match, good match]; the second is the score in [0, 1]."""
        score = self.decision_function(X)
        return np.column_stack([1.0 - score, score])

    def predict(self, X: Any) -> npt.NDArray[np.int64]:
        return (self.decision_function(X) >= 0.5).astype(np.int64)

    def contributions(self, row: Sequence[float]) -> dict[str, float]:
        """Each feature's share of one row's score (for ``matcher why``)."""
        check_is_fitted(self)
        return {
            str(name): float(weight) * min(1.0, max(0.0, value))
            for name, weight, value in zip(self.feature_names_in_, self.coef_, row, strict=True)
        }


def baseline(kind: str) -> BaselineRanker:
    """The fitted baseline ranker of ``kind`` (vacancy, candidate, course, shelter)."""
    from matcher.features.pairs import FEATURES

    names = FEATURES[kind]
    return BaselineRanker(WEIGHTS[kind]).fit(np.zeros((1, len(names))), feature_names=names)
