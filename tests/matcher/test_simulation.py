"""The hidden world: deterministic traits, propensities that move the documented way, and
played-out referrals whose events come in a valid order."""

from __future__ import annotations

import random
import statistics
from dataclasses import replace
from datetime import date, timedelta

import pytest

from matcher.profile import Person, Shelter
from simulator.world import (
    QUIT_REASONS,
    REJECTED_REASONS,
    CourseFit,
    JobFit,
    PersonState,
    World,
)

DAY = date(2026, 6, 1)
PERSON = Person(
    person_id="P1",
    kato="471010000",
    lat=43.65,
    lon=51.17,
    status="released",
    release_date=DAY - timedelta(200),
    family_ties="tense",
    offence_category="property",
    max_commute_km=30,
)
JOB = JobFit(
    vacancy_id="V1",
    employer_bin="E1",
    code="7212",
    occupation=0.6,
    skills=0.3,
    km=10.0,
    commute_km=30.0,
    salary_above_median=False,
    provides_housing=False,
    is_quota=False,
)
COURSE = CourseFit("C1", ("7212",), 0.5, 0.8, 0.7, False, 72, None)


def world(openness: float = 0.5, steadiness: float = 0.5, quality: float = 0.5) -> World:
    return World(
        0, openness={"E1": openness}, steadiness={"P1": steadiness}, quality={"C1": quality}
    )


def test_traits_are_deterministic_and_quota_employers_less_open() -> None:
    bins = [f"{n:012d}" for n in range(2000)]
    quota = frozenset(bins[:1000])
    one, two = World(7, quota_employers=quota), World(7, quota_employers=quota)
    assert [one.openness(b) for b in bins] == [two.openness(b) for b in bins]
    assert World(8).openness(bins[1500]) != one.openness(bins[1500])
    assert all(0 < one.openness(b) < 1 for b in bins)
    quota_mean = statistics.mean(one.openness(b) for b in bins[:1000])
    other_mean = statistics.mean(one.openness(b) for b in bins[1000:])
    assert quota_mean < other_mean - 0.1


@pytest.mark.parametrize(
    ("change", "direction"),
    [
        ({"occupation": 1.0}, +1),
        ({"skills": 0.9}, +1),
        ({"km": 60.0}, -1),
    ],
)
def test_hire_follows_the_fit(change: dict[str, float], direction: int) -> None:
    w = world()
    assert (w.p_hired(PERSON, replace(JOB, **change)) - w.p_hired(PERSON, JOB)) * direction > 0  # type: ignore[arg-type]


def test_hire_rises_with_openness_and_violent_offences_meet_closed_doors() -> None:
    assert (
        world(0.9).p_hired(PERSON, JOB)
        > world(0.5).p_hired(PERSON, JOB)
        > world(0.1).p_hired(PERSON, JOB)
    )
    violent = replace(PERSON, offence_category="violent")
    assert world(0.1).p_hired(violent, JOB) < world(0.1).p_hired(PERSON, JOB)
    assert world(0.8).p_hired(violent, JOB) == world(0.8).p_hired(PERSON, JOB)


def kept(w: World, person: Person = PERSON, job: JobFit = JOB, **state: object) -> float:
    return w.p_kept(person, job, PersonState(**state), DAY)  # type: ignore[arg-type]


def test_retention_responds_to_each_input() -> None:
    w = world()
    base = kept(w)
    assert kept(world(0.9)) > base > kept(world(0.1))
    assert kept(world(steadiness=0.9)) > base > kept(world(steadiness=0.1))
    homeless = replace(PERSON, need_housing=True)
    assert kept(w, homeless) < base
    assert kept(w, homeless, replace(JOB, provides_housing=True)) == base
    assert kept(w, homeless, stays=[(DAY - timedelta(10), DAY + timedelta(60))]) == base
    assert kept(w, replace(PERSON, family_ties="supportive")) > base
    assert kept(w, replace(PERSON, family_ties="none")) < base
    assert kept(w, completed=[(DAY - timedelta(5), frozenset({"7212"}))]) > base
    assert kept(w, completed=[(DAY + timedelta(5), frozenset({"7212"}))]) == base
    assert kept(w, job=replace(JOB, salary_above_median=True)) > base
    assert kept(w, replace(PERSON, need_addiction_treatment=True)) < base
    assert kept(w, replace(PERSON, release_date=DAY - timedelta(20))) < base


def test_courses_and_shelters() -> None:
    w = world()
    assert world(quality=0.9).p_enrolled(COURSE) > w.p_enrolled(COURSE)
    assert w.p_enrolled(replace(COURSE, relevance=0.9)) > w.p_enrolled(COURSE)
    assert w.p_enrolled(replace(COURSE, paid=True)) < w.p_enrolled(COURSE)
    assert world(quality=0.9).p_completed(PERSON, COURSE) > w.p_completed(PERSON, COURSE)
    assert world(steadiness=0.9).p_completed(PERSON, COURSE) > w.p_completed(PERSON, COURSE)
    shelter = Shelter("S1", "Центр", "471010000", 43.6, 51.1, capacity=10)
    addicted = replace(PERSON, need_addiction_treatment=True)
    assert w.p_admitted(addicted, shelter, 0.5) < w.p_admitted(PERSON, shelter, 0.5)
    assert (
        w.play_shelter(random.Random(1), PERSON, shelter, 0.5, PersonState(), DAY, free=False) == []
    )


def test_hidden_success_is_hire_times_keep() -> None:
    w = world(0.8)
    success = w.hidden_success(PERSON, JOB, day=DAY)
    assert 0 < success < w.p_hired(PERSON, JOB)
    assert w.hidden_success(PERSON, JOB, day=DAY) > world(0.2).hidden_success(PERSON, JOB, day=DAY)


def test_played_referrals_come_in_a_valid_order() -> None:
    w, rng = world(0.7), random.Random(3)
    seen = set()
    for n in range(400):
        state = PersonState()
        events = w.play_vacancy(rng, PERSON, JOB, state, DAY)
        names = [e.event for e in events]
        seen.add(names[0])
        assert [e.date for e in events] == sorted(e.date for e in events)
        assert events[0].date > DAY
        if names[0] == "rejected":
            assert names == ["rejected"]
            assert events[0].reason in REJECTED_REASONS
            continue
        assert names[0] == "hired"
        assert events[0].contract_months in (1, 3, 6, 12)
        assert state.employed_until == events[-1].date
        if "retained_3m" in names:
            assert events[1].date == events[0].date + timedelta(90)
        assert names[-1] == "quit"
        assert events[-1].reason in QUIT_REASONS
        again = w.play_vacancy(rng, PERSON, replace(JOB, vacancy_id=f"V{n}"), state, DAY)
        if again[0].date < events[-1].date:  # still working there: the person does not come
            assert [(e.event, e.reason) for e in again] == [("rejected", "no_show")]
    assert seen == {"hired", "rejected"}
    filled = w.play_vacancy(rng, PERSON, JOB, PersonState(), DAY, filled=True)
    assert [(e.event, e.reason) for e in filled] == [("rejected", "position_filled")]
