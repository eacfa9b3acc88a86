"""What both rankers accept and check the same way in ``fit``: the names of X's columns, the
rows' weights and a binary target. Their X itself is checked by scikit-learn's
``validate_data`` in each ranker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight


def column_names(
    estimator: Any, features: Sequence[str] | None, width: int
) -> npt.NDArray[np.object_]:
    """The names of X's columns: ``features`` if given, else a DataFrame's column names (which
    ``validate_data`` has just kept in ``feature_names_in_``), else ``x0``, ``x1``, …."""
    seen = getattr(estimator, "feature_names_in_", None)
    if features is None:
        if seen is not None:
            return np.asarray(seen, dtype=object)
        return np.asarray([f"x{i}" for i in range(width)], dtype=object)
    names = [str(name) for name in features]
    if len(names) != width:
        raise ValueError(f"{len(names)} feature names for X's {width} columns")
    if seen is not None and list(seen) != names:
        raise ValueError(f"features {names} differ from X's column names {list(seen)}")
    return np.asarray(names, dtype=object)


def row_weights(sample_weight: Any, X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The rows' weights, checked: 1 each without ``sample_weight``; none negative, not all 0."""
    weight = np.asarray(_check_sample_weight(sample_weight, X, dtype=np.float64))
    if np.any(weight < 0):
        raise ValueError("sample_weight must not be negative")
    if not np.any(weight > 0):
        raise ValueError("sample_weight is zero for every row: no row to learn from")
    return weight


def binary_target(
    y: Any, weight: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp]]:
    """``classes_`` (two labels: not a good match, then a good match) and y as 0 and 1. Both
    classes must be among the rows that weigh: which one means success cannot be told
    otherwise."""
    check_classification_targets(y)
    kind = type_of_target(y, input_name="y")
    if kind != "binary":
        raise ValueError(
            f"Only binary classification is supported. The type of the target is {kind}."
        )
    classes, target = np.unique(y, return_inverse=True)
    if len(np.unique(target[weight > 0])) < 2:
        raise ValueError(
            "y holds one class only among the rows that weigh; a ranker needs both classes"
        )
    return classes, target


def upgrade_state(state: dict[str, Any]) -> dict[str, Any]:
    """A ranker pickled before its columns' names moved to ``features_`` (they were kept in
    ``feature_names_in_`` whatever X was): the same ranker as saved today."""
    if "features_" in state or "feature_names_in_" not in state:
        return state
    state = dict(state)
    state["features_"] = np.asarray(state.pop("feature_names_in_"), dtype=object)
    state.setdefault("features", [str(name) for name in state["features_"]])
    return state
