"""One source of truth for a person's options (issue 15, finding 6): the shortlist's #1, the
plan's pick and a one-person allocation are the same job, course and bed, unless a rule or
capacity passes the #1 over, and then the plan's action or the allocation's line says why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from catalogs.i18n import LANGS
from matcher import plan as planner
from matcher import sample
from matcher.allocate import Assignment, allocate
from matcher.engine import Engine
from matcher.explain import Reason
from matcher.index import VacancyIndex
from matcher.plan import choice
from matcher.profile import Person, Shelter
from service.plans import rendering
from tests.matcher.conftest import AS_OF, welder_from_aktau
from tests.matcher.test_plan import by_id, inside_90_days

ACTIONS = {"vacancy": "job_referral", "course": "course", "shelter": "shelter"}


def demo_like(demo_data: Any) -> list[Person]:
    """Persons of the demo of every kind the plan treats differently: inside and released
    soon, released, on probation; with and without a trade, housing, a wish to train."""
    everyone = list(sample.persons(demo_data))
    kinds: list[Callable[[Person], bool]] = [
        lambda p: p.status == "in_custody" and not p.professions and p.need_housing,
        lambda p: p.status == "in_custody" and bool(p.professions) and p.wants_training,
        lambda p: p.status == "in_custody" and not p.professions and not p.need_housing,
        lambda p: p.status == "released" and p.need_housing,
        lambda p: p.status == "released" and not p.need_housing and p.wants_training,
        lambda p: p.status == "probation" and bool(p.professions),
        lambda p: p.status == "probation" and not p.professions and p.wants_training,
    ]
    chosen: list[Person] = []
    for fits in kinds:
        chosen += [
            p
            for p in everyone
            if fits(p) and (p.release_date is None or p.release_date <= AS_OF + timedelta(120))
        ][:2]
    return chosen


def stated(action: dict[str, Any], first: str) -> bool:
    """The action says why the list's #1 was passed over, in every language."""
    said = action.get("choice")
    if not said or said["first"] != first or not said["passed"]:
        return False
    details = {lang: rendering._action_text(action, lang, {})["details"] for lang in LANGS}
    for reason in said["passed"]:
        for lang in LANGS:
            text = rendering._reason(reason["code"], lang, reason["params"])
            assert text in details[lang]
    return bool(said["passed"][0]["params"].get("item") == first)


def first_or_stated(entry: Assignment, first: str) -> None:
    if entry.item_id == first:
        return
    assert entry.first == first
    assert entry.reasons, entry
    reason = entry.reasons[0]
    assert reason.code.startswith("choice_"), (entry.person_id, entry.kind, reason.code)
    assert reason.params["item"] == first
    assert all(reason.text(lang) for lang in LANGS)


@pytest.fixture(scope="module")
def persons(demo_data: Any) -> list[Person]:
    found = demo_like(demo_data)
    assert len(found) >= 10
    return found


def test_the_plan_takes_the_shortlists_first_or_says_why(
    engine: Engine, persons: list[Person]
) -> None:
    compared = {"vacancy": 0, "course": 0, "shelter": 0}
    for person in persons:
        actions = by_id(planner.generate(engine, person))
        for kind, key in ACTIONS.items():
            shown = engine.recommend(person, kind, limit=10)
            if key not in actions or not shown or not actions[key]["items"]:
                continue
            picked = actions[key]["items"][0]["id"]
            compared[kind] += 1
            if picked != shown[0].id:
                assert stated(actions[key], shown[0].id), (person.person_id, kind, picked)
    assert all(compared.values()), compared


def test_a_one_person_allocation_is_the_shortlists_first_or_says_why(
    engine: Engine, persons: list[Person]
) -> None:
    compared = {"vacancy": 0, "course": 0, "shelter": 0}
    for person in persons:
        plan = by_id(planner.generate(engine, person))
        for entry in allocate(engine, [person]).assignments:
            shown = engine.recommend(person, entry.kind, limit=10)
            if not shown:
                continue
            compared[entry.kind] += 1
            first_or_stated(entry, shown[0].id)
            # and the plan took the same item (a person alone takes no one's place)
            action = plan.get(ACTIONS[entry.kind])
            if entry.item_id is not None and action is not None and action["items"]:
                assert action["items"][0]["id"] == entry.item_id, (person.person_id, entry.kind)
    assert all(compared.values()), compared


