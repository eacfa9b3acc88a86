"""The learned ranker: the probability that a referral ends in a job kept 3 months (for a
vacancy), a course completed, a shelter stay begun — learned from outcomes, blended with the
baseline while outcomes are few.

Two parts, fitted on the same referrals:

- the baseline's own score (``matcher.rank.baseline``), which needs no outcomes;
- gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) over the engine's
  features and the items' track records (``matcher.rank.track``), fitted on the earlier 80 %
  of the referrals and calibrated (isotonic) on the later 20 %, so that their probabilities
  hold on data the trees have not seen and that lie later in time.

The trees are **monotone** (``monotonic_cst``) in every feature the baseline weighs: the
occupation fit and the eligibility-relevant fits (distance, quota, housing, …) are each a fit
where more is better, so raising one never lowers the trees' probability. The baseline is a
sum with non-negative weights, the isotonic calibration and the logistic scaling below are
non-decreasing, so the whole score is monotone in those features too (``monotone``).

They are mixed as ``(1 − w) · baseline + w · trees``. The weight ``w`` of the trees is the
one (in tenths) that orders the later 20 % best; while that slice holds fewer than 50
successes it follows a rule instead, ``w = successes / (successes + PRIOR_POSITIVES)``: with
50 successes the trees weigh 0.2, with 800 they weigh 0.8, so that while outcomes are few the
order stays essentially the baseline's. The mix is then mapped to a probability by a logistic
fit on the later 20 % (Platt scaling), which is monotone and so changes no order. The rules
and their reasons are in ``docs/retraining.md``.

It is a scikit-learn estimator, checked by ``tests/matcher/test_estimators.py``. What it does
after its two parts (the mix, the scaling, each feature's share) is
``matcher.rank.trees.Mixed``, which its light form (``matcher.rank.trees.LightRanker``, NumPy
alone) shares: a saved model serves from that form, without importing scikit-learn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from threadpoolctl import ThreadpoolController

from matcher.rank.baseline import WEIGHTS, BaselineRanker
from matcher.rank.inputs import binary_target, column_names, row_weights, upgrade_state
from matcher.rank.trees import Mixed

PRIOR_POSITIVES = 200.0
"""Successes at which the trees and the calibrated baseline weigh the same."""
CALIBRATION_SHARE = 0.2
"""The latest share of the training referrals kept aside to calibrate the trees."""
SMALL_BATCH = 2000
"""Rows up to which the trees predict on one thread."""
MIN_BLEND_SUCCESSES = 50
"""Successes among those that the blend weight needs to be chosen on them, not by rule."""


def monotone(kind: str | None, names: Sequence[str]) -> list[int]:
    """Each column's constraint for the trees: +1 (never lower the score when it rises) for
    the features the baseline of ``kind`` weighs above zero, 0 (free) for the others, such as
    the track records, whose meaning the outcomes teach. ``kind`` None constrains none."""
    weighed = {n for n, w in WEIGHTS.get(kind or "", {}).items() if w > 0}
    return [1 if str(name) in weighed else 0 for name in names]


@cache
def _threads() -> ThreadpoolController:
    """Looked up once: finding the thread pools reads every loaded library."""
    return ThreadpoolController()


class LearnedRanker(Mixed, ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Probability of success of a referral.

    ``fit(X, y, sample_weight=None, *, order=None)``:

    - ``X``: a row per referral. Its columns are named by ``features`` (for an X that carries
      no names, a NumPy array), else by a DataFrame's column names, else ``x0``, ``x1``, ….
      The baseline reads the columns named in ``WEIGHTS[kind]`` (every column, weighed the
      same, when ``kind`` is None); the trees read every column. The engine's rows are the
      baseline's features of ``kind`` (``matcher.features.pairs.FEATURES``) followed by the
      items' track records (``matcher.rank.track.TRACK_FEATURES``).
    - ``y``: two labels; the greater one means success (1 for a job kept, a course completed).
    - ``sample_weight``: each referral's weight (against position bias); 1 each by default.
    - ``order``: a value per referral that sorts them in time (e.g. its day); the latest
      ``CALIBRATION_SHARE`` calibrate the trees. Without it, the rows' own order is time's.

    Attributes: ``features_`` (the names of X's columns, which the engine builds rows by),
    ``baseline_``, ``trees_``, ``isotonic_``, ``platt_`` (None when left out), ``blend_`` (the
    weight of the trees), ``positives_``, ``reference_`` (the weighted mean row), ``n_iter_``,
    ``monotone_`` (the trees' constraint per column, ``monotone``), ``classes_``, ``n_features_in_``, and ``feature_names_in_`` when X was a DataFrame with
    string column names.
    """

    scores_chance = True
    """Its score is an expected chance of success, shown in per cent (``matcher.rank.shown``)."""

    def __init__(
        self,
        kind: str | None = None,
        *,
        features: Sequence[str] | None = None,
        prior_positives: float = PRIOR_POSITIVES,
        max_iter: int = 200,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        random_state: int | np.random.RandomState | None = 0,
    ) -> None:
        self.kind = kind
        self.features = features
        self.prior_positives = prior_positives
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        # while successes are few (fewer than ``prior_positives``) the order stays close to
        # the baseline's fixed weights, by design: on data those weights do not fit, such as
        # scikit-learn's accuracy check, the score is poor until outcomes accumulate
        tags.classifier_tags.poor_score = True
        return tags

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(upgrade_state(state))

    def fit(self, X: Any, y: Any, sample_weight: Any = None, *, order: Any = None) -> LearnedRanker:
        array, labels = validate_data(self, X, y, dtype=np.float64)
        weight = row_weights(sample_weight, array)
        self.classes_, target = binary_target(labels, weight)
        if self.kind is not None and self.kind not in WEIGHTS:
            raise ValueError(f"kind must be one of {sorted(WEIGHTS)} or None, not {self.kind!r}")
        names = column_names(self, self.features, array.shape[1])
        missing = [n for n in WEIGHTS.get(self.kind or "", {}) if n not in set(names)]
        if missing:
            raise ValueError(f"X has no columns named {missing}: name them with `features`")
        self.features_ = names
        self.baseline_ = BaselineRanker(
            WEIGHTS[self.kind] if self.kind is not None else None, features=self._base_names()
        ).fit(array[:, self._base_columns()])
        if order is None:
            rank = np.arange(len(target))
        else:
            order = column_or_1d(order)
            check_consistent_length(target, order)
            rank = np.argsort(np.argsort(order, kind="stable"))
        fit_rows = rank < int(len(target) * (1 - CALIBRATION_SHARE))
        weighs = weight > 0
        if len(np.unique(target[fit_rows & weighs])) < 2 or (
            len(np.unique(target[~fit_rows & weighs])) < 2
        ):
            fit_rows = np.ones(len(target), dtype=bool)
        self.monotone_ = monotone(self.kind, [str(n) for n in names])
        self.trees_ = HistGradientBoostingClassifier(
            monotonic_cst=self.monotone_,
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        ).fit(array[fit_rows], target[fit_rows], sample_weight=weight[fit_rows])
        self.n_iter_ = self.trees_.n_iter_
        held = ~fit_rows if (~fit_rows).any() else fit_rows
        raw = self.trees_.predict_proba(array[held])[:, 1]
        self.isotonic_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            raw, target[held], sample_weight=weight[held]
        )
        positives = float(weight[target == 1].sum() / weight.mean())
        self.positives_ = positives
        self.blend_ = positives / (positives + self.prior_positives)
        self.reference_ = np.average(array, axis=0, weights=weight)
        self.platt_: LogisticRegression | None = None
        if int(target[held].sum()) >= MIN_BLEND_SUCCESSES and held is not fit_rows:
            self.blend_ = self._best_blend(array[held], target[held], weight[held])
        mixed = self._mix(array[held])
        platt = LogisticRegression().fit(mixed[:, None], target[held], sample_weight=weight[held])
        if float(platt.coef_[0, 0]) > 0:  # monotone, or not at all: the order is the mix's
            self.platt_ = platt
        return self

    def _best_blend(
        self, X: npt.NDArray[np.float64], y: npt.NDArray[np.int64], weight: npt.NDArray[np.float64]
    ) -> float:
        """The weight of the trees that orders the calibration referrals best (AUC), on a
        grid of tenths; a tie goes to the weight nearest the prior rule's."""
        base, trees = self.parts(X)
        prior = self.blend_

        def quality(w: float) -> tuple[float, float]:
            mixed = (1.0 - w) * base + w * trees + 1e-6 * base
            return round(float(roc_auc_score(y, mixed, sample_weight=weight)), 3), -abs(w - prior)

        return max((w / 10 for w in range(11)), key=quality)

    def _base_names(self) -> list[str]:
        if self.kind is None:
            return [str(n) for n in self.features_]
        return list(WEIGHTS[self.kind])

    def _base_columns(self) -> list[int]:
        names = [str(n) for n in self.features_]
        return [names.index(n) for n in self._base_names()]

    def parts(self, X: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The baseline's score and the trees' calibrated probability, before mixing."""
        check_is_fitted(self)
        array = validate_data(self, X, reset=False, dtype=np.float64)
        base = self.baseline_.predict_proba(array[:, self._base_columns()])[:, 1]
        if len(array) <= SMALL_BATCH:
            # a list's few hundred rows: threads cost more than they save
            with _threads().limit(limits=1, user_api="openmp"):
                raw = self.trees_.predict_proba(array)[:, 1]
        else:
            raw = self.trees_.predict_proba(array)[:, 1]
        # the isotonic fit is a staircase; within a step the trees' own order still holds
        trees = np.asarray(self.isotonic_.predict(raw), dtype=np.float64) + 1e-3 * raw
        return base, trees

    def _scaled(self, mixed: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.platt_ is not None:
            score: npt.NDArray[np.float64] = self.platt_.predict_proba(mixed[:, None])[:, 1]
            return score
        return np.clip(mixed, 0.0, 1.0)

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """``classes_[1]`` where the probability of success is above one half."""
        good = self.predict_proba(X)[:, 1] > 0.5
        found: npt.NDArray[Any] = self.classes_[good.astype(np.intp)]
        return found

    def prescore(self, X: Any) -> npt.NDArray[np.float64]:
        """The baseline's score: cheap, for choosing which rows to score in full."""
        check_is_fitted(self)
        array = np.asarray(X, dtype=np.float64)
        score: npt.NDArray[np.float64] = self.baseline_.predict_proba(
            array[:, self._base_columns()]
        )[:, 1]
        return score

    def _baseline(self) -> tuple[Sequence[str], npt.NDArray[np.float64]]:
        return self._base_names(), self.baseline_.coef_

    def _ready(self) -> None:
        check_is_fitted(self)

    def _constraints(self) -> list[int]:
        """The trees' constraints (none for a ranker saved before they existed)."""
        found = getattr(self, "monotone_", None)
        return list(found) if found is not None else [0] * len(self.features_)

    def card(self) -> Mapping[str, object]:
        """What the model card says of this ranker."""
        check_is_fitted(self)
        return {
            "kind": self.kind,
            "features": [str(n) for n in self.features_],
            "blend": round(float(self.blend_), 4),
            "positives": round(float(self.positives_), 1),
            "trees": int(self.trees_.n_iter_),
            "monotone": [
                str(n) for n, c in zip(self.features_, self._constraints(), strict=True) if c > 0
            ],
            "baseline_weights": (
                dict(WEIGHTS[self.kind])
                if self.kind is not None
                else dict.fromkeys(self._base_names(), 1.0)
            ),
        }
