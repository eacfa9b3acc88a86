from __future__ import annotations

from datetime import date

import pytest

from matcher.congestion import Congestion
from matcher.engine import Engine
from tests.matcher.conftest import welder_from_aktau


def test_the_discount_follows_referrals_per_free_place() -> None:
    crowded = Congestion({("vacancy", "A"): 10, ("vacancy", "B"): 10})
    assert crowded.factor("vacancy", "A", 1) == pytest.approx(1 / 6)
    assert crowded.factor("vacancy", "B", 10) == pytest.approx(1 / 1.5)
    assert crowded.factor("vacancy", "C", 1) == 1.0
    assert crowded.factor("course", "A", None) == 1.0


def test_tie_keys_are_reproducible_and_weighted() -> None:
    congestion = Congestion(seed=3)
    day = date(2026, 11, 25)
    assert congestion.tie_key("P1", day, "V1", 0.8) == congestion.tie_key("P1", day, "V1", 0.8)
    assert congestion.tie_key("P1", day, "V1", 0.8) != congestion.tie_key("P2", day, "V1", 0.8)
    wins = sum(
        Congestion(seed=s).tie_key("P", day, "strong", 0.9)
        > Congestion(seed=s).tie_key("P", day, "weak", 0.1)
        for s in range(400)
    )
    assert wins > 300


def test_a_crowded_item_falls_and_says_why(engine: Engine) -> None:
    welder = welder_from_aktau()
    plain = engine.recommend(welder, "vacancy", limit=10)
    top = plain[0].id
    crowded = Engine(
        vacancies=engine.vacancies,
        courses=engine.courses,
        shelters=engine.shelters,
        today=engine.today,
        matcher=engine.matcher,
        congestion=Congestion({("vacancy", top): 40}),
    )
    after = crowded.recommend(welder, "vacancy", limit=10)
    ids = [item.id for item in after]
    assert top not in ids[:3]
    if top in ids:
        item = after[ids.index(top)]
        assert item.reasons[-1].code == "congested"
    off = Engine(
        vacancies=engine.vacancies, courses=engine.courses, shelters=engine.shelters,
        today=engine.today, matcher=engine.matcher, congestion=None,
    )  # fmt: skip
    assert [i.id for i in off.recommend(welder, "vacancy", limit=10)] == [i.id for i in plain]
