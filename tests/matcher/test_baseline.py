from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matcher.features.pairs import FEATURES
from matcher.rank.baseline import WEIGHTS, BaselineRanker, baseline


def test_follows_scikit_learn_conventions() -> None:
    ranker = BaselineRanker({"a": 2.0, "b": 1.0}, features=["a", "b"])
    assert ranker.get_params() == {"weights": {"a": 2.0, "b": 1.0}, "features": ["a", "b"]}
    assert clone(ranker).get_params() == ranker.get_params()
    with pytest.raises(NotFittedError):
        ranker.predict_proba(np.zeros((1, 2)))
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert ranker.fit(X) is ranker
    assert list(ranker.features_) == ["a", "b"]
    assert not hasattr(ranker, "feature_names_in_")  # X carried no names
    assert ranker.n_features_in_ == 2
    np.testing.assert_allclose(ranker.coef_, [2 / 3, 1 / 3])
    proba = ranker.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 1], [2 / 3, 1 / 3, 1.0])
    np.testing.assert_array_equal(ranker.predict(X), [1, 0, 1])
    refit = clone(ranker).fit(X)
    np.testing.assert_allclose(refit.coef_, ranker.coef_)


def test_refuses_bad_weights_and_shapes() -> None:
    X = np.ones((2, 2))
    with pytest.raises(ValueError, match="not in X"):
        BaselineRanker({"c": 1.0}, features=["a", "b"]).fit(X)
    with pytest.raises(ValueError, match="non-negative"):
        BaselineRanker({"a": -1.0}, features=["a", "b"]).fit(X)
    with pytest.raises(ValueError, match="feature names"):
        BaselineRanker(features=["a"]).fit(X)
    with pytest.raises(ValueError, match="both classes"):
        BaselineRanker().fit(X, [1, 1])
    fitted = BaselineRanker(features=["a", "b"]).fit(X)
    with pytest.raises(ValueError, match="features"):
        fitted.predict_proba(np.ones((1, 3)))
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict_proba(np.array([[np.nan, 1.0]]))


@pytest.mark.parametrize("kind", sorted(WEIGHTS))
def test_every_kind_weights_its_own_features_and_stays_in_unit_range(kind: str) -> None:
    ranker = baseline(kind)
    assert set(WEIGHTS[kind]) <= set(FEATURES[kind])
    assert ranker.coef_.sum() == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    scores = ranker.predict_proba(rng.random((200, len(FEATURES[kind]))))[:, 1]
    assert scores.min() >= 0.0
    assert scores.max() <= 1.0
    assert ranker.predict_proba(np.ones((1, len(FEATURES[kind]))))[0, 1] == pytest.approx(1.0)
