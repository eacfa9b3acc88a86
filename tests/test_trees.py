"""The learned ranker's light form (``matcher.rank.trees``): the same scores and shares as the
scikit-learn estimator it was made from, on many random rows, for every kind of list; kept in
the model store beside the estimators, loaded without scikit-learn or joblib, and refused on
the same library versions."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sqlmodel import Session

from matcher.engine import scoring
from matcher.features.pairs import FEATURES
from matcher.rank.learned import LearnedRanker
from matcher.rank.track import TRACK_FEATURES
from matcher.rank.trees import Forest, LightRanker, pack, unpack
from matcher.rank.weights import WeightedSum
from service.config import Settings
from service.runtime import Runtime
from service.store import modelstore
from service.store.tables import ModelVersion
from tests.dbutil import scratch_engine

TOLERANCE = 1e-9
KINDS = ("vacancy", "candidate", "course", "shelter", None)


def _names(kind: str | None) -> list[str]:
    return [*FEATURES[kind], *TRACK_FEATURES] if kind else ["a", "b", "c", "d"]


@cache
def _fitted(kind: str | None, *, rows: int = 3000, seed: int = 0) -> LearnedRanker:
    """A ranker fitted on random rows whose success follows the first two columns (fitted
    once: the tests only read it)."""
    rng = np.random.default_rng(seed)
    names = _names(kind)
    X = rng.random((rows, len(names)))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(0, 0.4, rows) > 0.9).astype(int)
    return LearnedRanker(kind, features=names, max_iter=60, random_state=seed).fit(X, y)


def _rows(ranker: Any, n: int = 2000, seed: int = 1) -> np.ndarray:
    """Random rows, some beyond [0, 1] and some on the trees' thresholds exactly."""
    rng = np.random.default_rng(seed)
    rows = rng.random((n, len(ranker.features_))) * 1.4 - 0.2
    forest = Forest.of(ranker.trees_)
    inner = forest.left != np.arange(len(forest.left))
    for i in range(0, n, 7):
        node = rng.choice(np.flatnonzero(inner))
        rows[i, forest.feature[node]] = forest.threshold[node]
    return rows


# -- the trees ------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [False, True])
def test_the_trees_as_arrays_predict_what_scikit_learn_predicts(missing: bool) -> None:
    rng = np.random.default_rng(5)
    X = rng.random((2000, 6))
    y = (X[:, 0] - X[:, 3] + rng.normal(0, 0.3, 2000) > 0).astype(int)
    if missing:  # a missing value in training teaches each split where missing values go
        X[rng.random(X.shape) < 0.1] = np.nan
    trees = HistGradientBoostingClassifier(max_iter=80, random_state=0).fit(X, y)
    forest = Forest.of(trees)
    Z = rng.random((3000, 6)) * 3 - 1
    Z[rng.random(Z.shape) < 0.1] = np.nan
    assert np.array_equal(forest.raw(Z), trees._raw_predict(Z)[:, 0])  # added in the same order
    assert np.allclose(forest.predict_proba(Z), trees.predict_proba(Z), rtol=0, atol=TOLERANCE)
    assert np.array_equal(Forest(forest.arrays()).raw(Z), forest.raw(Z))


def test_trees_with_categories_have_no_light_form() -> None:
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 4, 300), rng.random(300)])
    y = (X[:, 0] > 1).astype(int)
    trees = HistGradientBoostingClassifier(max_iter=3, categorical_features=[0]).fit(X, y)
    with pytest.raises(ValueError, match="categorical"):
        Forest.of(trees)


# -- the ranker: each behaviour checked on the estimator and its light form -----------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_light_form_scores_as_the_estimator(kind: str | None) -> None:
    full = _fitted(kind)
    light = LightRanker.of(full)
    rows = _rows(full)
    assert np.allclose(light.predict_proba(rows), full.predict_proba(rows), rtol=0, atol=TOLERANCE)
    assert np.array_equal(light.prescore(rows), full.prescore(rows))
    for mine, theirs in zip(light.parts(rows), full.parts(rows), strict=True):
        assert np.allclose(mine, theirs, rtol=0, atol=TOLERANCE)
    assert list(light.features_) == list(full.features_)
    assert light.scores_chance


def test_the_light_form_follows_every_branch_of_the_estimator() -> None:
    """The blend chosen by rule (few successes), and no logistic scaling."""
    few = _fitted("shelter", rows=400, seed=3)
    assert few.blend_ < 0.5
    unscaled = copy.deepcopy(_fitted("course"))
    unscaled.platt_ = None
    for full in (few, unscaled):
        rows = _rows(full, seed=4)
        light = LightRanker.of(full)
        assert np.allclose(
            light.predict_proba(rows), full.predict_proba(rows), rtol=0, atol=TOLERANCE
        )


