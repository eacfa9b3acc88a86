"""The plan's dates that follow from its actions: the first pay day, the housing search, the
review date and the risks that depend on them.

``recompute`` reads only the plan's body (no engine), so the same rules apply when the plan
is made and after every edit the inspector makes (done, dropped, a moved due date, an added
action): drop the course and the job referral that waited for it moves to its own date; move
the referral and the first pay follows. It returns what moved, as codes and days, for the
version history to say in words.
"""

from __future__ import annotations

from datetime import date, timedelta

from matcher.plan.body import Action, Body, Moved, number, text

REFERRAL_DAYS = 14
"""The job referral's own day: a week after registering with the employment centre, two weeks
after the first day out."""
MAX_STAY_DAYS = 180
"""The longest shelter stay (DOMAIN.md), whatever the centre allows."""
PAY_CYCLE_DAYS = 30
"""From a hire to the first wage: one monthly pay cycle."""
HIRE_AFTER_REFERRAL_DAYS = 14
AFTER_COURSE_DAYS = 7
"""From a course's last day to the job referral that waited for it."""
HOUSING_SEARCH_LEAD_DAYS = 60
"""The akimat's housing search starts this many days before a shelter stay ends (at least
``HOUSING_SEARCH_MIN_LEAD_DAYS`` when the stay is short)."""
HOUSING_SEARCH_MIN_LEAD_DAYS = 30
KEPT_JOB_DAYS = 90
"""The review weighs whether the job was kept for three months after the first pay."""

DERIVED = ("first_pay", "referral", "housing_search", "course", "shelter_until", "review")
"""What ``recompute`` may move; each has a ``plan_moved_<what>`` text."""
TIMING_FLAGS = ("stay_ends_before_first_pay", "no_job_option")
"""The risks ``recompute`` decides; the others follow from the person's facts."""


def first_pay_after(referral: date) -> date:
    return referral + timedelta(HIRE_AFTER_REFERRAL_DAYS + PAY_CYCLE_DAYS)


def housing_search_day(stay_from: date, stay_until: date) -> date:
    """At least 30 days (60 when the stay allows) before the stay ends, never before it starts."""
    lead = HOUSING_SEARCH_LEAD_DAYS
    if (stay_until - stay_from).days < lead + HOUSING_SEARCH_MIN_LEAD_DAYS:
        lead = HOUSING_SEARCH_MIN_LEAD_DAYS
    return max(stay_from, stay_until - timedelta(lead))


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _active(action: Action | None) -> bool:
    return action is not None and action["status"] != "dropped"


def derived_days(body: Body) -> dict[str, str | None]:
    """The days ``recompute`` derives, by the codes of ``DERIVED``: the expected first pay,
    the job referral's and the housing search's due days, the end of the course and of the
    shelter stay (while those actions stand), and the review."""
    acts = {a["id"]: a for a in body["actions"] if a["status"] != "dropped"}

    def due(action_id: str) -> str | None:
        action = acts.get(action_id)
        return None if action is None else action["due"]

    def param(action_id: str, name: str) -> str | None:
        action = acts.get(action_id)
        value = None if action is None else action["params"].get(name)
        return value if isinstance(value, str) else None

    return {
        "first_pay": body.get("first_pay_day"),
        "referral": due("job_referral"),
        "housing_search": due("housing_search"),
        "course": param("course", "end"),
        "shelter_until": param("shelter", "until"),
        "review": body.get("review_date"),
    }


def moved_since(before: Body, after: Body) -> list[Moved]:
    """What a new version moved against ``before``, in the shape ``recompute`` keeps: the
    derived days that changed (both known) and the risks added or gone. For a regenerated
    plan, whose days are all derived anew."""
    old, new = derived_days(before), derived_days(after)
    moved: list[Moved] = [
        {"what": what, "from": old[what], "to": new[what]}
        for what in DERIVED
        if old[what] and new[what] and old[what] != new[what]
    ]
    moved.extend(_risks_moved(set(before.get("risk_flags", [])), set(after.get("risk_flags", []))))
    return moved


