"""Trade first: in a person's list of jobs, the jobs of their own trade that score close to the
best come first (``matcher.engine.ordering``), whichever ranker scores, and the retraining gate
judges a challenger on lists ordered the same way (``matcher.rank.evaluate``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matcher.engine import Engine
from matcher.engine.ordering import (
    EXACT_TRADE_FIT,
    QUOTA,
    TRADE,
    TRADE_BAND,
    quota_leads,
    ranked,
    trade_leads,
)
from matcher.features.pairs import FEATURES
from matcher.profile import Vacancy
from matcher.rank import evaluate
from matcher.rank.weights import WeightedSum
from tests.people import TODAY, WELDER, aktau_job


def _ranked(scores: list[float], fit: list[float] | None, limit: int | None = None) -> list[int]:
    found = ranked(
        np.array(scores),
        limit,
        id_of=lambda k: f"V{k:03d}",
        crowding=None,
        person_id="P1",
        today=TODAY,
        fit=None if fit is None else np.array(fit),
    )
    return [k for k, _, _, _ in found]


# -- the rule --------------------------------------------------------------------------------


def test_only_exact_trade_matches_close_to_the_best_lead() -> None:
    scores = np.array([0.150, 0.140, 0.125, 0.100, 0.149, 0.148])
    fit = np.array([0.3, 0.98, 0.98, 0.98, 0.6, 0.55])
    # 0.125 is within 80 % of 0.150, 0.100 is not; a related code (0.6) and a job open to
    # anyone (0.55) are not the trade however close they score
    assert trade_leads(scores, fit).tolist() == [False, True, True, False, False, False]
    assert not trade_leads(scores, np.full(6, EXACT_TRADE_FIT)).any()
    edge = np.array([1.0, TRADE_BAND, TRADE_BAND - 1e-9])
    assert trade_leads(edge, np.array([0.3, 1.0, 1.0])).tolist() == [False, True, False]
    assert trade_leads(edge, np.ones(3)).all()  # nothing else to come before


def test_the_bar_is_the_best_job_not_of_the_trade() -> None:
    # one welding job far ahead of everything does not hide the others behind a storekeeper
    scores = np.array([0.204, 0.139, 0.111, 0.107, 0.104, 0.080])
    fit = np.array([0.98, 0.98, 0.98, 0.3, 0.6, 0.98])
    assert trade_leads(scores, fit).tolist() == [True, True, True, False, False, False]
    assert _ranked(scores.tolist(), fit.tolist()) == [0, 1, 2, 3, 4, 5]
    assert _ranked([0.10, 0.20, 0.09], [0.98, 0.3, 0.98]) == [1, 0, 2]


def test_the_leads_come_first_in_their_order_then_the_rest_in_theirs() -> None:
    scores = [0.150, 0.140, 0.125, 0.100, 0.149, 0.148]
    fit = [0.3, 0.98, 0.98, 0.98, 0.6, 0.55]
    assert _ranked(scores, None) == [0, 4, 5, 1, 2, 3]
    assert _ranked(scores, fit) == [1, 2, 0, 4, 5, 3]
    assert _ranked(scores, [0.3] * 6) == _ranked(scores, None)  # no trade: by score


def test_each_row_keeps_its_own_score() -> None:
    scores = np.array([0.150, 0.140, 0.125])
    found = ranked(
        scores,
        None,
        id_of=str,
        crowding=None,
        person_id="P1",
        today=TODAY,
        fit=np.array([0.3, 0.98, 0.98]),
    )
    assert [(k, value) for k, value, _, _ in found] == [(1, 0.140), (2, 0.125), (0, 0.150)]


def test_a_row_put_before_a_higher_score_says_so() -> None:
    """Only the leads that pass a better-scored job of another trade are marked (their reasons
    then say why a lower chance stands above a higher one)."""
    found = ranked(
        np.array([0.170, 0.140, 0.125, 0.150, 0.100]),
        None,
        id_of=str,
        crowding=None,
        person_id="P1",
        today=TODAY,
        fit=np.array([0.98, 0.98, 0.98, 0.3, 0.98]),
    )
    assert [(k, led) for k, _, _, led in found] == [
        (0, None),  # above the storekeeper by its own score
        (1, TRADE),
        (2, TRADE),
        (3, None),
        (4, None),  # below the band: after the storekeeper, in its own place
    ]


def test_a_quota_job_of_the_trade_close_to_the_best_of_the_trade_leads_it() -> None:
    scores = np.array([0.105, 0.104, 0.098, 0.083, 0.100, 0.070])
    fit = np.array([0.98, 0.98, 0.98, 0.98, 0.3, 0.98])
    quota = np.array([False, False, True, True, False, True])
    found = ranked(
        scores, None, id_of=str, crowding=None, person_id="P1", today=TODAY, fit=fit, quota=quota
    )
    assert [(k, led) for k, _, _, led in found] == [
        (2, QUOTA),  # 0.098 ≥ 0.8 × 0.105: before the ordinary welding jobs
        (0, None),
        (1, None),
        (3, TRADE),  # a quota job below the band of the trade: in the trade's own order
        (4, None),
        (5, None),  # below the band of the other trades: after them
    ]
    assert quota_leads(scores, fit > 0.6, None).tolist() == [False] * 6
    assert quota_leads(scores, np.zeros(6, dtype=bool), quota).tolist() == [False] * 6


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5])
def test_a_shorter_list_is_the_start_of_a_longer_one(limit: int) -> None:
    rng = np.random.default_rng(limit)
    scores = rng.uniform(0.08, 0.16, 40).tolist()
    fit = rng.choice([0.98, 0.6, 0.3], 40).tolist()
    assert _ranked(scores, fit, limit) == _ranked(scores, fit)[:limit]


def test_the_gate_measures_the_lists_as_shown() -> None:
    persons = np.array(["A", "A", "A", "A", "B", "B", "B", "B"])
    fit = np.array([0.3, 0.3, 0.3, 1.0, 0.3, 0.3, 0.3, 1.0])
    # A's own trade scores close to the best (shown first); B's far below it (shown last)
    scores = np.array([0.15, 0.14, 0.14, 0.13, 0.15, 0.14, 0.14, 0.05])
    assert evaluate.shown_ranks(persons, scores, fit).tolist() == [2, 3, 4, 1, 1, 2, 3, 4]
    found = evaluate.trade_first(persons, fit, scores)
    assert found == {"persons": 2, "top_share": 0.5, "best_rank": 2.5}
    labels = np.array([0, 0, 0, 1, 0, 0, 0, 1])
    plain = evaluate.ndcg(persons, labels, scores)
    shown = evaluate.ndcg(persons, labels, scores, fit=fit)
    assert shown == pytest.approx((1.0 + 1 / np.log2(5)) / 2)
    assert shown > plain


def test_the_gate_orders_many_lists_as_the_engine_orders_each() -> None:
    """``evaluate.shown_ranks`` (every held-out list at once, in arrays) and the engine's
    ``ordering.ranked`` (one list) are two writings of one rule: trade first, and among the
    trade's jobs the open quota ones close to its best first. On random lists they agree."""
    rng = np.random.default_rng(7)
    lists, scores, fits, quotas, expected = [], [], [], [], []
    for person in range(300):
        n = int(rng.integers(1, 16))
        score = rng.uniform(0.02, 0.3, n)
        fit = rng.choice([1.0, 0.98, 0.6, 0.55, 0.3, 0.0], n)
        quota = rng.random(n) < 0.3
        found = ranked(
            score, None, id_of=lambda k: f"V{k:03d}", crowding=None, person_id=f"P{person}",
            today=TODAY, fit=fit, quota=quota,
        )  # fmt: skip
        rank = np.empty(n, dtype=np.int64)
        rank[[k for k, _, _, _ in found]] = np.arange(1, n + 1)
        lists += [f"P{person}"] * n
        scores.append(score)
        fits.append(fit)
        quotas.append(quota)
        expected.append(rank)
    shown = evaluate.shown_ranks(
        lists, np.concatenate(scores), np.concatenate(fits), np.concatenate(quotas)
    )
    assert shown.tolist() == np.concatenate(expected).tolist()
    # and NDCG@10 reads the same order
    labels = (np.concatenate(expected) == 1).astype(float)
    assert evaluate.ndcg(
        lists, labels, np.concatenate(scores), fit=np.concatenate(fits),
        quota=np.concatenate(quotas),
    ) == pytest.approx(1.0)  # fmt: skip