@pytest.mark.parametrize("kind", KINDS)
def test_each_features_share_is_the_estimators(kind: str | None) -> None:
    full = _fitted(kind)
    light = LightRanker.of(full)
    rows = _rows(full, n=60).tolist()
    for many, ranker in ((True, light), (True, full), (False, light), (False, full)):
        found = scoring.shares(ranker, rows) if many else [ranker.contributions(r) for r in rows]
        expected = full.contributions_many(rows)
        for mine, theirs in zip(found, expected, strict=True):
            assert mine.keys() == theirs.keys()
            assert all(abs(mine[k] - theirs[k]) <= TOLERANCE for k in mine)
    scores = full.predict_proba(np.asarray(rows))[:, 1]
    totals = [sum(s.values()) for s in light.contributions_many(rows)]
    assert np.allclose(totals, scores, rtol=0, atol=TOLERANCE)


def test_the_engine_scores_with_either_the_same() -> None:
    full = _fitted("vacancy")
    rows = _rows(full, n=500)  # more than the engine re-scores: the prescore chooses
    light = LightRanker.of(full)
    assert np.allclose(
        scoring.score(light, rows), scoring.score(full, rows), rtol=0, atol=TOLERANCE
    )


def test_the_light_form_refuses_what_the_estimator_refuses() -> None:
    light = LightRanker.of(_fitted("shelter"))
    width = len(light.features_)
    for bad in (np.zeros((2, width + 1)), np.full((1, width), np.nan), np.zeros(width)):
        with pytest.raises(ValueError, match="X "):
            light.predict_proba(bad)


# -- the arrays they are kept as ------------------------------------------------------------


def _through_npz(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    with np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False) as loaded:
        return dict(loaded)


def test_rankers_by_kind_come_back_from_their_arrays() -> None:
    vacancy, course = _fitted("vacancy"), _fitted("course")
    shelter = WeightedSum({"proximity": 2.0, "beds": 1.0}, features=FEATURES["shelter"])
    rankers = {"vacancy": vacancy, "candidate": vacancy, "course": course, "shelter": shelter}
    arrays = pack(rankers)
    assert arrays is not None
    back = unpack(_through_npz(arrays), full=lambda kind: rankers[kind])
    assert back is not None
    assert list(back) == list(rankers)
    assert back["vacancy"] is back["candidate"]
    rows = _rows(vacancy)
    assert np.allclose(
        back["vacancy"].predict_proba(rows), vacancy.predict_proba(rows), rtol=0, atol=TOLERANCE
    )
    assert isinstance(back["shelter"], WeightedSum)
    shelter_rows = np.random.default_rng(2).random((50, len(FEATURES["shelter"])))
    assert np.array_equal(
        back["shelter"].predict_proba(shelter_rows), shelter.predict_proba(shelter_rows)
    )
    assert back["course"].full() is course
    again = pack(back)  # a light ranker packs as itself
    assert again is not None
    assert all(np.array_equal(again[k], arrays[k]) for k in arrays)


def test_what_has_no_light_form_is_not_packed_and_another_layout_not_read() -> None:
    class Odd:
        def predict_proba(self, X: Any) -> np.ndarray:
            return np.zeros((len(X), 2))

    assert pack({"vacancy": Odd()}) is None
    arrays = pack({"vacancy": _fitted("vacancy")})
    assert arrays is not None
    assert unpack({**arrays, "format": np.array(99)}) is None
    assert unpack({**arrays, "vacancy.form": np.array("forest")}) is None


# -- in the model store ---------------------------------------------------------------------

NOT_NEEDED = ("sklearn", "joblib", "scipy")


def _rankers() -> dict[str, Any]:
    vacancy = _fitted("vacancy")
    return {
        **modelstore.baseline_rankers(),
        "vacancy": vacancy,
        "candidate": vacancy,
        "course": _fitted("course"),
    }


def _save(session: Session, home: Path, rankers: Mapping[str, Any], *, old: bool = False) -> str:
    version = modelstore.new_version()
    data = joblib_file(rankers) if old else None
    modelstore.save(session, home, version, rankers, {"kind": "learned"}, data=data)
    session.flush()
    modelstore._cache.pop(version, None)
    return version


def joblib_file(rankers: Mapping[str, Any]) -> bytes:
    """The bytes a version was saved as before the light form: the joblib file alone."""
    buffer = io.BytesIO()
    joblib.dump(dict(rankers), buffer, compress=3)
    return buffer.getvalue()


