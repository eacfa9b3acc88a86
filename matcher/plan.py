"""The individual programme of social-legal assistance (Law on Probation, art. 16(5)).

``generate`` builds a plan for one person from the engine's shortlists: six parts, risk flags,
a check-in schedule and dated actions, each with who is responsible. The rules are data
(``RULES``: key, part, responsible, due offset) and the texts are message codes rendered in
ru, kk or en (``matcher/locales``). The sequence follows DOMAIN.md: a bed from the release day,
a course that starts before release (inside) or within the shelter stay, a quota job referral
in the first month, an exit from the shelter no earlier than the first pay day.

A plan is plain JSON-ready data; the service stores every version. Regenerating keeps what the
inspector decided (edited, added, done or dropped actions) and says why a booked option moved.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from matcher.engine import Engine
from matcher.profile import Course, Person, Shelter, Vacancy

PAY_CYCLE_DAYS = 30
"""From a hire to the first wage: one monthly pay cycle."""
REFERRAL_WITHIN_DAYS = 30
"""A quota job referral within the first month after release."""
HIRE_AFTER_REFERRAL_DAYS = 14
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
    "job_referral": ("employment", "employment", "employment_centre", REFERRAL_WITHIN_DAYS),
    "civil_claim_mediation": ("social_legal", "social_legal", "probation_service", 60),
    "shelter": ("housing", "housing", "adaptation_centre", 0),
    "housing_search": ("housing", "housing", "akimat", -30),
    "checkins": ("social_legal", "social_legal", "probation_service", 0),
}


def anchor_date(person: Person, today: date) -> date:
    """Release day for a person inside (or released); today for others."""
    return person.release_date if person.release_date is not None else today


def _action(key: str, person: Person, anchor: date, today: date, **fields: Any) -> dict[str, Any]:
    inside_part, outside_part, responsible, offset = RULES[key]
    inside = person.status == "in_custody"
    due = fields.pop("due", None) or max(anchor + timedelta(offset), today)
    action: dict[str, Any] = {
        "id": key,
        "rule": key,
        "part": inside_part if inside else outside_part,
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
    engine: Engine, person: Person, first_pay: date
) -> tuple[Shelter | None, list[str]]:
    """A centre with a free bed, in the person's region when there is one, whose stay lasts
    at least until the first pay day; returns it and the ids passed over as too short."""
    too_short: list[str] = []
    options = [engine.item("shelter", r.id) for r in engine.recommend(person, "shelter", limit=20)]
    release = anchor_date(person, engine.today)
    ranked = sorted(
        (s for s in options if isinstance(s, Shelter)),
        key=lambda s: s.kato[:2] != person.kato[:2],
    )
    for shelter in ranked:
        if release + timedelta(min(shelter.max_stay_days, 180)) < first_pay:
            too_short.append(shelter.shelter_id)
            continue
        return shelter, too_short
    return None, too_short


def _pick_course(
    engine: Engine,
    person: Person,
    window: tuple[date, date],
    inside_window: tuple[date, date] | None,
) -> Course | None:
    """The best course that starts inside before release (when reachable from custody) or
    within the window after release, preferring courses that lead to quota jobs nearby."""
    gap = engine.vacancies.quota_gap.get(person.kato[:2], {})
    best: tuple[int, float, Course] | None = None
    for rank, item in enumerate(engine.recommend(person, "course", limit=60)):
        course = engine.item("course", item.id)
        assert isinstance(course, Course)
        start = course.starts_on
        fits = False
        if inside_window is not None and course.available_in_custody:
            fits = start is None or inside_window[0] <= start < inside_window[1]
        elif start is not None:
            fits = window[0] <= start < window[1]
        if not fits:
            continue
        leads = any(code in gap for code in course.occupation_codes)
        key = (0 if leads else 1, rank)
        if best is None or key < best[:2]:
            best = (key[0], key[1], course)
    return best[2] if best else None


def _local_demand(engine: Engine, person: Person) -> int:
    """Open vacancies of the person's own occupations within reach."""
    view = engine.view(person)
    if not view.codes:
        return 0
    items = engine.recommend(replace(person, professions=person.professions), "vacancy", limit=30)
    own = set(view.codes)
    return sum(
        1 for item in items if engine.vacancies.code_of(engine.vacancies.position[item.id]) in own
    )


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
    actions: list[dict[str, Any]] = []
    flags: list[str] = []

    def add(key: str, **fields: Any) -> dict[str, Any]:
        action = _action(key, person, anchor, today, **fields)
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

    # job options first: their salaries and dates shape the housing and claim steps
    referral_due = max(anchor + timedelta(REFERRAL_WITHIN_DAYS), today)
    first_pay = referral_due + timedelta(HIRE_AFTER_REFERRAL_DAYS + PAY_CYCLE_DAYS)

    shelter: Shelter | None = None
    if person.need_housing:
        flags.append("no_housing")
        shelter, too_short = _pick_shelter(engine, person, first_pay)
        if shelter is not None:
            stay = min(shelter.max_stay_days, 180)
            exit_day = anchor + timedelta(stay)
            add(
                "shelter",
                due=anchor,
                params={
                    "name": shelter.name,
                    "from": anchor.isoformat(),
                    "until": exit_day.isoformat(),
                    "days": stay,
                    "beds": shelter.free_beds,
                },
                items=[{"kind": "shelter", "id": shelter.shelter_id}],
                passed_over=too_short,
            )
        else:
            add("housing_search", flags=["no_bed"])
            flags.append("no_shelter_bed")

    home = (
        person
        if shelter is None
        else replace(person, lat=shelter.lat, lon=shelter.lon, kato=shelter.kato)
    )
    stay_end = (
        anchor + timedelta(min(shelter.max_stay_days, 180)) if shelter else anchor + timedelta(90)
    )
    course: Course | None = None
    demand = _local_demand(engine, home)
    if not person.professions or demand == 0:
        inside_window = (today, person.release_date) if inside and person.release_date else None
        course = _pick_course(engine, home, (anchor, stay_end), inside_window)
        if course is not None:
            start = course.starts_on or (today if inside else anchor)
            end = start + timedelta(weeks=_course_weeks(course))
            add(
                "course",
                due=start,
                part="before_release" if inside and course.available_in_custody else "employment",
                params={
                    "title": course.title,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "reason": "no_profession" if not person.professions else "no_local_demand",
                },
                items=[{"kind": "course", "id": course.course_id}],
            )
            if not (inside and course.available_in_custody):
                referral_due = max(referral_due, end + timedelta(7))
                first_pay = referral_due + timedelta(HIRE_AFTER_REFERRAL_DAYS + PAY_CYCLE_DAYS)

    jobs = [
        item
        for item in engine.recommend(home, "vacancy", limit=30)
        if isinstance(v := engine.item("vacancy", item.id), Vacancy) and v.is_quota
    ][:3] or engine.recommend(home, "vacancy", limit=3)
    salaries = [
        s for item in jobs if (s := getattr(engine.item("vacancy", item.id), "salary_kzt", None))
    ]
    expected_salary = int(sorted(salaries)[len(salaries) // 2]) if salaries else None
    add(
        "job_referral",
        due=referral_due,
        params={"count": len(jobs), "first_pay": first_pay.isoformat()},
        items=[{"kind": "vacancy", "id": item.id} for item in jobs],
    )
    if not jobs:
        flags.append("no_job_option")
    if shelter is not None and anchor + timedelta(min(shelter.max_stay_days, 180)) < first_pay:
        flags.append("stay_ends_before_first_pay")
        add("housing_search", due=first_pay - timedelta(30))

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

    weekly_until = max(anchor, today) + timedelta(WEEKLY_CHECKINS_DAYS)
    monthly_until = anchor + timedelta(MONTHLY_CHECKINS_DAYS)
    add(
        "checkins",
        due=max(anchor, today),
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

    actions = _merge(actions, previous, engine, person)
    actions.sort(
        key=lambda a: (a["due"], PARTS.index(a["part"]) if a["part"] in PARTS else 9, a["id"])
    )
    return {
        "person_id": person.person_id,
        "generated_on": today.isoformat(),
        "anchor": anchor.isoformat(),
        "status": person.status,
        "probation_kind": person.probation_kind,
        "release_date": person.release_date.isoformat() if person.release_date else None,
        "parts": _parts(person, inside),
        "post_penitentiary": _post_penitentiary(person)
        if person.probation_kind == "post_penitentiary"
        else None,
        "risk_flags": sorted(set(flags)),
        "expected_salary_kzt": expected_salary,
        "first_pay_day": first_pay.isoformat(),
        "actions": actions,
    }


def _parts(person: Person, inside: bool) -> dict[str, Any]:
    """The facts of parts 1–4 of art. 16(5); parts 5 and 6 are the actions."""
    return {
        "pretrial_report": {"applies": person.probation_kind == "pretrial"},
        "institution": {"institution": person.institution, "inside": inside},
        "civil_claims": {"amount_kzt": person.civil_claim_kzt, "paid": person.civil_claim_kzt == 0},
        "profile": {
            "family_ties": person.family_ties,
            "has_disability": person.has_disability,
            "education": person.education,
            "professions": list(person.professions),
            "experience_years": person.experience_years,
            "skills": list(person.skills),
            "languages": list(person.languages),
            "needs_legal_aid": person.need_legal_aid,
            "needs": [
                name.removeprefix("need_")
                for name in (
                    "need_housing",
                    "need_documents",
                    "need_medical_commission",
                    "need_psychological",
                    "need_addiction_treatment",
                    "need_legal_aid",
                )
                if getattr(person, name)
            ],
        },
    }


def _post_penitentiary(person: Person) -> dict[str, Any]:
    """The factors the post-penitentiary programme weighs (DOMAIN.md)."""
    return {
        "institution": person.institution,
        "ties": person.family_ties,
        "can_find_work_alone": bool(person.professions) and not person.need_medical_commission,
        "can_find_housing_alone": not person.need_housing,
        "labour_skills": list(person.professions),
        "civil_claim_paid": person.civil_claim_kzt == 0,
        "special_social_services": person.has_disability or person.need_addiction_treatment,
    }


def _merge(
    fresh: list[dict[str, Any]], previous: dict[str, Any] | None, engine: Engine, person: Person
) -> list[dict[str, Any]]:
    """Keep the inspector's decisions; explain options that moved since the last version."""
    if previous is None:
        return fresh
    old = {a["id"]: a for a in previous.get("actions", [])}
    merged: list[dict[str, Any]] = []
    for action in fresh:
        before = old.pop(action["id"], None)
        if before is not None and (
            before["origin"] == "inspector" or before.get("edited") or before["status"] != "planned"
        ):
            merged.append(before)
            continue
        if (
            before is not None
            and before["items"]
            and action["items"]
            and before["items"][0] != action["items"][0]
        ):
            gone = before["items"][0]
            why = engine.why(person, gone["kind"], gone["id"]) if _known(engine, gone) else None
            verdict = why.verdicts[0] if why is not None and why.verdicts else None
            action["changed"] = {
                "from": gone["id"],
                "reason": verdict.code if verdict is not None else "better_option",
                # the facts the reason's text names (a day as YYYY-MM-DD: the body is JSON)
                "params": {
                    key: value.isoformat() if isinstance(value, date) else value
                    for key, value in (verdict.params if verdict is not None else {}).items()
                    if isinstance(value, str | int | float | date)
                },
            }
        merged.append(action)
    merged.extend(a for a in old.values() if a["origin"] == "inspector" or a["status"] != "planned")
    return merged


def _known(engine: Engine, item: dict[str, Any]) -> bool:
    try:
        engine.item(item["kind"], item["id"])
    except KeyError:
        return False
    return True


def review(plan: dict[str, Any]) -> dict[str, Any]:
    """The end-of-programme review: what was done, dropped (and why), still planned, overdue."""
    today = plan["generated_on"]
    counts = {"done": 0, "dropped": 0, "planned": 0, "overdue": 0}
    dropped = []
    for action in plan["actions"]:
        counts[action["status"]] += 1
        if action["status"] == "planned" and action["due"] < today:
            counts["overdue"] += 1
        if action["status"] == "dropped":
            dropped.append({"id": action["id"], "reason": action.get("note")})
    return {"counts": counts, "dropped": dropped, "risk_flags": plan["risk_flags"]}