# -- through the engine ----------------------------------------------------------------------


JOBS = [
    *(aktau_job(n, "7212", 12.0 + n, 300_000) for n in range(1, 6)),
    aktau_job(6, "7212", 14.0, 300_000, is_quota=True, quota_slots=2, quota_from=TODAY),
    aktau_job(7, "7212", 39.0, 150_000),  # far and poorly paid: not close to the best
    *(aktau_job(n, "7214", 0.5, 330_000) for n in range(8, 11)),  # metal erectors: related
    aktau_job(11, "4321", 0.2, 330_000),  # a storekeeper: open to anyone
]


def _vacancy(engine: Engine, vacancy_id: str) -> Vacancy:
    found = engine.item("vacancy", vacancy_id)
    assert isinstance(found, Vacancy)
    return found


@pytest.fixture(scope="module")
def engine() -> Engine:
    # a ranker that thinks little of the trade and much of distance and pay, as a learned
    # ranker fitted on skewed outcomes may
    names = FEATURES["vacancy"]
    ranker = WeightedSum({"occupation": 0.1, "proximity": 0.5, "salary": 0.4}, features=names)
    return Engine.build(
        vacancies=JOBS,
        courses=[],
        shelters=[],
        today=TODAY,
        rankers={"vacancy": ranker},
        model_version="test",
    )