def test_when_the_first_bed_is_too_short_the_plan_and_the_allocation_say_so(
    engine: Engine,
) -> None:
    """The nearest centre keeps a person 30 days only: both pass it over, with the stay's end
    and the first pay in the reason."""
    person = inside_90_days(release_date=AS_OF + timedelta(20))
    shown = engine.recommend(person, "shelter", limit=5)
    assert len(shown) >= 2
    first = shown[0].id
    short = [
        replace(s, max_stay_days=30) if s.shelter_id == first else s for s in engine.shelters.items
    ]
    local = Engine(
        vacancies=engine.vacancies, courses=engine.courses, shelters=type(engine.shelters)(short),
        today=engine.today, matcher=engine.matcher,
    )  # fmt: skip
    assert local.recommend(person, "shelter", limit=1)[0].id == first
    bed = by_id(planner.generate(local, person))["shelter"]
    assert bed["items"][0]["id"] != first
    assert stated(bed, first)
    assert bed["choice"]["passed"][0]["code"] == "choice_stay_short"
    line = next(a for a in allocate(local, [person]).assignments if a.kind == "shelter")
    assert line.item_id == bed["items"][0]["id"]
    first_or_stated(line, first)
    assert line.reasons[0].code == "choice_stay_short"


def test_when_places_run_out_the_line_says_who_took_them(engine: Engine) -> None:
    """Two persons, one place at the first job of both: one gets it, the other's line says
    why it went to the other person."""
    a = welder_from_aktau(person_id="T-A", experience_years=12.0)
    b = welder_from_aktau(person_id="T-B", experience_years=0.0)
    first = engine.recommend(a, "vacancy", limit=1)[0].id
    one_place = [
        replace(v, quota_slots=1) if v.vacancy_id == first else v for v in engine.vacancies.items
    ]
    local = Engine(
        vacancies=VacancyIndex(one_place, matcher=engine.matcher, today=engine.today),
        courses=engine.courses, shelters=engine.shelters, today=engine.today,
        matcher=engine.matcher,
    )  # fmt: skip
    assert local.recommend(a, "vacancy", limit=1)[0].id == first
    assert local.recommend(b, "vacancy", limit=1)[0].id == first
    lines = allocate(local, [a, b], kinds=("vacancy",)).assignments
    assert [x.item_id for x in lines].count(first) == 1
    other = next(x for x in lines if x.item_id != first)
    assert other.first == first
    assert other.reasons[0].code in ("choice_taken_higher", "choice_taken_total")
    assert other.reasons[0].params == {"item": first, "places": 1}
    for lang in LANGS:
        assert first in other.reasons[0].text(lang)


def test_each_rule_says_why_it_passes_an_item_over(engine: Engine) -> None:
    person = inside_90_days()
    when = choice.days(person, AS_OF)
    quota = next(
        v
        for v in engine.vacancies.items
        if v.is_quota and v.quota_from is not None and v.quota_from <= AS_OF
    )
    assert quota.quota_from is not None
    rule = choice.job_rule(engine, quota.quota_from + timedelta(400))
    why = rule(quota.vacancy_id)
    assert isinstance(why, Reason)
    assert why.code == "choice_quota_closes"
    assert choice.job_rule(engine, quota.quota_from)(quota.vacancy_id) is None
    opens = choice.job_rule(engine, quota.quota_from - timedelta(1))(quota.vacancy_id)
    assert opens is not None
    assert opens.code == "choice_quota_opens"

    centre = engine.shelters.items[0]
    assert isinstance(centre, Shelter)
    stay = choice.stay_days(centre)
    assert choice.shelter_rule(engine, when.start, when.start + timedelta(stay))(centre.shelter_id) is None  # fmt: skip
    late = choice.shelter_rule(engine, when.start, when.start + timedelta(stay + 1))
    assert late(centre.shelter_id) == Reason(
        "choice_stay_short",
        {
            "item": centre.shelter_id,
            "days": stay,
            "until": (when.start + timedelta(stay)).isoformat(),
            "first_pay": (when.start + timedelta(stay + 1)).isoformat(),
        },
    )

    dated = next(
        c for c in engine.courses.items if c.starts_on is not None and not c.available_in_custody
    )
    start = dated.starts_on
    assert start is not None
    outside = choice.course_rule(engine, when, (start + timedelta(1), start + timedelta(30)), None)
    assert outside(dated.course_id).code == "choice_course_dates"  # type: ignore[union-attr]
    inside = choice.course_rule(engine, when, (start, start + timedelta(30)), None)
    assert inside(dated.course_id) is None
    end = choice.course_dates(dated, start)[1]
    early = choice.course_rule(engine, when, (start, start + timedelta(30)), end - timedelta(1))
    assert early(dated.course_id).code == "choice_course_late"  # type: ignore[union-attr]
    for reason in (why, late(centre.shelter_id), outside(dated.course_id)):
        assert reason is not None
        for lang in LANGS:
            assert str(reason.params["item"]) in reason.text(lang)
            assert "{" not in reason.text(lang)
