"""The learned ranker's guardrails: monotone in the fits the baseline weighs, reasons that add
up to the score, and the promotion gate that keeps a person's own trade near the top."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.features.pairs import FEATURES
from matcher.rank import evaluate
from matcher.rank.learned import LearnedRanker, monotone
from matcher.rank.track import TRACK_FEATURES
from matcher.rank.weights import WEIGHTS, WeightedSum
from service.training.dataset import TrainingSet
from service.training.retrain import judge

NAMES = (*FEATURES["vacancy"], *TRACK_FEATURES)


def _world(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes that, read naively, punish the trade: a good occupation fit comes with a low
    chance of a kept job where the employer's record is poor (a skewed sample)."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(NAMES)))
    occupation = X[:, NAMES.index("occupation")]
    record = X[:, NAMES.index("track_success")]
    chance = 0.05 + 0.6 * record * (1.2 - occupation) + 0.1 * X[:, NAMES.index("proximity")]
    y = (rng.random(n) < np.clip(chance, 0, 1)).astype(int)
    return X, y


@pytest.fixture(scope="module")
def ranker() -> LearnedRanker:
    X, y = _world(4000)
    return LearnedRanker("vacancy", features=NAMES, max_iter=80).fit(X, y, order=np.arange(len(y)))


def test_the_constraints_cover_the_weighed_fits_and_leave_the_records_free() -> None:
    constraints = dict(zip(NAMES, monotone("vacancy", NAMES), strict=True))
    assert constraints["occupation"] == constraints["quota"] == constraints["housing"] == 1
    assert all(constraints[name] == 0 for name in TRACK_FEATURES)
    assert monotone("candidate", FEATURES["candidate"])[FEATURES["candidate"].index("quota")] == 0
    assert monotone(None, ["a", "b"]) == [0, 0]


def test_raising_the_occupation_fit_never_lowers_the_score(ranker: LearnedRanker) -> None:
    assert ranker.trees_.monotonic_cst is not None
    rows, _ = _world(600, seed=5)
    # the data teach the opposite; unconstrained trees would learn it
    free = LearnedRanker(None, features=NAMES, max_iter=80).fit(*_world(4000), order=None)
    steps = np.linspace(0, 1, 11)
    lowered_free = 0
    for name in ("occupation", "quota", "proximity", "housing"):
        column = NAMES.index(name)
        previous = previous_free = np.full(len(rows), -1.0)
        for value in steps:
            probe = rows.copy()
            probe[:, column] = value
            score = ranker.predict_proba(probe)[:, 1]
            score_free = free.trees_.predict_proba(probe)[:, 1]
            assert np.all(score >= previous - 1e-12), name
            lowered_free += int(np.sum(score_free < previous_free - 1e-9))
            previous, previous_free = score, score_free
    assert lowered_free > 0
    assert "occupation" in ranker.card()["monotone"]  # type: ignore[operator]


def test_the_contributions_add_up_to_the_score_shown(ranker: LearnedRanker) -> None:
    rows, _ = _world(50, seed=9)
    scores = ranker.predict_proba(rows)[:, 1]
    shares = ranker.contributions_many(rows.tolist())
    for row, score, share in zip(rows, scores, shares, strict=True):
        assert set(share) == set(NAMES)
        assert sum(share.values()) == pytest.approx(score, abs=1e-9)
        assert ranker.contributions(row.tolist()) == pytest.approx(share)


def test_trade_first_on_hand_counted_lists() -> None:
    persons = np.array(["A", "A", "A", "A", "B", "B", "C", "C"])
    fit = np.array([1.0, 0.2, 0.3, 0.1, 0.2, 0.9, 0.3, 0.6])  # C: related code only
    scores = np.array([0.1, 0.9, 0.8, 0.7, 0.5, 0.6, 0.9, 0.1])
    found = evaluate.trade_first(persons, fit, scores)
    # A's exact match ranks 4th, B's 1st; C holds none
    assert found == {"persons": 2, "top_share": 0.5, "best_rank": 2.5}
    none = evaluate.trade_first(persons, np.zeros(8), scores)
    assert none["persons"] == 0


def _held_out(n_persons: int = 60, per_list: int = 8, seed: int = 3) -> TrainingSet:
    rng = np.random.default_rng(seed)
    names = tuple(FEATURES["vacancy"])
    n = n_persons * per_list
    X = rng.random((n, len(names)))
    occupation = names.index("occupation")
    X[:, occupation] = rng.choice([0.0, 0.3, 0.6], size=n)
    X[::per_list, occupation] = 1.0  # each person has one job of their own trade
    y = (rng.random(n) < 0.3).astype(np.int64)
    y[::per_list] = 1
    return TrainingSet(
        "vacancy",
        names,
        X,
        y,
        np.zeros(n, dtype=np.int64),
        np.ones(n),
        np.repeat([f"P{i:03d}" for i in range(n_persons)], per_list),
        np.array([f"V{i:04d}" for i in range(n)]),
        {},
    )


def test_a_challenger_that_moves_the_trade_down_is_refused_with_its_figures() -> None:
    held = _held_out()
    names = list(held.names)
    baseline = WeightedSum(WEIGHTS["vacancy"], features=names)
    blind = WeightedSum({"proximity": 1.0, "salary": 1.0}, features=names)
    verdict = judge(blind, baseline, held, "vacancy")
    refusals = [r for r in verdict["refused"] if r["code"] == "exact_trade_down"]
    assert len(refusals) == 1
    refusal = refusals[0]
    assert refusal["persons"] == 60
    assert refusal["challenger"] < refusal["reference"] - 100 * evaluate.TRADE_SLACK
    assert verdict["trade_first"]["baseline"]["top_share"] > 0.9
    assert not verdict["promoted"]
    same = judge(baseline, baseline, held, "vacancy")
    assert not [r for r in same["refused"] if r["code"] == "exact_trade_down"]


def test_a_track_record_is_a_reason_only_when_clearly_better_and_says_the_rate() -> None:
    from matcher.explain import _record

    # the case: 1 of 9 kept, against an average of 13 %
    assert _record("employer_record", {"track": (9, 1, 0.13)}, {}) is None
    assert _record("employer_record", {"track": (9, 2, 0.13)}, {}) is None
    found = _record("employer_record", {"track": (9, 6, 0.13)}, {})
    assert found is not None
    reason = found[1]
    assert reason.params == {"kept": 6, "referred": 9, "percent": 67, "average": 13}
    texts = reason.texts()
    assert "6 из 9 направленных ранее — 67 % при среднем 13 %" in texts["ru"]
    assert "(67 %, орташа көрсеткіш — 13 %)" in texts["kk"]
    assert "(67%, against 13% on average)" in texts["en"]
    course = _record("course_record", {"track": (21, 15, 0.4)}, {})
    assert course is not None
    assert "15 из 21 направленного ранее — 71 % при среднем 40 %" in course[1].text("ru")