def test_a_welders_list_puts_welding_first_and_keeps_each_score(engine: Engine) -> None:
    items = engine.recommend(WELDER, "vacancy", limit=12)
    codes = [_vacancy(engine, i.id).occupation_code for i in items]
    best = max(i.score for i in items)
    by_score = sorted(items, key=lambda i: -i.score)
    # without the rule, the metal erectors and the storekeeper would come first
    assert {_vacancy(engine, i.id).occupation_code for i in by_score[:4]} == {"7214", "4321"}
    assert codes[:6] == ["7212"] * 6
    # the quota job of the trade, within the band of the best job of the trade, leads them
    assert items[0].id == "V006"
    assert _vacancy(engine, "V006").is_quota
    # V007 scores below the band: it follows every other job
    assert [i.id for i in items][-1] == "V007"
    assert all(i.score >= TRADE_BAND * best for i in items[:6])
    higher_elsewhere = max(
        i.score for i in items if _vacancy(engine, i.id).occupation_code != "7212"
    )
    best_ordinary_welder = max(i.score for i in items[1:6])
    for place, item in enumerate(items, start=1):
        said = {r.code for r in item.reasons} & {"trade_first", "quota_first"}
        if place == 1 and item.score < best_ordinary_welder:
            assert said == {"quota_first"}
        elif place <= 6 and item.score < higher_elsewhere:
            assert said == {"trade_first"}
        else:
            assert said == set()
        why = engine.why(WELDER, "vacancy", item.id)
        assert why.score == pytest.approx(item.score)
        assert sum(why.contributions.values()) == pytest.approx(item.score)
        assert why.rank == place
    assert [i.id for i in engine.recommend(WELDER, "vacancy", limit=3)] == [i.id for i in items[:3]]


def test_a_person_without_that_trade_gets_the_list_by_score(engine: Engine) -> None:
    cook = replace(WELDER, person_id="T-COOK", professions=("повар",))
    items = engine.recommend(cook, "vacancy", limit=12)
    scores = [i.score for i in items]
    assert scores == sorted(scores, reverse=True)