def test_a_saved_version_keeps_its_estimators_and_serves_from_its_light_form(
    session: Session, tmp_path: Path
) -> None:
    rankers = _rankers()
    version = _save(session, tmp_path, rankers)
    row = session.get(ModelVersion, version)
    assert row is not None
    assert row.artifact is not None
    assert row.card["artifact"]["form"] == modelstore.LIGHT_FORM  # type: ignore[index]
    with zipfile.ZipFile(io.BytesIO(row.artifact)) as archive:
        assert archive.namelist() == [modelstore.ESTIMATORS, modelstore.LIGHT]
        assert archive.read(modelstore.ESTIMATORS) == Path(str(row.path)).read_bytes()
    loaded = modelstore.rankers(session, version)[1]
    assert isinstance(loaded["vacancy"], LightRanker)
    assert loaded["vacancy"] is loaded["candidate"]
    rows = _rows(rankers["vacancy"])
    assert np.allclose(
        loaded["vacancy"].predict_proba(rows),
        rankers["vacancy"].predict_proba(rows),
        rtol=0,
        atol=TOLERANCE,
    )
    # retraining keeps the kinds it does not replace: they are written as their estimators
    again = modelstore.dump(loaded)
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        estimators = joblib.load(io.BytesIO(archive.read(modelstore.ESTIMATORS)))
    assert isinstance(estimators["course"], LearnedRanker)
    assert estimators["vacancy"] is estimators["candidate"]
    full = estimators["vacancy"].predict_proba(rows)
    assert np.array_equal(full, rankers["vacancy"].predict_proba(rows))


def test_a_version_saved_before_the_light_form_loads_as_it_did(
    session: Session, tmp_path: Path
) -> None:
    rankers = _rankers()
    version = _save(session, tmp_path, rankers, old=True)
    row = session.get(ModelVersion, version)
    assert row is not None
    assert "form" not in row.card["artifact"]  # type: ignore[operator]
    loaded = modelstore.rankers(session, version)[1]
    assert isinstance(loaded["vacancy"], LearnedRanker)


@pytest.mark.parametrize("library", ["numpy", "scikit-learn"])
def test_the_light_form_is_refused_on_the_library_versions_the_estimators_are(
    session: Session, tmp_path: Path, library: str
) -> None:
    version = _save(session, tmp_path, _rankers())
    row = session.get(ModelVersion, version)
    assert row is not None
    recorded = {**modelstore.installed_versions(), library: "1.0.0"}
    row.card = {**row.card, "versions": recorded}
    session.add(row)
    session.flush()
    with pytest.raises(modelstore.Incompatible) as refused:
        modelstore.rankers(session, version)
    assert refused.value.params["library"] == library


PROBE = """
import json, sys
from service.config import Settings
from service.runtime import Runtime
from service.store import modelstore
runtime = Runtime.from_settings(Settings())
with runtime.session() as session:
    _, rankers = modelstore.rankers(session)
    rows = json.loads(sys.argv[1])
    scores = rankers["vacancy"].predict_proba(rows)[:, 1].tolist()
    shares = rankers["vacancy"].contributions_many(rows)
print(json.dumps({"scores": scores, "shares": shares, "type": type(rankers["vacancy"]).__name__,
                  "modules": sorted(sys.modules)}))
"""


def test_a_new_process_serves_the_light_form_without_scikit_learn(
    settings: Settings, tmp_path: Path
) -> None:
    rankers = _rankers()
    rows = _rows(rankers["vacancy"], n=40)
    with scratch_engine(tmp_path) as engine:
        with Runtime(settings, engine).session() as session:
            modelstore.activate(session, _save(session, settings.home, rankers))
            session.commit()
        env = {
            "PATH": "/usr/bin:/bin",
            "MATCHER_HOME": str(settings.home),
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "MATCHER_SECRET_KEY": settings.secret().decode(),
        }
        done = subprocess.run(
            [sys.executable, "-c", PROBE, json.dumps(rows.tolist())],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["type"] == "LightRanker"
    assert [m for m in found["modules"] if m.split(".")[0] in NOT_NEEDED] == []
    expected = rankers["vacancy"].predict_proba(rows)[:, 1]
    assert np.allclose(found["scores"], expected, rtol=0, atol=TOLERANCE)
    theirs = rankers["vacancy"].contributions_many(rows.tolist())
    for mine, shares in zip(found["shares"], theirs, strict=True):
        assert all(abs(mine[k] - shares[k]) <= TOLERANCE for k in shares)
