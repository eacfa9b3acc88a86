from __future__ import annotations

from datetime import date

import pytest

from matcher.congestion import Congestion
from matcher.engine import Engine, Recommendation
from matcher.profile import Person, Shelter
from matcher.text import OccupationMatcher
from tests.matcher.conftest import welder_from_aktau


def test_the_discount_follows_referrals_beyond_the_free_places() -> None:
    crowded = Congestion({("vacancy", "A"): 10, ("vacancy", "B"): 10, ("vacancy", "D"): 11})
    assert crowded.factor("vacancy", "A", 1) == pytest.approx(1 / 5.5)
    assert crowded.factor("vacancy", "B", 10) == 1.0  # as many referrals as openings
    assert crowded.factor("vacancy", "D", 10) == pytest.approx(1 / 1.05)
    assert crowded.factor("vacancy", "C", 1) == 1.0
    assert crowded.factor("course", "A", None) == 1.0


@pytest.mark.parametrize(
    ("referrals", "free", "congested"),
    [
        (4, 28, False),  # finding 7: 4 referrals for 28 beds is a centre in use
        (27, 28, False),
        (28, 28, False),
        (29, 28, True),
        (0, 1, False),
        (1, 1, False),  # one referral to the one opening of an ordinary vacancy
        (2, 1, True),
        (1, 0, True),
        (500, None, False),  # unlimited seats
    ],
)
def test_congestion_is_more_referrals_than_free_places(
    referrals: int, free: int | None, congested: bool
) -> None:
    assert (Congestion.discount(referrals, free) < 1.0) is congested


def shelter_list(referrals: int) -> list[Recommendation]:
    person = Person(
        person_id="T-HOUSING", kato="471010000", lat=43.65, lon=51.17, status="released",
        release_date=date(2026, 11, 1), birth_year=1990, sex="m", need_housing=True,
    )  # fmt: skip
    centres = [
        Shelter(shelter_id="S1", name="Үміт", kato="471010000", lat=43.66, lon=51.18, capacity=28),
        Shelter(shelter_id="S2", name="Жол", kato="471010000", lat=43.9, lon=51.5, capacity=28),
    ]
    engine = Engine.build(
        vacancies=[], courses=[], shelters=centres, today=date(2026, 11, 25),
        matcher=OccupationMatcher(()), congestion=Congestion({("shelter", "S1"): referrals}),
    )  # fmt: skip
    return engine.recommend(person, "shelter", limit=5)


def test_a_few_referrals_to_many_beds_are_not_shown_as_congestion() -> None:
    calm = shelter_list(0)
    used = shelter_list(4)
    assert [(i.id, i.score, i.reasons) for i in used] == [(i.id, i.score, i.reasons) for i in calm]
    assert all(r.code != "congested" for i in used for r in i.reasons)


def test_more_referrals_than_beds_lower_the_score_and_say_so() -> None:
    calm = {i.id: i for i in shelter_list(0)}
    crowded = {i.id: i for i in shelter_list(29)}
    assert crowded["S1"].score < calm["S1"].score
    note = crowded["S1"].reasons[-1]
    assert note.code == "congested"
    assert note.params == {"referrals": 29, "free": 28}
    assert all(r.code != "congested" for r in crowded["S2"].reasons)


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
