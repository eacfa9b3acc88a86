"""The individual programme of social-legal assistance (Law on Probation, art. 16(5)).

``generate`` builds a plan for one person from the engine's shortlists: six parts, risk flags,
a check-in schedule and dated actions, each with who is responsible. The rules are data
(``RULES``: key, part, responsible, due offset) and the texts are message codes rendered in
ru, kk or en (``matcher/locales``). The sequence follows DOMAIN.md: a bed from the release day,
a job referral within the first month after release (two weeks, once registered with the
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
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from matcher.engine import Engine
from matcher.plan import timing
from matcher.plan.facts import parts, post_penitentiary
from matcher.plan.merge import merge
from matcher.plan.timing import HIRE_AFTER_REFERRAL_DAYS as HIRE_AFTER_REFERRAL_DAYS
from matcher.plan.timing import PAY_CYCLE_DAYS as PAY_CYCLE_DAYS
from matcher.profile import Course, Person, Shelter, Vacancy

REFERRAL_WITHIN_DAYS = 30
"""A job referral within the first month after release (the bound)."""
REFERRAL_DAYS = 14
"""When the referral is planned: a week after registering with the employment centre."""
MAX_STAY_DAYS = 180
"""The longest shelter stay (DOMAIN.md), whatever the centre allows."""
COURSE_HOURS_PER_WEEK = 30
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


def _action(key: str, inside: bool, anchor: date, today: date, **fields: Any) -> dict[str, Any]:
    """One rule's action: due ``offset`` days from the anchor (or ``due``), never before today;
    its part "before release" only while the person is still inside and when it falls due
    before the release day (the anchor)."""
    inside_part, outside_part, responsible, offset = RULES[key]
    due = max(fields.pop("due", None) or anchor + timedelta(offset), today)
    before_release = inside and (inside_part != "before_release" or due < anchor)
    action: dict[str, Any] = {
        "id": key,
        "rule": key,
        "part": inside_part if before_release else outside_part,
        "what": f"plan_{key}",
        "params": {},
        "responsible": responsible,
        "due": due.isoformat(),
        "status": "planned",
        "items": [],
        "origin": "rule",
        "note": None,
        "changed": None,
    }
    action.update(fields)
    return action


def _course_weeks(course: Course) -> int:
    return max(1, math.ceil((course.hours or 72) / COURSE_HOURS_PER_WEEK))


def _pick_shelter(
    engine: Engine, person: Person, arrival: date, first_pay: date
) -> tuple[Shelter | None, list[str]]:
    """A centre with a free bed, in the person's region when there is one, whose stay from
    ``arrival`` lasts at least until the first pay day; returns it and the ids passed over as
    too short."""
    too_short: list[str] = []
    options = [engine.item("shelter", r.id) for r in engine.recommend(person, "shelter", limit=20)]
    ranked = sorted(
        (s for s in options if isinstance(s, Shelter)),
        key=lambda s: s.kato[:2] != person.kato[:2],
    )
    for shelter in ranked:
        if arrival + timedelta(_stay_days(shelter)) < first_pay:
            too_short.append(shelter.shelter_id)
            continue
        return shelter, too_short
    return None, too_short


def _stay_days(shelter: Shelter) -> int:
    return min(shelter.max_stay_days, MAX_STAY_DAYS)


def _course_dates(course: Course, earliest: date) -> tuple[date, date]:
    start = course.starts_on or earliest
    return start, start + timedelta(weeks=_course_weeks(course))


def _pick_course(
    engine: Engine,
    person: Person,
    window: tuple[date, date],
    inside_window: tuple[date, date] | None,
    latest_end: date | None,
) -> tuple[Course, bool] | None:
    """The best course that starts inside before release (when reachable from custody) or
    within the window after release (never in the past), preferring one that ends by
    ``latest_end`` (in time for the first pay within the shelter stay), then one that leads to
    quota jobs nearby. Returns it and whether it ends in time."""
    gap = engine.vacancies.quota_gap.get(person.kato[:2], {})
    best: tuple[int, int, int, Course, bool] | None = None
    for rank, item in enumerate(engine.recommend(person, "course", limit=60)):
        course = engine.item("course", item.id)
        assert isinstance(course, Course)
        start = course.starts_on
        in_custody = inside_window is not None and course.available_in_custody
        if in_custody and inside_window is not None:
            fits = start is None or inside_window[0] <= start < inside_window[1]
            earliest = inside_window[0]
        else:
            fits = start is not None and window[0] <= start < window[1]
            earliest = window[0]
        if not fits:
            continue
        end = _course_dates(course, earliest)[1]
        in_time = in_custody or latest_end is None or end <= latest_end
        leads = any(code in gap for code in course.occupation_codes)
        key = (0 if in_time else 1, 0 if leads else 1, rank)
        if best is None or key < best[:3]:
            best = (*key, course, in_time)
    return (best[3], best[4]) if best else None


def generate(
    engine: Engine, person: Person, *, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A plan for ``person`` as of ``engine.today``; ``previous`` (the last stored version)
    keeps the inspector's decisions and explains moved options."""
    today = engine.today
    anchor = anchor_date(person, today)
    inside = (
        person.status == "in_custody"
        and person.release_date is not None
        and person.release_date > today
    )
    start = max(anchor, today)
    """The first day of life outside that is not in the past."""
    actions: list[dict[str, Any]] = []
    flags: list[str] = []

    def add(key: str, **fields: Any) -> dict[str, Any]:
        action = _action(key, inside, anchor, today, **fields)
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

    # the job referral's own date: it shapes the shelter (which must last to the first pay)
    earliest_referral = max(anchor + timedelta(REFERRAL_DAYS), today)
    first_pay = timing.first_pay_after(earliest_referral)

    shelter: Shelter | None = None
    stay_until: date | None = None
    if person.need_housing:
        flags.append("no_housing")
        shelter, too_short = _pick_shelter(engine, person, start, first_pay)
        if shelter is not None:
            stay = _stay_days(shelter)
            stay_until = start + timedelta(stay)
            add(
                "shelter",
                due=start,
                params={
                    "name": shelter.name,
                    "from": start.isoformat(),
                    "until": stay_until.isoformat(),
                    "days": stay,
                    "beds": shelter.free_beds,
                },
                items=[{"kind": "shelter", "id": shelter.shelter_id}],
                passed_over=too_short,
            )
            add(
                "housing_search",
                due=timing.housing_search_day(start, stay_until),
                params={"until": stay_until.isoformat()},
            )
        else:
            add("housing_search", due=start, flags=["no_bed"])
            flags.append("no_shelter_bed")

    home = (
        person
        if shelter is None
        else replace(person, lat=shelter.lat, lon=shelter.lon, kato=shelter.kato)
    )
    found = engine.recommend(home, "vacancy", limit=30)
    quota = [
        item
        for item in found
        if isinstance(v := engine.item("vacancy", item.id), Vacancy) and v.is_quota
    ][:3]
    jobs = quota or found[:3]
    job_now = bool(person.professions) or bool(quota)
    """A trade or a fitting quota job: refer within the first month, whatever else is planned."""

    course_end: date | None = None
    if person.wants_training or (not person.professions and not found):
        stay_end = stay_until or start + timedelta(90)
        latest_end = (
            None
            if stay_until is None or job_now
            else stay_until
            - timedelta(timing.AFTER_COURSE_DAYS + HIRE_AFTER_REFERRAL_DAYS + PAY_CYCLE_DAYS)
        )
        inside_window = (today, person.release_date) if inside and person.release_date else None
        picked = _pick_course(engine, home, (start, stay_end), inside_window, latest_end)
        if picked is not None:
            course, in_time = picked
            in_custody = inside and course.available_in_custody
            c_start, c_end = _course_dates(course, today if in_custody else start)
            late: dict[str, Any] = {}
            if not in_time and stay_until is not None:
                after = timing.first_pay_after(c_end + timedelta(timing.AFTER_COURSE_DAYS))
                late = {
                    "late": "wanted" if person.wants_training else "no_job",
                    "until": stay_until.isoformat(),
                    "first_pay": after.isoformat(),
                }
            add(
                "course",
                due=c_start,
                part="before_release" if in_custody else "employment",
                params={
                    "title": course.title,
                    "start": c_start.isoformat(),
                    "end": c_end.isoformat(),
                    "reason": "wants_training" if person.wants_training else "no_profession",
                    **late,
                },
                items=[{"kind": "course", "id": course.course_id}],
            )
            if not in_custody:
                course_end = c_end

    salaries = [
        s for item in jobs if (s := getattr(engine.item("vacancy", item.id), "salary_kzt", None))
    ]
    expected_salary = int(sorted(salaries)[len(salaries) // 2]) if salaries else None
    after_course = not job_now and course_end is not None
    add(
        "job_referral",
        due=earliest_referral,
        params={
            "count": len(jobs),
            "first_pay": first_pay.isoformat(),
            "earliest": earliest_referral.isoformat(),
            "after_course": after_course,
        },
        items=[{"kind": "vacancy", "id": item.id} for item in jobs],
    )

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
    body: dict[str, Any] = {
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
    }
    timing.recompute(body, today)
    body["recomputed"] = []
    actions.sort(
        key=lambda a: (a["due"], PARTS.index(a["part"]) if a["part"] in PARTS else 9, a["id"])
    )
    return body


def recompute(body: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Derive the plan's dates and timing risks again from its (edited) actions; see
    ``matcher.plan.timing``. Keeps what moved in ``body["recomputed"]`` (and the day, which
    the review counts overdue actions against) and returns it."""
    moved = timing.recompute(body, today)
    body["recomputed"] = moved
    body["recomputed_on"] = today.isoformat()
    return moved


def review(plan: dict[str, Any]) -> dict[str, Any]:
    """The end-of-programme review as of the plan's last change: what was done, dropped (and
    why), still planned, overdue; and the day set for it (``review_date``)."""
    today = max(plan["generated_on"], plan.get("recomputed_on") or "")
    counts = {"done": 0, "dropped": 0, "planned": 0, "overdue": 0}
    dropped = []
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