def _risks_moved(was: set[str], now: set[str]) -> list[Moved]:
    """The risks added, then those gone, each in code order."""
    added: list[Moved] = [{"what": "risk_added", "risk": f} for f in sorted(now - was)]
    gone: list[Moved] = [{"what": "risk_removed", "risk": f} for f in sorted(was - now)]
    return added + gone


def recompute(body: Body, today: date) -> list[Moved]:
    """Derive the plan's dates and timing risks from its actions, in place; return what moved
    (``{"what", "from", "to"}`` with days as YYYY-MM-DD, or ``{"what": "risk_added" |
    "risk_removed", "risk"}``)."""
    acts = {a["id"]: a for a in body["actions"]}
    moved: list[Moved] = []

    def note(what: str, before: str | None, after: str | None) -> None:
        if before != after:
            moved.append({"what": what, "from": before, "to": after})

    course = acts.get("course")
    if _active(course) and course is not None and "start" in course["params"]:
        start, end = _day(text(course["params"], "start")), _day(text(course["params"], "end"))
        due = _day(course["due"])
        if due != start:  # the inspector moved the course: its end moves with it
            new_end = end + (due - start)
            note("course", end.isoformat(), new_end.isoformat())
            course["params"]["start"], course["params"]["end"] = (
                due.isoformat(),
                new_end.isoformat(),
            )

    job = acts.get("job_referral")
    old_pay = body.get("first_pay_day")
    if job is not None and not _active(job):  # no referral to a job: no first pay expected
        body["first_pay_day"] = None  # (the dropped action's own words keep theirs)
    elif job is not None:
        params = job["params"]
        if job["status"] == "planned" and not job.get("due_fixed") and "earliest" in params:
            due = _day(text(params, "earliest"))
            if params.get("after_course") and _active(course) and course is not None:
                ends = _day(text(course["params"], "end"))
                due = max(due, ends + timedelta(AFTER_COURSE_DAYS))
            note("referral", job["due"], due.isoformat())
            job["due"] = due.isoformat()
        first_pay = first_pay_after(_day(job["due"]))
        params["first_pay"] = first_pay.isoformat()
        body["first_pay_day"] = first_pay.isoformat()
    note("first_pay", old_pay, body.get("first_pay_day"))
    pay = _day(paid_on) if (paid_on := body.get("first_pay_day")) else None

    shelter = acts.get("shelter")
    stay_until: date | None = None
    if _active(shelter) and shelter is not None:
        params = shelter["params"]
        stay_from, stay_until = _day(text(params, "from")), _day(text(params, "until"))
        due = _day(shelter["due"])
        if due != stay_from:  # a moved arrival moves the stay's end with it
            stay_until = due + timedelta(number(params, "days"))
            note("shelter_until", text(params, "until"), stay_until.isoformat())
            params["from"], params["until"] = due.isoformat(), stay_until.isoformat()
            stay_from = due
        search = acts.get("housing_search")
        if search is not None and search["status"] == "planned" and not search.get("due_fixed"):
            day = housing_search_day(stay_from, stay_until).isoformat()
            note("housing_search", search["due"], day)
            search["due"] = day
            search["params"]["until"] = stay_until.isoformat()

    flags = set(body.get("risk_flags", [])) - set(TIMING_FLAGS)
    if stay_until is not None and pay is not None and stay_until < pay:
        flags.add("stay_ends_before_first_pay")
    if not _active(job) or job is None or not job["items"]:
        flags.add("no_job_option")
    before = set(body.get("risk_flags", []))
    moved.extend(_risks_moved(before, flags))
    body["risk_flags"] = sorted(flags)

    planned = [_day(a["due"]) for a in body["actions"] if a["status"] == "planned"]
    review_day = max([*planned, *([pay + timedelta(KEPT_JOB_DAYS)] if pay else []), today])
    note("review", body.get("review_date"), review_day.isoformat())
    body["review_date"] = review_day.isoformat()
    body["actions"].sort(key=lambda a: (a["due"], a["id"]))
    return moved
