"""The transparent baseline ranker: a weighted sum of features in [0, 1].

It is a scikit-learn estimator so that the learned ranker trained on outcomes can take its
place without the engine noticing: ``__init__`` only stores parameters, ``fit`` validates X
and returns ``self``, learned attributes end in ``_``, and scores come from
``predict_proba(X)[:, 1]``. ``tests/matcher/test_estimators.py`` runs scikit-learn's
estimator checks on it. Its weights and arithmetic are those of ``matcher.rank.weights``,
whose ``baseline(kind)`` the engine scores with (the same sums without scikit-learn, which
is slow to import); the reasons for the weights are in ``docs/algorithm.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from matcher.rank.inputs import binary_target, column_names, row_weights, upgrade_state
from matcher.rank.weights import WEIGHTS, baseline, coefficients, shares, weighted_sum

__all__ = ["WEIGHTS", "BaselineRanker", "baseline"]


class BaselineRanker(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Scores rows of features with fixed weights.

    Parameters: ``weights`` maps a column's name to its weight (None: every column weighs the
    same); ``features`` names X's columns in order, for an X that carries no names (a NumPy
    array); without it a DataFrame's column names are used, else ``x0``, ``x1``, ….

    ``fit(X, y=None, sample_weight=None)`` checks that every weighted feature is a column of X
    and normalises the weights to sum 1, so a score stays in [0, 1] when every feature does.
    Nothing is learned from ``y``: if given, it only names the two classes (the greater label
    means a good match) and must hold both; without it the classes are 0 and 1.

    Attributes: ``features_`` (the names of X's columns, which the engine builds rows by),
    ``coef_`` (each column's normalised weight), ``classes_``, ``n_features_in_``, and
    ``feature_names_in_`` when X was a DataFrame with string column names.
    """

    def __init__(
        self, weights: Mapping[str, float] | None = None, *, features: Sequence[str] | None = None
    ) -> None:
        self.weights = weights
        self.features = features

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False  # the weights are fixed: y only names the classes
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = True  # nothing is learned from y
        return tags

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(upgrade_state(state))

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> BaselineRanker:
        if y is None:
            array = validate_data(self, X, dtype=np.float64)
            row_weights(sample_weight, array)
            classes = np.array([0, 1])
        else:
            array, labels = validate_data(self, X, y, dtype=np.float64)
            classes, _ = binary_target(labels, row_weights(sample_weight, array))
        names = column_names(self, self.features, array.shape[1])
        weights = dict(self.weights) if self.weights is not None else dict.fromkeys(names, 1.0)
        self.coef_ = coefficients(weights, list(names))
        self.features_ = names
        self.classes_ = classes
        return self

    def _score(self, X: Any) -> npt.NDArray[np.float64]:
        check_is_fitted(self)
        array = validate_data(self, X, reset=False, dtype=np.float64)
        return weighted_sum(array, self.coef_)

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """Columns: [not a good match, good match]; the second is the score in [0, 1]."""
        score = self._score(X)
        return np.column_stack([1.0 - score, score])

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """``classes_[1]`` where the score is above one half."""
        good = self._score(X) > 0.5
        found: npt.NDArray[Any] = self.classes_[good.astype(np.intp)]
        return found

    def contributions(self, row: Sequence[float]) -> dict[str, float]:
        """Each feature's share of one row's score (for ``matcher why``)."""
        check_is_fitted(self)
        return shares(self.features_, self.coef_, row)
