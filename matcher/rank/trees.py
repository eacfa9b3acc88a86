"""The learned ranker's light form: its scores from NumPy arrays, without scikit-learn.

The fitted trees become arrays of nodes (``Forest``), and ``LightRanker`` scores and shares
out a score as ``matcher.rank.learned.LearnedRanker`` does, without importing scikit-learn or
joblib (they take seconds to import: most of a command's time).

When a model version is saved, every ranker is also written in this *light form* (``pack``):
a few named NumPy arrays per kind of list, read back with no unpickling (``unpack``, after
``numpy.load(..., allow_pickle=False)``), so that loading runs no code. What scoring needs:

- the baseline part: the columns it reads and their weights (``matcher.rank.weights``);
- the trees (``Forest``): for every node the column it splits on, the threshold (a value
  at or below it goes left), its two children, the direction of a missing value, and for a
  leaf its value (the learning rate already applied); the trees' starting value, and the
  logistic link from their sum to a probability. Thresholds are on the features' own scale,
  so the binning done while fitting is not needed;
- the learned ranker's own steps after the trees (``Mixed``): the isotonic calibration (its
  knots, between which it is linear, clipped at its ends), the blend weight, the logistic
  scaling (Platt) and the average row that each feature's share is measured from.

``Mixed`` is that last part for both the full estimator and the light one, so the two share
their arithmetic, not only their results; ``tests/test_trees.py`` checks both on random rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.rank.weights import WeightedSum, shares, weighted_sum

FORMAT = 1
"""The light form's layout; a form written in another layout is not read (the joblib file is)."""

CHUNK = 200
"""Rows walked down the trees at once."""

Arrays = dict[str, npt.NDArray[Any]]
FloatArray = npt.NDArray[np.float64]


def _logistic(raw: FloatArray) -> FloatArray:
    """1 / (1 + e^-raw), computed without overflow for any raw."""
    small = np.exp(-np.abs(raw))
    result: FloatArray = np.where(raw >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return result


class Forest:
    """Gradient-boosted trees for two classes: every tree's nodes one after the other.

    ``feature``, ``threshold``, ``missing_left``, ``left``, ``right`` and ``value`` hold one
    entry per node; a leaf is its own left and right child. ``roots``: the first node of each
    tree; ``depth``: the deepest leaf's depth; ``start``: the sum the trees' values are added
    to."""

    NAMES = ("feature", "threshold", "missing_left", "left", "right", "value", "roots")

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        self.feature = np.asarray(arrays["feature"], dtype=np.intp)
        self.threshold = np.asarray(arrays["threshold"], dtype=np.float64)
        self.missing_left = np.asarray(arrays["missing_left"], dtype=bool)
        self.left = np.asarray(arrays["left"], dtype=np.intp)
        self.right = np.asarray(arrays["right"], dtype=np.intp)
        self.value = np.asarray(arrays["value"], dtype=np.float64)
        self.roots = np.asarray(arrays["roots"], dtype=np.intp)
        self.depth = int(arrays["depth"])
        self.start = float(arrays["start"])

    @classmethod
    def of(cls, estimator: Any) -> Forest:
        """The trees of a fitted scikit-learn ``HistGradientBoostingClassifier`` (two classes,
        no categorical features), read from its fitted attributes."""
        if type(estimator._loss).__name__ != "HalfBinomialLoss":
            raise ValueError("only trees fitted for two classes have a light form")
        categorical = getattr(estimator, "is_categorical_", None)
        if categorical is not None and np.any(categorical):
            raise ValueError("trees with categorical features have no light form")
        parts: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in cls.NAMES}
        offset, depth = 0, 0
        for (predictor,) in estimator._predictors:
            nodes = predictor.nodes
            leaf = nodes["is_leaf"].astype(bool)
            own = np.arange(len(nodes)) + offset
            parts["feature"].append(np.where(leaf, 0, nodes["feature_idx"]))
            parts["threshold"].append(np.where(leaf, 0.0, nodes["num_threshold"]))
            parts["missing_left"].append(nodes["missing_go_to_left"].astype(bool) & ~leaf)
            parts["left"].append(np.where(leaf, own, nodes["left"].astype(np.intp) + offset))
            parts["right"].append(np.where(leaf, own, nodes["right"].astype(np.intp) + offset))
            parts["value"].append(np.where(leaf, nodes["value"], 0.0))
            parts["roots"].append(np.array([offset]))
            depth = max(depth, int(nodes["depth"].max()))
            offset += len(nodes)
        arrays: Arrays = {name: np.concatenate(parts[name]) for name in cls.NAMES}
        arrays["depth"] = np.array(depth)
        arrays["start"] = np.array(float(np.ravel(estimator._baseline_prediction)[0]))
        return cls(arrays)

    def arrays(self) -> Arrays:
        named: Arrays = {name: getattr(self, name) for name in self.NAMES}
        return {**named, "depth": np.array(self.depth), "start": np.array(self.start)}

    def raw(self, X: FloatArray) -> FloatArray:
        """The sum of each row's leaves, tree after tree (the order scikit-learn adds them)."""
        if len(X) > CHUNK:  # a few hundred rows at a time stay in the processor's cache
            return np.concatenate([self.raw(X[i : i + CHUNK]) for i in range(0, len(X), CHUNK)])
        rows, width = X.shape
        flat = np.ascontiguousarray(X).ravel()
        node = np.repeat(self.roots, rows)  # tree by tree, a row after another
        at = np.tile(np.arange(rows) * width, len(self.roots))
        missing = bool(np.isnan(flat).any())
        walking = np.flatnonzero(self.left[node] != node)  # not yet at a leaf
        for _ in range(self.depth):
            here = node[walking]
            x = flat[at[walking] + self.feature[here]]
            left = x <= self.threshold[here]
            if missing:
                left |= np.isnan(x) & self.missing_left[here]
            there = np.where(left, self.left[here], self.right[here])
            node[walking] = there
            walking = walking[self.left[there] != there]
            if not len(walking):
                break
        raw = np.full(rows, self.start)
        for values in self.value[node].reshape(len(self.roots), rows):
            raw += values
        return raw

    def predict_proba(self, X: Any) -> FloatArray:
        """Columns: [not a success, success], as the estimator's ``predict_proba``."""
        chance = _logistic(self.raw(np.asarray(X, dtype=np.float64)))
        return np.column_stack([1.0 - chance, chance])


