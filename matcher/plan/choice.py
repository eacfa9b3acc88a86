"""One source of truth for a person's options: the plan and the cohort allocation take the job,
the course and the bed from the lists the shortlist shows (the engine's ``recommend`` for that
person and day, through the same filters), each the first item its rules allow.

The rules are the plan's timing (DOMAIN.md): a quota vacancy only while its quota period is
still open on the day of the job referral; a bed only where the stay lasts until the first
pay; a course only when the person wants one or has no profession and no job within reach,
starting within the plan's dates and, where the stay is short, ending in time for the first
pay to fall within it (when no course does, the first one within the dates is kept and the plan
says so). Allocation applies the same rules and then shares the places; nothing else differs.

When the pick is not the list's #1, ``Choice.passed`` says why, item by item from the top (a
``Reason``: a code and its facts, worded in ``matcher/locales/plan_choice.*.json``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from catalogs import law
from matcher.engine import Engine, Recommendation
from matcher.explain import Reason
from matcher.plan.body import Choice as Stated
from matcher.plan.body import Params
from matcher.plan.timing import (
    AFTER_COURSE_DAYS,
    HIRE_AFTER_REFERRAL_DAYS,
    MAX_STAY_DAYS,
    PAY_CYCLE_DAYS,
    REFERRAL_DAYS,
    first_pay_after,
)
from matcher.profile import Course, Person, Shelter, Vacancy

LIST_LIMITS: Mapping[str, int] = {"vacancy": 30, "course": 60, "shelter": 20}
"""How far down each list the rules look for an item they allow."""
JOBS_REFERRED = 3
"""The job referral names the first three vacancies the rules allow."""
COURSE_HOURS_PER_WEEK = 30
NO_STAY_WINDOW_DAYS = 90
"""Without a shelter stay, a course must start within this many days of the first day out."""

Lists = Mapping[str, Sequence[Recommendation]]
Rule = Callable[[str], Reason | None]
"""An item's id → why the rule passes it over, or None when the rule allows it."""


def ranked_lists(engine: Engine, person: Person) -> dict[str, list[Recommendation]]:
    """The person's lists as the engine ranks them (the shortlist's order)."""
    return {kind: engine.recommend(person, kind, limit=n) for kind, n in LIST_LIMITS.items()}


@dataclass(frozen=True)
class Choice:
    """What a rule took from one list: the list's #1, the items taken, and why each item
    ranked above the first one taken was passed over."""

    kind: str
    first: str | None
    picked: tuple[Recommendation, ...]
    passed: tuple[Reason, ...]

    @property
    def item(self) -> str | None:
        return self.picked[0].id if self.picked else None

    def stated(self) -> Stated | None:
        """For a plan's action (JSON): the list's #1 and the reasons it and the items after
        it were passed over; None when the pick is the #1 (or nothing was picked)."""
        if not self.picked or self.item == self.first:
            return None
        return {
            "first": self.first,
            "passed": [{"code": r.code, "params": _params(r.params)} for r in self.passed],
        }


def _params(facts: Mapping[str, object]) -> Params:
    """A reason's facts as the plan keeps them (the rules give days as YYYY-MM-DD already)."""
    return {
        k: v if v is None or isinstance(v, str | int | float) else str(v) for k, v in facts.items()
    }


def choose(kind: str, ranked: Sequence[Recommendation], rule: Rule, *, take: int = 1) -> Choice:
    """The first ``take`` items of ``ranked`` that ``rule`` allows, best first."""
    picked: list[Recommendation] = []
    passed: list[Reason] = []
    for item in ranked:
        why = rule(item.id)
        if why is None:
            picked.append(item)
            if len(picked) == take:
                break
        elif not picked:
            passed.append(why)
    return Choice(kind, ranked[0].id if ranked else None, tuple(picked), tuple(passed))


@dataclass(frozen=True)
class Days:
    """The days a person's options are checked against."""

    today: date
    anchor: date
    """The release day (or today for a person who is not inside)."""
    inside: bool
    start: date
    """The first day of life outside that is not in the past."""
    referral: date
    """The job referral's own day: two weeks after the first day out, never in the past."""
    first_pay: date


def days(person: Person, today: date) -> Days:
    anchor = person.release_date if person.release_date is not None else today
    inside = (
        person.status == "in_custody"
        and person.release_date is not None
        and person.release_date > today
    )
    referral = max(anchor + timedelta(REFERRAL_DAYS), today)
    return Days(
        today=today,
        anchor=anchor,
        inside=inside,
        start=max(anchor, today),
        referral=referral,
        first_pay=first_pay_after(referral),
    )


def stay_days(shelter: Shelter) -> int:
    return min(shelter.max_stay_days, MAX_STAY_DAYS)


def course_dates(course: Course, earliest: date) -> tuple[date, date]:
    """A course's first and last day: its own start, or ``earliest`` for one that starts
    whenever the person can (online, self-paced)."""
    start = course.starts_on or earliest
    weeks = max(1, math.ceil((course.hours or 72) / COURSE_HOURS_PER_WEEK))
    return start, start + timedelta(weeks=weeks)


def in_custody(course: Course, when: Days) -> bool:
    """Taken inside, before release."""
    return when.inside and course.available_in_custody


