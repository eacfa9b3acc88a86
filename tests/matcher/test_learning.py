"""The learning parts on hand-made data: labels, track records, metrics, the ranker."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from sklearn.base import clone

from matcher.features.pairs import FEATURES
from matcher.rank import evaluate
from matcher.rank.learned import LearnedRanker
from matcher.rank.outcomes import HORIZON_DAYS, referrals
from matcher.rank.track import TRACK_FEATURES, Outcomes, TrackRecords, empty, snapshot

END = date(2026, 11, 1).toordinal()


def ev(person: str, item: str, event: str, day: int, contract: int | None = None, kind="vacancy"):  # type: ignore[no-untyped-def]
    return (person, kind, item, event, END - day, contract, 1 if event == "referred" else None)


def test_a_referral_is_labelled_by_what_followed_once_its_horizon_passed() -> None:
    events = [
        # kept: retained 3 months after the hire
        ev("A", "V1", "referred", 300),
        ev("A", "V1", "hired", 290, 6),
        ev("A", "V1", "retained_3m", 200),
        # hired, quit after a month: a failure
        ev("B", "V1", "referred", 300),
        ev("B", "V1", "hired", 295),
        ev("B", "V1", "quit", 265),
        # hired, no news for 90 days and more: kept
        ev("C", "V2", "referred", 250),
        ev("C", "V2", "hired", 240),
        # rejected
        ev("D", "V2", "referred", 250),
        ev("D", "V2", "rejected", 245),
        # too recent to be known, even though it already failed
        ev("E", "V2", "referred", 100),
        ev("E", "V2", "rejected", 95),
        # a course completed, and the person then kept a job
        ev("A", "C1", "referred", 400, kind="course"),
        ev("A", "C1", "enrolled", 390, kind="course"),
        ev("A", "C1", "completed", 330, kind="course"),
    ]
    found = {(r.person_id, r.item_id): r for r in referrals(events, end=END)}
    assert found[("A", "V1")].success
    assert not found[("B", "V1")].success
    assert found[("B", "V1")].stage
    assert found[("C", "V2")].success
    assert not found[("D", "V2")].success
    assert not found[("D", "V2")].stage
    assert all(found[k].known for k in [("A", "V1"), ("B", "V1"), ("C", "V2"), ("D", "V2")])
    assert not found[("E", "V2")].known
    assert HORIZON_DAYS["vacancy"] > 100
    course = found[("A", "C1")]
    assert (course.success, course.stage, course.job) == (True, True, True)
    assert not found[("B", "V1")].job


def test_track_records_never_use_an_outcome_not_yet_known() -> None:
    records = TrackRecords(
        Outcomes(
            keys=["E1", "E1", "E1", "E2"],
            resolved=np.array([100, 200, 300, 100]),
            stage=np.array([1.0, 1.0, 0.0, 0.0]),
            success=np.array([1.0, 1.0, 0.0, 0.0]),
            job=np.array([1.0, 0.0, 0.0, 0.0]),
        )
    )
    # the overall success rate: none known on day 100, 2 of 3 on day 201, 2 of 4 at the end
    assert records.prior([100, 201, 10_000])[:, 1] == pytest.approx([0.2, 2 / 3, 0.5])
    prior = 0.5
    before, middle, after, unknown = records.as_of(
        ["E1", "E1", "E1", "E9"], [100, 201, 10_000, 10_000]
    )
    # on day 100 the first referral is not resolved yet: the overall rate, no history
    assert before[1] == pytest.approx(0.2)
    assert before[3] == 0.0
    # two resolved successes pull the rate up, smoothed by ten referrals' worth of the overall
    # rate as of that day
    assert middle[1] == pytest.approx((2 + 10 * 2 / 3) / (2 + 10))
    assert after[1] == pytest.approx((2 + 10 * prior) / (3 + 10))
    assert after[3] == pytest.approx(math.log1p(3) / math.log1p(50))
    assert unknown[1] == pytest.approx(prior)
    served = snapshot(records, 10_000)
    assert served.get("E1") == pytest.approx(tuple(after))
    assert served.counts["E1"] == (3, 2)
    assert served.get("nobody") == pytest.approx(tuple(unknown))
    assert empty().as_of(["x"], 5).shape == (1, len(TRACK_FEATURES))


def test_ndcg_and_auc_on_hand_counted_lists() -> None:
    lists = ["a", "a", "a", "b", "b", "c", "c"]
    labels = [0, 1, 0, 1, 0, 0, 0]
    scores = [0.9, 0.5, 0.1, 0.2, 0.8, 0.3, 0.4]
    # list a: the success at rank 2 → 1/log2(3); list b: at rank 2 → 1/log2(3); c: no success
    assert evaluate.ndcg(lists, labels, scores) == pytest.approx(1 / math.log2(3))
    assert evaluate.ndcg(lists, labels, [0.1, 0.9, 0, 0.9, 0.1, 0, 0]) == pytest.approx(1.0)
    assert evaluate.auc([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2]) == 1.0
    assert math.isnan(evaluate.auc([1, 1], [0.1, 0.2]))


def test_the_audit_names_a_group_left_behind_only_when_it_clearly_is() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    group = np.where((np.arange(n) // 4) % 2 == 0, "f", "m")
    labels = rng.random(n) < 0.3
    # the ranker hides women's true successes: their scores are low whatever happens
    scores = np.where(group == "f", rng.random(n) * 0.3, rng.random(n) * 0.5 + labels * 0.5)
    lists = rng.integers(0, 200, n)
    persons = np.arange(n) // 4  # each person's four options (one sex per person)
    audit = evaluate.audit(
        {"sex": group}, lists=lists, persons=persons, labels=labels, scores=scores
    )
    opportunity = audit["sex"]["opportunity_ratio"]
    assert opportunity["worst"] == "f"
    assert opportunity["ratio"] < 0.75
    assert opportunity["clearly_below"]
    problems = evaluate.fairness_problems(audit, None)
    assert {(p["attribute"], p["metric"]) for p in problems} >= {("sex", "opportunity_ratio")}
    # an unfairness the champion already had, and that did not deepen, is not blamed
    assert evaluate.fairness_problems(audit, audit) == []
    fair = evaluate.audit(
        {"sex": group}, lists=lists, persons=persons, labels=labels, scores=rng.random(n) + labels
    )
    assert evaluate.fairness_problems(fair, None) == []
    tiny = evaluate.audit(
        {"sex": group[:40]},
        lists=lists[:40],
        persons=persons[:40],
        labels=labels[:40],
        scores=scores[:40],
    )
    assert tiny["sex"]["opportunity_ratio"] is None  # too few successes to judge


def _data(n: int, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    names = (*FEATURES["vacancy"], *TRACK_FEATURES)
    X = rng.random((n, len(names)))
    hidden = X[:, names.index("track_success")]
    y = (rng.random(n) < 0.1 + 0.7 * hidden).astype(int)
    return X, y, names


def test_the_learned_ranker_follows_scikit_learn_and_learns_the_track_record() -> None:
    X, y, names = _data(3000)
    ranker = LearnedRanker("vacancy", features=names, max_iter=60).fit(
        X, y, order=np.arange(len(y))
    )
    assert clone(ranker).get_params()["max_iter"] == 60
    proba = ranker.predict_proba(X[:500])
    assert proba.shape == (500, 2)
    assert np.all((proba >= 0) & (proba <= 1))
    assert np.allclose(proba.sum(axis=1), 1.0)
    held_X, held_y, _ = _data(2000, seed=1)
    learned = evaluate.auc(held_y, ranker.predict_proba(held_X)[:, 1])
    base = evaluate.auc(held_y, ranker.baseline_.predict_proba(held_X[:, :9])[:, 1])
    assert learned > base + 0.15
    assert 0.5 < ranker.blend_ < 1.0
    share = ranker.contributions(list(held_X[0]))
    assert set(share) >= set(FEATURES["vacancy"]) | {"track_success"}
    # the shares add up to the score; a feature that speaks against the item may take away
    assert sum(share.values()) == pytest.approx(ranker.predict_proba(held_X[:1])[0, 1])
    card = ranker.card()
    assert card["features"] == list(names)


def test_with_few_successes_the_baseline_order_prevails() -> None:
    X, y, names = _data(400)
    y[:] = 0
    y[:12] = 1
    ranker = LearnedRanker("vacancy", features=names, max_iter=30).fit(X, y)
    assert ranker.blend_ < 0.1
    base = ranker.baseline_.predict_proba(X[:, :9])[:, 1]
    blended = ranker.predict_proba(X)[:, 1]
    top_base, top_blend = set(np.argsort(-base)[:20]), set(np.argsort(-blended)[:20])
    assert len(top_base & top_blend) >= 15
    with pytest.raises(ValueError, match="both classes"):
        LearnedRanker("vacancy", features=names).fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="no columns named"):
        LearnedRanker("vacancy").fit(X, y)


def _diluted() -> TrackRecords:
    """E1: 36 of 60 kept; E2: 24 of 40 (known by day 200: 60 % on average, the first step
    taken by all, a job after for half); E3: 100 referrals still young or pending on day 300
    (their outcomes known only on day 500), which are not failures."""
    n1, n2, n3 = 60, 40, 100
    success = np.r_[np.ones(36), np.zeros(24), np.ones(24), np.zeros(16), np.zeros(n3)]
    return TrackRecords(
        Outcomes(
            keys=["E1"] * n1 + ["E2"] * n2 + ["E3"] * n3,
            resolved=np.r_[np.full(n1 + n2, 100), np.full(n3, 500)],
            stage=np.r_[np.ones(n1 + n2), np.zeros(n3)],
            success=success,
            job=np.r_[np.tile([1.0, 0.0], (n1 + n2) // 2), np.zeros(n3)],
            stage_resolved=np.r_[np.full(n1 + n2, 50), np.full(n3, 500)],
        )
    )


def test_the_overall_rates_count_only_the_outcomes_known_by_the_day() -> None:
    """The rates every record is smoothed towards, as of day D, are over the referrals whose
    outcome is known by D: a referral still young or pending is in neither the numerator nor
    the denominator of any of them, for training rows and for serving alike."""
    records = _diluted()
    for day in (101, 300, 500):
        (known,) = records.as_of(["nobody"], day)
        assert known[:3] == pytest.approx([1.0, 0.6, 0.5]), day
        assert known[3] == 0.0
        served = snapshot(records, day)
        assert served.default == pytest.approx((1.0, 0.6, 0.5, 0.0))
        e1 = records.as_of(["E1"], day)[0]
        assert e1[1] == pytest.approx((36 + 10 * 0.6) / (60 + 10))
        assert e1[2] == pytest.approx((30 + 10 * 0.5) / (60 + 10))
    # once E3's outcomes are known, they count: 60 of 200, the first step 100 of 200
    (later,) = records.as_of(["nobody"], 501)
    assert later[:3] == pytest.approx([0.5, 0.3, 0.25])
    # each row reads the rates as of its own day; nothing known yet: the default rates
    early, now = records.as_of(["E1", "E1"], [40, 300])
    assert early[:3] == pytest.approx([0.5, 0.2, 0.2])
    assert now[1] == pytest.approx(e1[1])


def test_a_record_as_good_as_the_known_average_is_no_reason() -> None:
    """E1 keeps 60 % of its referrals, as the average item does once the referrals whose
    outcome is not yet known are left out: the list does not call it better than average."""
    from types import SimpleNamespace

    from matcher.engine.rows import tracked
    from matcher.explain import _record
    from matcher.features.pairs import Pair

    served = snapshot(_diluted(), 300)
    engine = SimpleNamespace(tracks={"vacancy": served}, track_key=lambda kind, item: item)
    pair = tracked(engine, "vacancy", "E1", Pair({}))  # type: ignore[arg-type]
    assert pair.facts["track"] == pytest.approx((60, 36, 0.6))
    assert _record("employer_record", pair.facts, {}) is None


def test_the_average_a_record_reason_quotes_is_over_known_outcomes() -> None:
    from types import SimpleNamespace

    from matcher.engine.rows import tracked
    from matcher.explain import _record
    from matcher.features.pairs import Pair

    n = 60
    records = TrackRecords(
        Outcomes(
            keys=["good"] * n + ["other"] * n + ["young"] * n,
            resolved=np.r_[np.full(2 * n, 100), np.full(n, 500)],
            stage=np.ones(3 * n),
            success=np.r_[np.ones(48), np.zeros(12), np.ones(12), np.zeros(48), np.zeros(n)],
            job=np.zeros(3 * n),
        )
    )
    engine = SimpleNamespace(
        tracks={"vacancy": snapshot(records, 300)}, track_key=lambda kind, item: item
    )
    pair = tracked(engine, "vacancy", "good", Pair({}))  # type: ignore[arg-type]
    found = _record("employer_record", pair.facts, {})
    assert found is not None
    # 48 of 60 kept against 60 of 120 known: 50 %, not 60 of 180 (33 %)
    assert found[1].params == {"kept": 48, "referred": 60, "percent": 80, "average": 50}
    assert "80 % при среднем 50 %" in found[1].text("ru")
