"""Plan timing an inspector can trust (issue 15, finding 5): a job step in the first month
whenever the person has a trade or a quota job fits; a course only when wanted or the only
route, and never one that pushes the first pay past the shelter stay without saying why; the
housing search well before the stay ends; nothing due in the past, nothing "before release"
once released; the derived dates follow every edit."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from catalogs.i18n import LANGS, messages
from matcher import plan as planner
from matcher import sample
from matcher.engine import Engine
from matcher.plan import timing as plan_timing
from matcher.profile import Person
from service.plans import rendering
from tests.matcher.conftest import AS_OF
from tests.matcher.test_plan import by_id, inside_90_days


def _day(value: Any) -> date:
    return date.fromisoformat(str(value))


def like_p00540(**changes: object) -> Person:
    """No profession, needs housing, does not ask for training, released in three weeks."""
    return inside_90_days(
        person_id="T-P00540",
        release_date=AS_OF + timedelta(20),
        family_ties="supportive",
        civil_claim_kzt=0,
        **changes,
    )


@pytest.fixture(scope="module")
def no_quota_engine(demo_data) -> Engine:  # type: ignore[no-untyped-def]
    """The demo world without its quota vacancies: only ordinary jobs are within reach."""
    return Engine.build(
        vacancies=[v for v in sample.vacancies(demo_data) if not v.is_quota],
        courses=list(sample.courses(demo_data)),
        shelters=list(sample.shelters(demo_data)),
        today=AS_OF,
    )


@pytest.fixture(scope="module")
def short_stay_engine(demo_data) -> Engine:  # type: ignore[no-untyped-def]
    """The same world where every centre keeps a person for 60 days only, and every course
    has its own start date (none self-paced, which could end in time)."""
    return Engine.build(
        vacancies=[v for v in sample.vacancies(demo_data) if not v.is_quota],
        courses=[c for c in sample.courses(demo_data) if c.starts_on is not None],
        shelters=[replace(s, max_stay_days=60) for s in sample.shelters(demo_data)],
        today=AS_OF,
    )


def test_a_course_ending_after_the_short_stay_is_kept_only_with_its_reason(
    short_stay_engine: Engine,
) -> None:
    """A person on probation (no custody course to take): with a 60-day stay no course ends in
    time for the first pay to fall within it, so the one kept says why, and the risk shows."""
    late = 0
    for person in (
        inside_90_days(
            wants_training=True, status="probation", probation_kind="sentence", release_date=None
        ),
        inside_90_days(wants_training=True, status="released", release_date=AS_OF - timedelta(3)),
    ):
        plan = planner.generate(short_stay_engine, person)
        course = by_id(plan).get("course")
        if course is None or course["part"] == "before_release":
            continue
        until = _day(by_id(plan)["shelter"]["params"]["until"])
        if _day(plan["first_pay_day"]) <= until:
            assert "late" not in course["params"]
            continue
        late += 1
        assert course["params"]["late"] == "wanted"
        assert course["params"]["until"] == until.isoformat()
        assert course["params"]["first_pay"] == plan["first_pay_day"]
        assert "stay_ends_before_first_pay" in plan["risk_flags"]
        search = _day(by_id(plan)["housing_search"]["due"])
        assert search <= until - timedelta(30)
        for lang in LANGS:
            details = rendering._action_text(course, lang, {})["details"]
            reason = rendering._t("plan_course_late_wanted", lang, until=until.isoformat(), first_pay=plan["first_pay_day"])  # fmt: skip
            assert reason in details
    assert late > 0


def test_a_person_with_a_trade_is_referred_in_the_first_month_even_with_a_course(
    engine: Engine,
) -> None:
    person = inside_90_days(professions=("электрогазосварщик",), wants_training=True)
    release = person.release_date
    assert release is not None
    actions = by_id(planner.generate(engine, person))
    assert "course" in actions  # asked for: the course is planned ...
    referral = _day(actions["job_referral"]["due"])
    assert release <= referral <= release + timedelta(30)  # ... and does not hold the job back
    assert actions["job_referral"]["items"]


def test_a_quota_job_that_fits_is_referred_in_the_first_month_without_a_trade(
    engine: Engine,
) -> None:
    person = inside_90_days(wants_training=True)
    release = person.release_date
    assert release is not None
    actions = by_id(planner.generate(engine, person))
    assert any(engine.item("vacancy", i["id"]).is_quota for i in actions["job_referral"]["items"])  # type: ignore[union-attr]
    assert release <= _day(actions["job_referral"]["due"]) <= release + timedelta(30)


def test_no_course_the_person_did_not_ask_for_when_a_job_is_within_reach(engine: Engine) -> None:
    assert "course" not in by_id(planner.generate(engine, inside_90_days()))
    assert "course" not in by_id(
        planner.generate(engine, inside_90_days(professions=("электрогазосварщик",)))
    )


def test_a_course_that_delays_the_first_pay_past_the_stay_says_why(
    no_quota_engine: Engine, people: Any
) -> None:
    """Without quota jobs a person with no trade who asks for training waits for the course;
    a course whose first pay falls after the stay is kept only with its reason, in words."""
    courses = 0
    for offset in range(10, 200, 7):
        person = inside_90_days(wants_training=True, release_date=AS_OF + timedelta(offset))
        plan = planner.generate(no_quota_engine, person)
        actions = by_id(plan)
        if "course" not in actions:
            continue
        course = actions["course"]
        if course["part"] == "before_release":  # inside, before release: no wait for it
            assert actions["job_referral"]["params"]["after_course"] is False
            continue
        courses += 1
        assert actions["job_referral"]["params"]["after_course"] is True
        assert _day(actions["job_referral"]["due"]) > _day(course["params"]["end"])
        until = _day(actions["shelter"]["params"]["until"])
        if _day(plan["first_pay_day"]) > until:
            assert course["params"]["late"] == "wanted"
            for lang in LANGS:
                details = rendering._action_text(course, lang, {})["details"]
                assert any(rendering._t("plan_course_late_wanted", lang, until=str(until), first_pay=plan["first_pay_day"]) == d for d in details)  # fmt: skip
        else:
            assert "late" not in course["params"]
    assert courses > 0


def test_the_housing_search_starts_at_least_30_days_before_the_stay_ends(engine: Engine) -> None:
    for person in (inside_90_days(), like_p00540(), inside_90_days(wants_training=True)):
        actions = by_id(planner.generate(engine, person))
        until = _day(actions["shelter"]["params"]["until"])
        search = _day(actions["housing_search"]["due"])
        assert _day(actions["shelter"]["due"]) <= search <= until - timedelta(30)


def test_before_release_support_is_due_before_release(engine: Engine) -> None:
    """Support counted from the release day (legal aid two weeks after it) is not put under
    "before release" for a person inside, and nothing under it falls due after release."""
    for days in (3, 20, 90):
        person = inside_90_days(
            release_date=AS_OF + timedelta(days), need_legal_aid=True, need_psychological=True
        )
        actions = by_id(planner.generate(engine, person))
        assert actions["legal_aid"]["part"] == "social_legal"
        for action in actions.values():
            if action["part"] == "before_release":
                assert _day(action["due"]) < person.release_date, action["id"]  # type: ignore[operator]


def test_a_released_person_gets_nothing_in_the_past_and_nothing_before_release(
    engine: Engine,
) -> None:
    released = inside_90_days(status="released", release_date=AS_OF - timedelta(40))
    # a record not yet updated: still "in custody" although the release day has passed
    stale = inside_90_days(release_date=AS_OF - timedelta(10))
    for person in (released, stale):
        plan = planner.generate(engine, person)
        for action in plan["actions"]:
            assert _day(action["due"]) >= AS_OF, action["id"]
            assert action["part"] != "before_release", action["id"]
        shelter = by_id(plan)["shelter"]["params"]
        assert _day(shelter["from"]) >= AS_OF
        assert (_day(shelter["until"]) - _day(shelter["from"])).days == shelter["days"]


def test_dropping_the_course_moves_the_job_step_and_the_first_pay_earlier(
    no_quota_engine: Engine,
) -> None:
    person = inside_90_days(wants_training=True, release_date=AS_OF + timedelta(31))
    plan = planner.generate(no_quota_engine, person)
    actions = by_id(plan)
    assert actions["job_referral"]["params"]["after_course"] is True
    referral, first_pay = _day(actions["job_referral"]["due"]), _day(plan["first_pay_day"])
    review_day = _day(plan["review_date"])

    edited = copy.deepcopy(plan)
    by_id(edited)["course"]["status"] = "dropped"  # what the inspector's edit does
    moved = planner.recompute(edited, AS_OF)
    after = by_id(edited)
    assert _day(after["job_referral"]["due"]) < referral
    assert _day(after["job_referral"]["due"]) <= person.release_date + timedelta(30)  # type: ignore[operator]
    assert _day(edited["first_pay_day"]) < first_pay
    assert after["job_referral"]["params"]["first_pay"] == edited["first_pay_day"]
    assert _day(edited["review_date"]) <= review_day
    assert {m["what"] for m in moved} >= {"referral", "first_pay"}
    assert edited["recomputed"] == moved
    reviewed = planner.review(edited)
    assert reviewed["counts"]["dropped"] == 1
    assert reviewed["review_date"] == edited["review_date"]
    later = copy.deepcopy(edited)  # a year on, a still planned past action counts as overdue
    planner.recompute(later, AS_OF + timedelta(400))
    assert planner.review(later)["counts"]["overdue"] > planner.review(edited)["counts"]["overdue"]
    # the new version says so in words, in every language
    for lang in LANGS:
        lines = rendering.recomputed_texts(edited, lang)
        expected = messages("matcher").text(
            "plan_moved_first_pay", lang, **{"from": first_pay.isoformat(), "to": edited["first_pay_day"]}
        )  # fmt: skip
        assert expected in lines


def test_moving_the_referral_moves_the_first_pay_and_the_timing_risk(engine: Engine) -> None:
    plan = planner.generate(engine, like_p00540())
    assert "stay_ends_before_first_pay" not in plan["risk_flags"]
    until = _day(by_id(plan)["shelter"]["params"]["until"])
    job = by_id(plan)["job_referral"]
    later = until - timedelta(10)
    job.update(due=later.isoformat(), due_fixed=True, edited=True)  # what an edit does
    moved = planner.recompute(plan, AS_OF)
    assert _day(plan["first_pay_day"]) == plan_timing.first_pay_after(later)
    assert "stay_ends_before_first_pay" in plan["risk_flags"]
    assert {"what": "risk_added", "risk": "stay_ends_before_first_pay"} in moved
    assert _day(plan["review_date"]) >= _day(plan["first_pay_day"])
    # regenerating keeps the inspector's date and what follows from it
    again = planner.generate(engine, like_p00540(), previous=plan)
    assert by_id(again)["job_referral"]["due"] == later.isoformat()
    assert again["first_pay_day"] == plan["first_pay_day"]


def test_dropping_the_job_referral_expects_no_first_pay(engine: Engine) -> None:
    plan = planner.generate(engine, like_p00540())
    assert plan["first_pay_day"] is not None
    by_id(plan)["job_referral"]["status"] = "dropped"  # what the inspector's edit does
    moved = planner.recompute(plan, AS_OF)
    assert plan["first_pay_day"] is None
    assert "stay_ends_before_first_pay" not in plan["risk_flags"]
    assert {"what": "risk_added", "risk": "no_job_option"} in moved
    for lang in LANGS:  # what moved is said in words, with no empty date
        assert all("None" not in line for line in rendering.recomputed_texts(plan, lang))
    by_id(plan)["job_referral"]["status"] = "planned"  # back into the plan: the pay again
    planner.recompute(plan, AS_OF)
    assert plan["first_pay_day"] is not None


def test_a_regenerated_plan_says_what_it_moved(engine: Engine) -> None:
    plan = planner.generate(engine, like_p00540())
    assert plan["recomputed"] == []  # a first version moves nothing
    released_later = dataclasses.replace(like_p00540(), release_date=AS_OF + timedelta(50))
    later = planner.generate(engine, released_later, previous=plan)  # a month later
    moved = {m["what"]: m for m in later["recomputed"]}
    assert moved["first_pay"]["from"] == plan["first_pay_day"]
    assert moved["first_pay"]["to"] == later["first_pay_day"] != plan["first_pay_day"]
    assert moved["referral"]["to"] == by_id(later)["job_referral"]["due"]
    for lang in LANGS:  # said in words, as an edit's consequences are
        lines = rendering.recomputed_texts(later, lang)
        assert len(lines) == len(later["recomputed"])
    same = planner.generate(engine, like_p00540(), previous=plan)
    assert [m for m in same["recomputed"] if m["what"] != "review"] == []


def test_acceptance_3_a_person_like_p00540(engine: Engine, demo_data: Any) -> None:
    """No profession, needs housing, no wish to train, released soon: referred to jobs within
    30 days of release, the housing search started before the stay ends."""
    demo_like = [
        p
        for p in sample.persons(demo_data)
        if not p.professions
        and p.need_housing
        and not p.wants_training
        and p.status == "in_custody"
        and p.release_date is not None
        and AS_OF < p.release_date <= AS_OF + timedelta(60)
    ]
    assert demo_like
    for person in [like_p00540(), *demo_like]:
        plan = planner.generate(engine, person)
        actions = by_id(plan)
        release = person.release_date
        assert release is not None
        assert "course" not in actions
        assert release <= _day(actions["job_referral"]["due"]) <= release + timedelta(30)
        assert actions["job_referral"]["items"]
        if "shelter" in actions:
            until = _day(actions["shelter"]["params"]["until"])
            assert _day(actions["housing_search"]["due"]) <= until - timedelta(30)
            assert _day(plan["first_pay_day"]) <= until
