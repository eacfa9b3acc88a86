"""The individual programme of social-legal assistance (Law on Probation, art. 16(5)).

``generate`` builds a plan for one person from the engine's shortlists: six parts, risk flags,
a check-in schedule and dated actions, each with who is responsible. The rules are data
(``RULES``: key, part, responsible, due offset) and the texts are message codes rendered in
ru, kk or en (``matcher/locales``). The job, the course and the bed come from the person's
lists in the shortlist's order, each the first item the plan's timing rules allow
(``matcher.plan.choice``, which allocation shares); when that is not the list's #1, the action
says why (``choice``). The sequence follows DOMAIN.md: a bed from the release day, a job
referral within the first month after release (two weeks, once registered with the
employment centre) whenever the person has a trade or a quota job fits, whatever else the plan
holds; a course only when the person asks for one, or has no profession and no job within
reach, chosen to end in time for the first pay to fall within the shelter stay (when none does,
the plan says why it keeps the course); the akimat's housing search well before the stay ends.
Nothing is due before today, and nothing "before release" is prescribed once released. The
dates that follow from the actions (first pay, housing search, review, timing risks) are derived
by ``matcher.plan.timing``, the same way after each of the inspector's edits.

A plan is plain JSON-ready data; the service stores every version. Regenerating keeps what the
inspector decided (edited, added, done or dropped actions) and says why a booked option moved.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Protocol

from matcher.engine import Engine
from matcher.plan import choice, timing
from matcher.plan.body import Action as Action
from matcher.plan.body import Body as Body
from matcher.plan.body import Dropped, Moved, Review
from matcher.plan.body import ItemRef as ItemRef
from matcher.plan.body import Params as Params
from matcher.plan.body import Status as Status
from matcher.plan.choice import Lists, Options
from matcher.plan.facts import parts, post_penitentiary
from matcher.plan.merge import merge
from matcher.plan.timing import HIRE_AFTER_REFERRAL_DAYS as HIRE_AFTER_REFERRAL_DAYS
from matcher.plan.timing import MAX_STAY_DAYS as MAX_STAY_DAYS
from matcher.plan.timing import PAY_CYCLE_DAYS as PAY_CYCLE_DAYS
from matcher.plan.timing import REFERRAL_DAYS as REFERRAL_DAYS
from matcher.plan.timing import derived_days as derived_days
from matcher.profile import Course, Person, Shelter

REFERRAL_WITHIN_DAYS = 30
"""A job referral within the first month after release (the bound)."""
CLAIM_SHARE_OF_SALARY = 0.25
"""A civil-claim payment plan takes at most a quarter of the expected wage."""
WEEKLY_CHECKINS_DAYS = 90
MONTHLY_CHECKINS_DAYS = 365

RESPONSIBLE = (
    "probation_service",
    "institution",
    "employment_centre",
    "akimat",
    "adaptation_centre",
    "ngo",
    "medical_organisation",
)
PARTS = ("before_release", "social_legal", "employment", "housing")

# key: (part when the person is inside, part after release, responsible, days from the anchor)
RULES: dict[str, tuple[str, str, str, int]] = {
    "institution_materials": ("before_release", "before_release", "institution", -60),
    "documents": ("before_release", "social_legal", "probation_service", -45),
    "psychological": ("before_release", "social_legal", "ngo", -30),
    "family_contact": ("before_release", "social_legal", "probation_service", -30),
    "legal_aid": ("before_release", "social_legal", "ngo", 14),
    "addiction": ("social_legal", "social_legal", "medical_organisation", 14),
    "medical_commission": ("employment", "employment", "employment_centre", 14),
    "register_employment_centre": ("employment", "employment", "employment_centre", 7),
    "course": ("before_release", "employment", "employment_centre", 0),
    "job_referral": ("employment", "employment", "employment_centre", REFERRAL_DAYS),
    "civil_claim_mediation": ("social_legal", "social_legal", "probation_service", 60),
    "shelter": ("housing", "housing", "adaptation_centre", 0),
    "housing_search": ("housing", "housing", "akimat", -30),
    "checkins": ("social_legal", "social_legal", "probation_service", 0),
}


def anchor_date(person: Person, today: date) -> date:
    """Release day for a person inside (or released); today for others."""
    return person.release_date if person.release_date is not None else today


class Add(Protocol):
    """Adds one rule's action to the plan being made (``_action``'s keywords) and returns it."""

    def __call__(
        self,
        key: str,
        *,
        due: date | None = None,
        part: str | None = None,
        what: str | None = None,
        params: Params | None = None,
        items: list[ItemRef] | None = None,
    ) -> Action: ...


def _action(
    key: str,
    inside: bool,
    anchor: date,
    today: date,
    *,
    due: date | None = None,
    part: str | None = None,
    what: str | None = None,
    params: Params | None = None,
    items: list[ItemRef] | None = None,
) -> Action:
    """One rule's action: due ``offset`` days from the anchor (or ``due``), never before today;
    its part "before release" only while the person is still inside and when it falls due
    before the release day (the anchor); ``part`` and ``what`` when given replace the rule's."""
    inside_part, outside_part, responsible, offset = RULES[key]
    day = max(due or anchor + timedelta(offset), today)
    before_release = inside and (inside_part != "before_release" or day < anchor)
    return {
        "id": key,
        "rule": key,
        "part": part or (inside_part if before_release else outside_part),
        "what": what or f"plan_{key}",
        "params": params or {},
        "responsible": responsible,
        "due": day.isoformat(),
        "status": "planned",
        "items": items or [],
        "origin": "rule",
        "note": None,
        "changed": None,
    }


