"""The trade-first gate on the lists an officer sees (``service.training.trade_gate``): a
challenger that ranks jobs of a person's own trade low is refused on the engine's own lists,
even where the held-out referrals (all of the person's trade) cannot tell it from a good one;
and a retraining's card carries the figures that ``matcher model show`` prints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlmodel import Session

from catalogs.demo import DemoSpec
from matcher.engine import Engine, Ranker
from matcher.features.pairs import FEATURES
from matcher.rank import evaluate
from matcher.rank.weights import WEIGHTS, WeightedSum
from service.runtime import Runtime
from service.store import demo
from service.store import rows as glue
from service.store.model_card import TradeLists
from service.training import trade_gate
from service.training.dataset import TrainingSet
from service.training.retrain import judge
from tests import outcome_world
from tests.people import TODAY, WELDER, aktau_job

NAMES = tuple(FEATURES["vacancy"])


class Inverted:
    """A ranker that thinks the less a job is of the person's trade, the better."""

    features_ = np.asarray(NAMES, dtype=object)

    def predict_proba(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        rows = np.asarray(X, dtype=np.float64)
        score = 0.7 * (1.0 - rows[:, NAMES.index("occupation")])
        score += 0.3 * rows[:, NAMES.index("proximity")]
        return np.column_stack([1.0 - score, score])

    def contributions(self, row: Sequence[float]) -> dict[str, float]:
        return dict.fromkeys(NAMES, float(self.predict_proba([row])[0, 1]) / len(NAMES))


WELDERS = evaluate.TRADE_MIN_LISTS + 2
# welders enough to judge by, a cook with no cook's job near, and a person without a trade
PERSONS = {
    **{f"T-W{n:02d}": replace(WELDER, person_id=f"T-W{n:02d}") for n in range(WELDERS)},
    "T-COOK": replace(WELDER, person_id="T-COOK", professions=("повар",)),
    "T-NONE": replace(WELDER, person_id="T-NONE", professions=()),
}
JOBS = [
    *(aktau_job(n, "7212", 5.0 + 3 * n) for n in range(1, 4)),  # welding, a little further out
    *(aktau_job(n, "4321", 0.5 + 0.1 * n) for n in range(4, 16)),  # storekeepers, near home
]


@pytest.fixture(scope="module")
def lists() -> trade_gate.Shortlists:
    engine = Engine.build(vacancies=JOBS, courses=[], shelters=[], today=TODAY)
    return trade_gate.Shortlists(engine, PERSONS, {})


def _measure(lists: trade_gate.Shortlists, challenger: Ranker) -> TradeLists:
    return lists.measure(
        np.array(sorted(PERSONS) * 2),  # a person referred twice counts once
        challenger=challenger,
        champion=WeightedSum(WEIGHTS["vacancy"], features=NAMES),
        baseline=WeightedSum(WEIGHTS["vacancy"], features=NAMES),
    )


def test_a_challenger_that_ranks_the_trade_low_is_refused_on_the_lists(
    lists: trade_gate.Shortlists,
) -> None:
    found = _measure(lists, Inverted())
    # the cook has a trade but no job of it open; the person without one is not counted
    assert (found["persons"], found["reachable"], found["size"]) == (WELDERS + 1, WELDERS, 10)
    assert found["champion"] == {"top_share": 1.0, "best_rank": 1.0}
    assert found["challenger"] == {"top_share": 0.0, "best_rank": 11.0}  # none in the 10
    refusal = trade_gate.refusal(found, persons=found["reachable"])
    assert refusal == {
        "code": "exact_trade_down",
        "persons": WELDERS,
        "top": evaluate.TRADE_TOP,
        "challenger": 0,
        "reference": 100,
    }


def test_a_challenger_that_keeps_the_trade_first_passes(lists: trade_gate.Shortlists) -> None:
    near = WeightedSum({"occupation": 0.3, "proximity": 0.7}, features=NAMES)
    found = _measure(lists, near)
    assert found["challenger"]["top_share"] == 1.0
    assert trade_gate.refusal(found, persons=found["reachable"]) is None


def test_nothing_to_judge_when_no_one_can_find_a_job_of_their_trade(
    lists: trade_gate.Shortlists,
) -> None:
    found = lists.measure(
        np.array(["T-COOK", "T-NONE", "T-ELSEWHERE"]),
        challenger=Inverted(),
        champion=Inverted(),
        baseline=Inverted(),
    )
    assert found.pop("seconds") >= 0
    assert found == {"persons": 1, "reachable": 0, "size": 10}
    assert trade_gate.refusal(found, persons=0) is None


def test_the_sample_is_bounded_and_the_same_each_time() -> None:
    ids = [f"P{n:05d}" for n in range(1000)]
    first = trade_gate.sample(list(reversed(ids)), 300)
    assert first == trade_gate.sample(ids, 300)
    assert len(first) == len(set(first)) == 300
    assert first[0] == "P00000"
    assert first[-1] > "P00990"
    assert trade_gate.sample(ids[:5], 300) == ids[:5]


def _held_out() -> TrainingSet:
    """Held-out referrals that are all jobs of the person's own trade: any ranker keeps one in
    the top 3 of such a list."""
    rng = np.random.default_rng(4)
    n = WELDERS * 4
    X = rng.random((n, len(NAMES)))
    X[:, NAMES.index("occupation")] = 1.0
    y = (rng.random(n) < 0.4).astype(np.int64)
    return TrainingSet(
        "vacancy",
        NAMES,
        X,
        y,
        np.zeros(n, dtype=np.int64),
        np.ones(n),
        np.repeat([f"T-W{i:02d}" for i in range(WELDERS)], 4),
        np.array([f"V{i:03d}" for i in range(n)]),
        {},
    )


def test_judge_refuses_on_the_lists_what_the_referrals_cannot_see(
    lists: trade_gate.Shortlists,
) -> None:
    held = _held_out()
    baseline = WeightedSum(WEIGHTS["vacancy"], features=NAMES)
    without = judge(Inverted(), baseline, held, "vacancy")
    assert without["trade_first"]["challenger"]["top_share"] == 1.0
    assert not [r for r in without["refused"] if r["code"] == "exact_trade_down"]
    assert "trade_first_lists" not in without
    shown = judge(Inverted(), baseline, held, "vacancy", lists=lists)
    assert shown["trade_first_lists"]["challenger"]["top_share"] == 0.0
    refused = [r for r in shown["refused"] if r["code"] == "exact_trade_down"]
    assert refused == [
        {
            "code": "exact_trade_down",
            "persons": WELDERS,
            "top": 3,
            "challenger": 0,
            "reference": 100,
        }
    ]
    assert not shown["promoted"]
    # over fewer persons than the gate needs, the figures are shown, not judged
    few = held.rows(np.isin(held.person, ["T-W00", "T-W01", "T-W02"]))
    small = judge(Inverted(), baseline, few, "vacancy", lists=lists)
    assert small["trade_first_lists"]["reachable"] == 3
    assert not [r for r in small["refused"] if r["code"] == "exact_trade_down"]
    same = judge(baseline, baseline, held, "vacancy", lists=lists)
    assert same["trade_first_lists"]["challenger"] == same["trade_first_lists"]["champion"]
    assert not [r for r in same["refused"] if r["code"] == "exact_trade_down"]


def test_the_card_carries_the_figures_and_model_show_prints_them(  # type: ignore[no-untyped-def]
    run, runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    today = date.today()
    demo.build(
        session,
        DemoSpec(seed=11, as_of=today, vacancies=300, courses=30, persons=250),
        protector=runtime.protector,
    )
    session.commit()
    engine = glue.load_engine(session, today=today, congestion=False, learned=False)
    events = outcome_world.referrals(
        session,
        runtime.protector,
        lambda p, rec, rank, day: 0.75 if outcome_world.good_employer(engine, rec.id) else 0.1,
        today=today,
    )
    path = outcome_world.write_csv(events, tmp_path / "outcomes.csv")
    assert run("import", "outcomes", str(path)).exit_code == 0
    card = json.loads(run("retrain", "--json").stdout)
    assert card["gates"]["exact_trade_lists"] == 10
    assert card["gates"]["exact_trade_sample"] == trade_gate.SAMPLE
    found = card["kinds"]["vacancy"]["trade_first_lists"]
    assert 0 < found["reachable"] <= found["persons"] <= trade_gate.SAMPLE
    for name in ("challenger", "champion", "baseline"):
        assert 0.0 <= found[name]["top_share"] <= 1.0
        assert 1.0 <= found[name]["best_rank"] <= 11.0
    shown = run("--lang", "en", "model", "show", card["version"]).stdout
    share = round(100 * found["challenger"]["top_share"])
    assert f"for {found['reachable']} persons with a trade and a job of it open" in shown
    assert f"in the top 3 for {share}%" in shown
    assert "in the held-out period's referrals" in shown
    said = run("--lang", "ru", "model", "show", card["version"]).stdout
    assert "в первых 10 вакансиях, которые видит специалист" in said