def job_rule(engine: Engine, referral: date) -> Rule:
    """A quota vacancy only while its quota period is open on the referral day."""

    def rule(item_id: str) -> Reason | None:
        vacancy = engine.item("vacancy", item_id)
        assert isinstance(vacancy, Vacancy)
        start = vacancy.quota_from
        if not vacancy.is_quota or start is None or law.quota_window_open(start, referral):
            return None
        if start > referral:
            return Reason(
                "choice_quota_opens",
                {"item": item_id, "opens": start.isoformat(), "day": referral.isoformat()},
            )
        closes = law.quota_window_last_day(start)
        return Reason(
            "choice_quota_closes",
            {"item": item_id, "closes": closes.isoformat(), "day": referral.isoformat()},
        )

    return rule


def shelter_rule(engine: Engine, arrival: date, first_pay: date) -> Rule:
    """A bed only where the stay from ``arrival`` lasts until the first pay."""

    def rule(item_id: str) -> Reason | None:
        shelter = engine.item("shelter", item_id)
        assert isinstance(shelter, Shelter)
        until = arrival + timedelta(stay_days(shelter))
        if until >= first_pay:
            return None
        return Reason(
            "choice_stay_short",
            {
                "item": item_id,
                "days": stay_days(shelter),
                "until": until.isoformat(),
                "first_pay": first_pay.isoformat(),
            },
        )

    return rule


def course_rule(
    engine: Engine, when: Days, window: tuple[date, date], latest_end: date | None
) -> Rule:
    """A course taken inside before release (when it is held there), or one starting within
    ``window`` after release; with ``latest_end``, one that also ends by then."""

    def rule(item_id: str) -> Reason | None:
        course = engine.item("course", item_id)
        assert isinstance(course, Course)
        first, last = (when.today, when.anchor) if in_custody(course, when) else window
        start, end = course_dates(course, first)
        if not first <= start < last:
            return Reason(
                "choice_course_dates",
                {
                    "item": item_id,
                    "start": start.isoformat(),
                    "from": first.isoformat(),
                    "until": (last - timedelta(1)).isoformat(),
                },
            )
        if latest_end is not None and not in_custody(course, when) and end > latest_end:
            return Reason(
                "choice_course_late",
                {"item": item_id, "end": end.isoformat(), "latest": latest_end.isoformat()},
            )
        return None

    return rule


@dataclass(frozen=True)
class Options:
    """A person's lists and what the plan's rules take from each (see the module's notes)."""

    lists: Mapping[str, Sequence[Recommendation]]
    days: Days
    jobs: Choice
    job_now: bool
    """A trade, or any quota job of the list the rules allow: refer within the first month,
    whatever else is planned."""
    shelter: Choice | None
    """None: the person does not need housing."""
    stay_until: date | None
    course: Choice | None
    """None: no course is called for (not wanted, and a profession or a job within reach)."""
    course_in_time: bool
    rules: Mapping[str, Rule]
    """The rule each kind was chosen by: allocation applies the same ones."""

    def wants(self, kind: str) -> bool:
        """Whether the plan looks for an item of ``kind`` at all: a job always, a bed when the
        person needs housing, a course when one is called for."""
        if kind == "shelter":
            return self.shelter is not None
        if kind == "course":
            return self.course is not None
        return True


def options(engine: Engine, person: Person, lists: Lists | None = None) -> Options:
    """What the plan takes from the person's lists (``ranked_lists`` when not given)."""
    lists = ranked_lists(engine, person) if lists is None else lists
    when = days(person, engine.today)
    rules: dict[str, Rule] = {"vacancy": job_rule(engine, when.referral)}
    found = lists.get("vacancy", ())
    jobs = choose("vacancy", found, rules["vacancy"], take=JOBS_REFERRED)
    quota = any(
        getattr(engine.item("vacancy", job.id), "is_quota", False)
        and rules["vacancy"](job.id) is None
        for job in found
    )
    job_now = bool(person.professions) or quota

    shelter: Choice | None = None
    stay_until: date | None = None
    if person.need_housing:
        rules["shelter"] = shelter_rule(engine, when.start, when.first_pay)
        shelter = choose("shelter", lists.get("shelter", ()), rules["shelter"])
        if shelter.item is not None:
            bed = engine.item("shelter", shelter.item)
            assert isinstance(bed, Shelter)
            stay_until = when.start + timedelta(stay_days(bed))

    course: Choice | None = None
    in_time = True
    if person.wants_training or (not person.professions and not jobs.picked):
        window = (when.start, stay_until or when.start + timedelta(NO_STAY_WINDOW_DAYS))
        latest_end = (
            None
            if stay_until is None or job_now
            else stay_until
            - timedelta(AFTER_COURSE_DAYS + HIRE_AFTER_REFERRAL_DAYS + PAY_CYCLE_DAYS)
        )
        ranked = lists.get("course", ())
        rules["course"] = course_rule(engine, when, window, latest_end)
        course = choose("course", ranked, rules["course"])
        if course.item is None and latest_end is not None:
            # none ends in time: the first within the dates, kept with the reason (``late``)
            rules["course"] = course_rule(engine, when, window, None)
            course = choose("course", ranked, rules["course"])
            in_time = False
    return Options(lists, when, jobs, job_now, shelter, stay_until, course, in_time, rules)