def _add_course(add: Add, engine: Engine, person: Person, found: Options) -> date | None:
    """The course action, when one is called for and the rules found one; returns its last
    day when the job referral may wait for it (a course taken after release)."""
    if found.course is None or found.course.item is None:
        return None
    course = engine.item("course", found.course.item)
    assert isinstance(course, Course)
    when = found.days
    inside = choice.in_custody(course, when)
    c_start, c_end = choice.course_dates(course, when.today if inside else when.start)
    late: Params = {}
    if not found.course_in_time and found.stay_until is not None:
        after = timing.first_pay_after(c_end + timedelta(timing.AFTER_COURSE_DAYS))
        late = {
            "late": "wanted" if person.wants_training else "no_job",
            "until": found.stay_until.isoformat(),
            "first_pay": after.isoformat(),
        }
    action = add(
        "course",
        due=c_start,
        part="before_release" if inside else "employment",
        params={
            "title": course.title,
            "start": c_start.isoformat(),
            "end": c_end.isoformat(),
            "reason": "wants_training" if person.wants_training else "no_profession",
            **late,
        },
        items=[{"kind": "course", "id": course.course_id}],
    )
    action["choice"] = found.course.stated()
    return None if inside else c_end


def generate(
    engine: Engine,
    person: Person,
    *,
    previous: Body | None = None,
    lists: Lists | None = None,
) -> Body:
    """A plan for ``person`` as of ``engine.today``; ``previous`` (the last stored version)
    keeps the inspector's decisions and explains moved options. ``lists`` are the person's
    ranked lists as the shortlist shows them (``choice.ranked_lists`` when not given)."""
    today = engine.today
    anchor = anchor_date(person, today)
    inside = (
        person.status == "in_custody"
        and person.release_date is not None
        and person.release_date > today
    )
    start = max(anchor, today)
    """The first day of life outside that is not in the past."""
    actions: list[Action] = []
    flags: list[str] = []

    def add(
        key: str,
        *,
        due: date | None = None,
        part: str | None = None,
        what: str | None = None,
        params: Params | None = None,
        items: list[ItemRef] | None = None,
    ) -> Action:
        action = _action(
            key, inside, anchor, today, due=due, part=part, what=what, params=params, items=items
        )
        actions.append(action)
        return action

    if inside:
        add("institution_materials", params={"institution": person.institution or "—"})
    if person.need_documents:
        add("documents")
    if person.need_psychological:
        add("psychological")
    if person.family_ties in ("none", "tense"):
        add("family_contact")
        flags.append("weak_family_ties")
    if person.need_legal_aid:
        add("legal_aid")
    if person.need_addiction_treatment:
        add("addiction")
        flags.append("addiction")
    add("register_employment_centre")
    if person.need_medical_commission:
        add("medical_commission")

    # one source of truth: the job, the bed and the course come from the person's lists (the
    # shortlist's order), each the first item the plan's timing rules allow
    found = choice.options(engine, person, lists)
    earliest_referral, first_pay = found.days.referral, found.days.first_pay
    stay_until = found.stay_until
    if found.shelter is not None:
        flags.append("no_housing")
        if found.shelter.item is not None and stay_until is not None:
            shelter = engine.item("shelter", found.shelter.item)
            assert isinstance(shelter, Shelter)
            bed = add(
                "shelter",
                due=start,
                params={
                    "name": shelter.name,
                    "from": start.isoformat(),
                    "until": stay_until.isoformat(),
                    "days": choice.stay_days(shelter),
                    "beds": shelter.free_beds,
                },
                items=[{"kind": "shelter", "id": shelter.shelter_id}],
            )
            bed["choice"] = found.shelter.stated()
            add(
                "housing_search",
                due=timing.housing_search_day(start, stay_until),
                params={"until": stay_until.isoformat()},
            )
        else:
            add("housing_search", due=start)["flags"] = ["no_bed"]
            flags.append("no_shelter_bed")

    course_end = _add_course(add, engine, person, found)
    jobs = found.jobs.picked
    job_now = found.job_now

    salaries = [
        s for item in jobs if (s := getattr(engine.item("vacancy", item.id), "salary_kzt", None))
    ]
    expected_salary = int(sorted(salaries)[len(salaries) // 2]) if salaries else None
    after_course = not job_now and course_end is not None
    quota_only = all(getattr(engine.item("vacancy", j.id), "is_quota", False) for j in jobs)
    referral = add(
        "job_referral",
        due=earliest_referral,
        what="plan_job_referral" if jobs and quota_only else "plan_job_referral_jobs",
        params={
            "count": len(jobs),
            "first_pay": first_pay.isoformat(),
            "earliest": earliest_referral.isoformat(),
            "after_course": after_course,
        },
        items=[{"kind": "vacancy", "id": item.id} for item in jobs],
    )
    referral["choice"] = found.jobs.stated()

    if person.civil_claim_kzt > 0:
        flags.append("unpaid_civil_claim")
        monthly = None
        if expected_salary:
            monthly = max(1000, int(round(CLAIM_SHARE_OF_SALARY * expected_salary, -3)))
            monthly = min(monthly, person.civil_claim_kzt)
        months = math.ceil(person.civil_claim_kzt / monthly) if monthly else None
        add(
            "civil_claim_mediation",
            params={
                "claim": person.civil_claim_kzt,
                "monthly": monthly or 0,
                "months": months or 0,
                "salary": expected_salary or 0,
            },
        )

    weekly_until = start + timedelta(WEEKLY_CHECKINS_DAYS)
    monthly_until = anchor + timedelta(MONTHLY_CHECKINS_DAYS)
    add(
        "checkins",
        due=start,
        params={
            "weekly_until": weekly_until.isoformat(),
            "monthly_until": monthly_until.isoformat(),
        },
    )
    if (
        person.status == "released"
        and person.release_date
        and (today - person.release_date).days <= 365
    ):
        flags.append("first_year_after_release")
    if inside and (person.release_date - today).days <= 365:  # type: ignore[operator]
        flags.append("release_within_a_year")

    actions = merge(actions, previous, engine, person)
    body: Body = {
        "person_id": person.person_id,
        "generated_on": today.isoformat(),
        "anchor": anchor.isoformat(),
        "status": person.status,
        "probation_kind": person.probation_kind,
        "release_date": person.release_date.isoformat() if person.release_date else None,
        "parts": parts(person, inside),
        "post_penitentiary": post_penitentiary(person)
        if person.probation_kind == "post_penitentiary"
        else None,
        "risk_flags": sorted(set(flags)),
        "expected_salary_kzt": expected_salary,
        "first_pay_day": first_pay.isoformat(),
        "actions": actions,
        "recomputed": [],
    }
    timing.recompute(body, today)
    # a new version says what it moved against the last one, as an edit does
    body["recomputed"] = [] if previous is None else timing.moved_since(previous, body)
    actions.sort(
        key=lambda a: (a["due"], PARTS.index(a["part"]) if a["part"] in PARTS else 9, a["id"])
    )
    return body


def recompute(body: Body, today: date) -> list[Moved]:
    """Derive the plan's dates and timing risks again from its (edited) actions; see
    ``matcher.plan.timing``. Keeps what moved in ``body["recomputed"]`` (and the day, which
    the review counts overdue actions against) and returns it."""
    moved = timing.recompute(body, today)
    body["recomputed"] = moved
    body["recomputed_on"] = today.isoformat()
    return moved


def review(plan: Body) -> Review:
    """The end-of-programme review as of the plan's last change: what was done, dropped (and
    why), still planned, overdue; and the day set for it (``review_date``)."""
    today = max(plan["generated_on"], plan.get("recomputed_on") or "")
    counts = {"done": 0, "dropped": 0, "planned": 0, "overdue": 0}
    dropped: list[Dropped] = []
    for action in plan["actions"]:
        counts[action["status"]] += 1
        if action["status"] == "planned" and action["due"] < today:
            counts["overdue"] += 1
        if action["status"] == "dropped":
            dropped.append({"id": action["id"], "reason": action.get("note")})
    return {
        "counts": counts,
        "dropped": dropped,
        "risk_flags": plan["risk_flags"],
        "review_date": plan.get("review_date"),
    }
