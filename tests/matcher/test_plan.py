from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from matcher import plan as planner
from matcher.engine import Engine
from matcher.index import ShelterIndex
from matcher.profile import Course, Person, Shelter
from tests.matcher.conftest import AS_OF


def inside_90_days(**changes: object) -> Person:
    """Acceptance 1: in custody, released in 90 days, needs housing, no profession."""
    fields: dict[str, object] = {
        "person_id": "T-PLAN",
        "kato": "111010000",
        "lat": 53.28,
        "lon": 69.39,
        "status": "in_custody",
        "probation_kind": "penitentiary",
        "release_date": AS_OF + timedelta(90),
        "institution": "ЕЦ-166/23",
        "birth_year": 1995,
        "sex": "m",
        "education": "general_secondary",
        "languages": ("ru", "kk"),
        "need_housing": True,
        "need_documents": True,
        "family_ties": "none",
        "civil_claim_kzt": 1_200_000,
    }
    fields.update(changes)
    return Person(**fields)  # type: ignore[arg-type]


def by_id(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in plan["actions"]}


def test_plan_for_a_person_inside_released_in_90_days(engine: Engine) -> None:
    person = inside_90_days(wants_training=True)
    release = person.release_date
    assert release is not None
    plan = planner.generate(engine, person)
    assert set(plan["parts"]) == {"pretrial_report", "institution", "civil_claims", "profile"}
    actions = by_id(plan)
    parts = {a["part"] for a in plan["actions"]}
    assert "before_release" in parts  # part 5
    assert {"social_legal", "employment", "housing"} <= parts  # part 6
    shelter_action = actions["shelter"]
    shelter = engine.item("shelter", shelter_action["items"][0]["id"])
    assert isinstance(shelter, Shelter)
    assert shelter.free_beds > 0
    assert shelter.kato[:2] == person.kato[:2]
    assert shelter_action["params"]["from"] == release.isoformat()
    until = date.fromisoformat(shelter_action["params"]["until"])
    assert until == release + timedelta(min(shelter.max_stay_days, 180))
    assert (until - release).days <= 180
    first_pay = date.fromisoformat(plan["first_pay_day"])
    assert until >= first_pay
    course_action = actions["course"]
    course = engine.item("course", course_action["items"][0]["id"])
    assert isinstance(course, Course)
    start = date.fromisoformat(course_action["params"]["start"])
    assert (course.available_in_custody and AS_OF <= start < release) or release <= start < until
    job = actions["job_referral"]
    assert job["items"]
    referral = date.fromisoformat(job["due"])
    assert release <= referral <= release + timedelta(
        planner.REFERRAL_WITHIN_DAYS
    ) or referral > date.fromisoformat(course_action["params"]["end"])
    assert first_pay > referral
    assert {"no_housing", "weak_family_ties", "unpaid_civil_claim", "release_within_a_year"} <= set(
        plan["risk_flags"]
    )
    claim = actions["civil_claim_mediation"]["params"]
    assert claim["monthly"] * claim["months"] >= 1_200_000
    assert claim["monthly"] <= 0.25 * claim["salary"] + 1000
    for action in plan["actions"]:
        assert action["responsible"] in planner.RESPONSIBLE
        assert date.fromisoformat(action["due"]) >= AS_OF


def test_before_release_actions_fall_before_release(engine: Engine) -> None:
    person = inside_90_days()
    for action in planner.generate(engine, person)["actions"]:
        if action["part"] == "before_release":
            assert date.fromisoformat(action["due"]) < person.release_date  # type: ignore[operator]


def test_a_person_without_housing_need_gets_no_shelter(engine: Engine) -> None:
    plan = planner.generate(
        engine, inside_90_days(need_housing=False, professions=("электрогазосварщик",))
    )
    assert "shelter" not in by_id(plan)
    assert "no_housing" not in plan["risk_flags"]


def test_regeneration_keeps_the_inspectors_decisions(engine: Engine) -> None:
    person = inside_90_days()
    first = planner.generate(engine, person)
    first["actions"][0]["status"] = "done"
    done_id = first["actions"][0]["id"]
    first["actions"].append(
        {
            "id": "manual-1",
            "rule": None,
            "part": "social_legal",
            "what": "plan_manual",
            "params": {"text": "Встреча с матерью"},
            "responsible": "ngo",
            "due": "2027-01-10",
            "status": "planned",
            "items": [],
            "origin": "inspector",
            "note": None,
            "changed": None,
        }
    )
    again = by_id(planner.generate(engine, person, previous=first))
    assert again[done_id]["status"] == "done"
    assert again["manual-1"]["params"]["text"] == "Встреча с матерью"


def test_a_full_shelter_moves_the_booking_and_says_why(engine: Engine) -> None:
    person = inside_90_days()
    first = planner.generate(engine, person)
    booked = by_id(first)["shelter"]["items"][0]["id"]
    full = [
        replace(s, occupied=s.capacity) if s.shelter_id == booked else s
        for s in engine.shelters.items
    ]
    later = Engine(
        vacancies=engine.vacancies, courses=engine.courses, shelters=ShelterIndex(full),
        today=engine.today, matcher=engine.matcher,
    )  # fmt: skip
    again = by_id(planner.generate(later, person, previous=first))
    moved = again.get("shelter") or again["housing_search"]
    if "shelter" in again:
        assert moved["items"][0]["id"] != booked
        assert moved["changed"] == {"from": booked, "reason": "no_bed_left", "params": {}}
