"""One source of truth through the use cases (issue 15, finding 6): the shortlist an officer
sees, the inspector's plan and the cohort allocation give a person the same job, course and bed
unless a rule or capacity says otherwise, and then the plan's action or the allocation's line
says why; the places referrals hold leave the plan as they leave the shortlist."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from catalogs.demo import DemoSpec
from catalogs.i18n import LANGS
from matcher import Recommendation
from service.plans import rendering
from service.runtime import Runtime
from service.store import demo as demo_data
from service.store import rows as glue
from service.usecases import allocation, plans, referrals, shortlists
from service.usecases.actor import Actor
from service.usecases.errors import Conflict

AS_OF = date(2026, 11, 25)
ACTIONS = {"vacancy": "job_referral", "course": "course", "shelter": "shelter"}
PERSONS = 60


@pytest.fixture
def demo(runtime: Runtime) -> Runtime:
    spec = DemoSpec(seed=0, as_of=AS_OF, vacancies=600, courses=60, persons=PERSONS)
    with runtime.session() as session:
        demo_data.build(session, spec, protector=runtime.protector)
    return runtime


def shown(rt: Runtime, person_id: str, kind: str) -> list[Recommendation]:
    return shortlists.person_shortlist(
        rt, Actor.command("recommend"), person_id=person_id, kind=kind, limit=5, today=AS_OF,
        record=False,
    ).items  # fmt: skip


def stated(action: dict[str, Any], first: str) -> bool:
    """The plan's action says why the shortlist's #1 was passed over, in every language."""
    said = action.get("choice")
    if not said or said["first"] != first or not said["passed"]:
        return False
    assert said["passed"][0]["params"]["item"] == first
    for lang in LANGS:
        details = rendering._action_text(action, lang, {})["details"]
        for reason in said["passed"]:
            assert rendering._reason(reason["code"], lang, reason["params"]) in details
    return True


def test_the_plan_takes_the_shortlists_first_or_says_why(demo: Runtime) -> None:
    actor = Actor.command("plan")
    compared: Counter[str] = Counter()
    for number in range(1, PERSONS + 1):
        person_id = f"P{number:05d}"
        actions = {a["id"]: a for a in plans.generate(demo, actor, person_id, today=AS_OF).version.body["actions"]}  # fmt: skip
        for kind, key in ACTIONS.items():
            if key not in actions or not actions[key]["items"]:
                continue
            items = shown(demo, person_id, kind)
            if not items:
                continue
            compared[kind] += 1
            picked = actions[key]["items"][0]["id"]
            if picked != items[0].id:
                assert stated(actions[key], items[0].id), (person_id, kind, picked, items[0].id)
    assert set(compared) == set(ACTIONS), compared


def test_a_job_whose_places_referrals_hold_leaves_the_plan_as_it_leaves_the_shortlist(
    demo: Runtime,
) -> None:
    officer = Actor.command("refer")
    plan_actor = Actor.command("plan")
    for number in range(1, PERSONS + 1):
        person_id = f"P{number:05d}"
        items = shown(demo, person_id, "vacancy")
        if items and any(r.code == "places_free" for r in items[0].reasons):
            break
    else:
        pytest.fail("no person's first job has counted places")
    first = items[0].id
    before = plans.generate(demo, plan_actor, person_id, today=AS_OF).version.body
    job = next(a for a in before["actions"] if a["id"] == "job_referral")
    assert job["items"][0]["id"] == first
    others = [f"P{n:05d}" for n in range(1, PERSONS + 1) if f"P{n:05d}" != person_id]
    refused = None
    for other in others:  # others take every place of it
        try:
            referrals.refer(demo, officer, person_id=other, item_kind="vacancy", item_id=first, today=AS_OF)  # fmt: skip
        except Conflict as error:  # no place left: the referral is refused (409)
            refused = error.code
            break
    assert refused == "referral_no_place"
    now = shown(demo, person_id, "vacancy")
    assert first not in [item.id for item in now]
    after = plans.generate(demo, plan_actor, person_id, today=AS_OF).version.body
    job = next(a for a in after["actions"] if a["id"] == "job_referral")
    assert first not in [i["id"] for i in job["items"]]
    if now:
        assert job["items"][0]["id"] == now[0].id or stated(job, now[0].id)


def test_the_allocation_gives_the_shortlists_first_or_says_why(demo: Runtime) -> None:
    with demo.session() as session:
        cohort = glue.load_persons(session, glue.load_engine(session, today=AS_OF), protector=demo.protector)  # fmt: skip
    released = [p for p in cohort.items if p.release_date is not None and p.release_date > AS_OF]
    region = Counter(p.kato[:2] for p in released).most_common(1)[0][0] + "0000000"
    days = [p.release_date for p in released if p.kato[:2] == region[:2] and p.release_date]
    result, count = allocation.run(
        demo, Actor.command("allocate"), kato=region, release_from=min(days),
        release_to=max(days), today=AS_OF,
    )  # fmt: skip
    assert count >= 2
    compared = 0
    for line in result.assignments:
        items = shown(demo, line.person_id, line.kind)
        if not items or line.item_id is None:
            continue
        compared += 1
        assert line.first == items[0].id
        if line.item_id != items[0].id:
            reason = line.reasons[0]
            assert reason.code.startswith("choice_"), (line.person_id, line.kind, reason.code)
            assert reason.params["item"] == items[0].id
            assert all(items[0].id in reason.text(lang) for lang in LANGS)
    assert compared > 0
