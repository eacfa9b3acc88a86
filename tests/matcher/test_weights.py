"""The engine's baseline (``matcher.rank.weights``) scores exactly as the estimator
(``BaselineRanker``) and loads without scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from matcher.features.pairs import FEATURES
from matcher.rank.baseline import BaselineRanker
from matcher.rank.weights import WEIGHTS, baseline


@pytest.mark.parametrize("kind", sorted(WEIGHTS))
def test_the_same_scores_and_shares_as_the_estimator(kind: str) -> None:
    names = FEATURES[kind]
    estimator = BaselineRanker(WEIGHTS[kind], features=names).fit(np.zeros((1, len(names))))
    plain = baseline(kind)
    rng = np.random.default_rng(1)
    X = rng.uniform(-0.5, 1.5, (500, len(names)))  # outside [0, 1] too: both clip
    np.testing.assert_array_equal(plain.coef_, estimator.coef_)
    np.testing.assert_array_equal(plain.predict_proba(X), estimator.predict_proba(X))
    for row in X[:20].tolist():
        assert plain.contributions(row) == estimator.contributions(row)


def test_refuses_rows_of_the_wrong_width_or_with_nan() -> None:
    plain = baseline("shelter")
    with pytest.raises(ValueError, match="features"):
        plain.predict_proba(np.ones((1, len(FEATURES["shelter"]) + 1)))
    with pytest.raises(ValueError, match="NaN"):
        plain.predict_proba(np.full((1, len(FEATURES["shelter"])), np.nan))


def test_the_engine_loads_without_scikit_learn() -> None:
    code = "import sys, matcher.engine; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