class Mixed:
    """The learned ranker after its two parts (``parts``: the baseline's score and the trees'
    calibrated probability): their mix, the scaling to a probability (``_scaled``) and each
    feature's share of a score. A subclass names the baseline's columns and weights
    (``_baseline``, ``_base_columns``) and holds ``features_``, ``blend_`` and ``reference_``."""

    features_: Any
    blend_: float
    reference_: FloatArray

    def parts(self, X: Any) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

    def _scaled(self, mixed: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _baseline(self) -> tuple[Sequence[str], FloatArray]:
        raise NotImplementedError

    def _base_columns(self) -> list[int]:
        raise NotImplementedError

    def _ready(self) -> None:
        """Raise when the ranker cannot score yet."""

    def _mix(self, X: Any) -> FloatArray:
        base, trees = self.parts(X)
        # a tie among the trees' steps is broken by the baseline, by a hair
        mixed: FloatArray = (1.0 - self.blend_) * base + self.blend_ * trees + 1e-6 * base
        return mixed

    def predict_proba(self, X: Any) -> FloatArray:
        score = self._scaled(self._mix(X))
        return np.column_stack([1.0 - score, score])

    def contributions_many(self, rows: Sequence[Sequence[float]]) -> list[dict[str, float]]:
        """``contributions`` of several rows, with one call to the trees."""
        self._ready()
        values = np.asarray(rows, dtype=np.float64)
        n, width = values.shape
        # the path from the average row to each row, one column at a time: probe k of a row
        # has its first k columns, the others at the average
        probes = np.repeat(self.reference_[None, None, :], n, axis=0).repeat(width + 1, axis=1)
        for k in range(1, width + 1):
            probes[:, k, :k] = values[:, :k]
        _, trees = self.parts(probes.reshape(-1, width))
        path = trees.reshape(n, width + 1)
        steps = np.diff(path, axis=1)
        split = self._average_split()
        score = self.predict_proba(values)[:, 1]
        names = [str(name) for name in self.features_]
        base_names, coef = self._baseline()
        base_columns = self._base_columns()
        result = []
        for r in range(n):
            base = shares(base_names, coef, values[r, base_columns].tolist())
            mixed = np.array(
                [
                    (1.0 - self.blend_ + 1e-6) * base.get(name, 0.0)
                    + self.blend_ * (path[r, 0] * split[i] + steps[r, i])
                    for i, name in enumerate(names)
                ]
            )
            total = float(mixed.sum())  # the mix itself, ``_mix``
            shared = mixed * (score[r] / total) if total > 0 else split * score[r]
            result.append({name: float(v) for name, v in zip(names, shared, strict=True)})
        return result

    def _average_split(self) -> FloatArray:
        """How the trees' probability for the average row is shared among the columns: as the
        baseline weighs them (evenly when it weighs none of them)."""
        names = [str(name) for name in self.features_]
        base_names, coef = self._baseline()
        weights = dict(zip([str(n) for n in base_names], coef, strict=True))
        split = np.array([float(weights.get(name, 0.0)) for name in names])
        if split.sum() <= 0:
            split = np.ones(len(names))
        result: FloatArray = split / split.sum()
        return result

    def contributions(self, row: Sequence[float]) -> dict[str, float]:
        """Each feature's share of one row's score; the shares add up to the score
        (``predict_proba``), for ``matcher why``. A documented linearisation
        (docs/retraining.md): the baseline's own shares, weighed by how much the baseline
        counts; the trees' probability for the average row, shared out as the baseline weighs
        the features; what the trees gain (or lose: a share may be negative) as each feature
        in turn moves from its average to its value; all scaled by score / mix, the logistic
        scaling's ratio at this row."""
        return self.contributions_many([row])[0]


class LightRanker(Mixed):
    """The learned ranker's light form: the same scores and shares as the ``LearnedRanker``
    it was made from (``of``), from NumPy arrays (``arrays``). ``full``, when set by whoever
    loaded it, gives that scikit-learn estimator back (retraining keeps it for the kinds it
    does not replace)."""

    scores_chance = True
    """Its score is an expected chance of success, shown in per cent (``matcher.rank.shown``)."""

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        self.kind = str(arrays["kind"]) or None
        self.features_ = np.asarray([str(n) for n in arrays["features"]], dtype=object)
        self.columns = [int(c) for c in arrays["base_columns"]]
        self.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        self.blend_ = float(arrays["blend"])
        self.reference_ = np.asarray(arrays["reference"], dtype=np.float64)
        self.trees = Forest({n[6:]: v for n, v in arrays.items() if n.startswith("trees.")})
        self.knots = np.asarray(arrays["knots"], dtype=np.float64)  # the isotonic's x and y
        self.platt = np.asarray(arrays["platt"], dtype=np.float64)  # slope, intercept; or none
        self.full: Callable[[], Any] | None = None

    @classmethod
    def of(cls, ranker: Any) -> LightRanker:
        """The light form of a fitted ``LearnedRanker``, read from its fitted attributes."""
        platt = getattr(ranker, "platt_", None)
        isotonic = ranker.isotonic_
        trees = Forest.of(ranker.trees_).arrays()
        return cls(
            {
                "kind": np.array(ranker.kind or ""),
                "features": np.array([str(n) for n in ranker.features_]),
                "base_columns": np.array(ranker._base_columns(), dtype=np.intp),
                "coef": np.asarray(ranker.baseline_.coef_, dtype=np.float64),
                "blend": np.array(float(ranker.blend_)),
                "reference": np.asarray(ranker.reference_, dtype=np.float64),
                **{f"trees.{name}": value for name, value in trees.items()},
                "knots": np.array([isotonic.X_thresholds_, isotonic.y_thresholds_], dtype=float),
                "platt": np.array(
                    [] if platt is None else [platt.coef_[0, 0], platt.intercept_[0]],
                    dtype=np.float64,
                ),
            }
        )

    def arrays(self) -> Arrays:
        return {
            "kind": np.array(self.kind or ""),
            "features": np.array([str(n) for n in self.features_]),
            "base_columns": np.array(self.columns, dtype=np.intp),
            "coef": self.coef_,
            "blend": np.array(self.blend_),
            "reference": self.reference_,
            **{f"trees.{name}": value for name, value in self.trees.arrays().items()},
            "knots": self.knots,
            "platt": self.platt,
        }

    def _rows(self, X: Any) -> FloatArray:
        array = np.asarray(X, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != len(self.features_):
            raise ValueError(f"X has shape {array.shape}; expected {len(self.features_)} features")
        if not np.all(np.isfinite(array)):
            raise ValueError("X holds NaN or infinite values")
        return array

    def parts(self, X: Any) -> tuple[FloatArray, FloatArray]:
        """The baseline's score and the trees' calibrated probability, before mixing."""
        array = self._rows(X)
        base = weighted_sum(array[:, self.columns], self.coef_)
        raw = self.trees.predict_proba(array)[:, 1]
        # the isotonic fit is a staircase (flat beyond its ends); within a step the trees' own
        # order still holds
        trees: FloatArray = np.interp(raw, *self.knots) + 1e-3 * raw
        return base, trees

    def _scaled(self, mixed: FloatArray) -> FloatArray:
        if len(self.platt):
            return _logistic(mixed * self.platt[0] + self.platt[1])
        return np.clip(mixed, 0.0, 1.0)

    def _baseline(self) -> tuple[Sequence[str], FloatArray]:
        return [str(self.features_[c]) for c in self.columns], self.coef_

    def _base_columns(self) -> list[int]:
        return self.columns

    def prescore(self, X: Any) -> FloatArray:
        """The baseline's score: cheap, for choosing which rows to score in full."""
        return weighted_sum(np.asarray(X, dtype=np.float64)[:, self.columns], self.coef_)


def pack(rankers: Mapping[str, Any]) -> Arrays | None:
    """The light form of rankers by kind, as arrays named ``<kind>.<name>``: a learned ranker's
    (``LightRanker``), a weighted sum's features and weights, or the name of the kind it is
    the same ranker as. None when one of them has no light form."""
    arrays: Arrays = {"format": np.array(FORMAT)}
    seen: dict[int, str] = {}
    for kind, ranker in rankers.items():
        if id(ranker) in seen:
            found: Arrays = {"form": np.array("same"), "as": np.array(seen[id(ranker)])}
        elif isinstance(ranker, LightRanker) or hasattr(ranker, "trees_"):
            light = ranker if isinstance(ranker, LightRanker) else LightRanker.of(ranker)
            found = {"form": np.array("learned"), **light.arrays()}
        elif hasattr(ranker, "coef_") and hasattr(ranker, "features_"):
            found = {
                "form": np.array("sum"),
                "features": np.array([str(n) for n in ranker.features_]),
                "coef": np.asarray(ranker.coef_, dtype=np.float64),
            }
        else:
            return None
        seen[id(ranker)] = kind
        arrays.update({f"{kind}.{name}": value for name, value in found.items()})
    return arrays


def unpack(
    arrays: Mapping[str, npt.NDArray[Any]], *, full: Callable[[str], Any] | None = None
) -> dict[str, Any] | None:
    """The rankers of ``pack``'s arrays (None for a layout this version does not read);
    ``full(kind)``, if given, becomes each light ranker's ``full``."""
    if "format" not in arrays or int(arrays["format"]) != FORMAT:
        return None
    grouped: dict[str, Arrays] = {}
    for name, value in arrays.items():
        kind, _, rest = name.partition(".")
        if rest:
            grouped.setdefault(kind, {})[rest] = value
    rankers: dict[str, Any] = {}
    for kind, found in grouped.items():
        form = str(found["form"])
        if form == "learned":
            light = LightRanker(found)
            light.full = partial(full, kind) if full is not None else None
            rankers[kind] = light
        elif form == "sum":
            names = [str(n) for n in found["features"]]
            summed = WeightedSum(dict.fromkeys(names, 1.0), features=names)
            summed.coef_ = np.asarray(found["coef"], dtype=np.float64)
            rankers[kind] = summed
        elif form != "same":
            return None
    for kind, found in grouped.items():
        if str(found["form"]) == "same":
            rankers[kind] = rankers[str(found["as"])]
    return {kind: rankers[kind] for kind in grouped}
