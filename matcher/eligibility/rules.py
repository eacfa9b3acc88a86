"""Who may be recommended what: one small rule per function, each returning a verdict.

A rule looks at one (person, item) pair and returns ``None`` when it has nothing against the
pair, or a ``Verdict`` with a reason code (and the facts for its text). An item that fails any
rule is never recommended; ``matcher why`` lists every verdict. The rules of each kind are
data: the tuples at the end of this module, in the order they are checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from catalogs import law
from matcher.features.geo import haversine_km
from matcher.profile import Course, Item, Person, Shelter, Vacancy, education_rank

COURSE_JOIN_GRACE_DAYS = 14
"""A course that started up to two weeks ago can still be joined."""
EDUCATION_GAP_ALLOWED = 1
"""A person one level below the required education may still be recommended (with a note)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a pair is excluded: a reason code and the facts its text needs."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


Rule = Callable[[Person, Item, date], Verdict | None]


def quota_window_end(vacancy: Vacancy) -> date | None:
    """The last day a quota vacancy may be offered (``catalogs.law``)."""
    return None if vacancy.quota_from is None else law.quota_window_last_day(vacancy.quota_from)


def earliest_start(person: Person, today: date) -> date:
    """The first day the person can take a job or a bed outside: the release date while still
    inside, today otherwise."""
    release = person.release_date
    if person.status == "in_custody" and release is not None and release > today:
        return release
    return today


_INSTITUTION = re.compile(
    r"(?<![^\W\d_])([^\W\d_]{2})"  # two letters, not the end of a longer word
    r"\s*[-‐‑–—]?\s*(\d{3})\s*/\s*(\d{1,3})(?!\d)"  # a dash of any kind, 155/14
)
_LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def institution_code(text: str | None) -> str | None:
    """The code of the institution named in ``text``, written one way: «ла 155 / 14», «ЛА–155/14»
    and «LA-155/14» (Latin look-alike letters) are all «ЛА-155/14»; None when there is none."""
    found = _INSTITUTION.search(text or "")
    if found is None:
        return None
    letters, region, number = found.groups()
    return f"{letters.upper().translate(_LATIN_LOOKALIKES)}-{region}/{int(number)}"


def institution_number(text: str | None) -> str | None:
    """What identifies an institution: its number, «155/14» (the department, then the
    institution). The letters in front are the region's, and are transliterated in more than
    one way (ЕЦ-166/23 is EC-166/23 in the source document), so they are not compared."""
    code = institution_code(text)
    return None if code is None else code.split("-", 1)[1]


def custody_institution(course: Course) -> str | None:
    """The institution a course available in custody is held in, as its provider (or title)
    names it («… (учебная группа в учреждении ЛА-155/14)»); None for a course that is also
    open outside (a MOOC, a classroom course that names no institution)."""
    if not course.available_in_custody:
        return None
    return institution_code(course.provider) or institution_code(course.title)


def vacancy_open(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy)
    return Verdict("vacancy_closed") if item.status != "open" else None


def quota_window_open(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy)
    end = quota_window_end(item)
    if item.is_quota and end is not None and end < today:
        return Verdict("quota_window_expired", {"date": end.isoformat()})
    return None


def starts_within_quota_window(person: Person, item: Item, today: date) -> Verdict | None:
    """A quota vacancy's slot is for someone who can start before its window closes."""
    assert isinstance(item, Vacancy)
    end = quota_window_end(item)
    start = earliest_start(person, today)
    if item.is_quota and end is not None and start > end:
        return Verdict(
            "starts_after_quota_window", {"date": end.isoformat(), "start": start.isoformat()}
        )
    return None


def quota_slot_left(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy)
    return Verdict("no_slot_left") if item.is_quota and item.quota_slots <= 0 else None


def offence_not_excluded(person: Person, item: Item, today: date) -> Verdict | None:
    """The employer (or the law, for that job) excludes the person's offence category.
    The verdict names no category: the reason text must not reveal the offence."""
    assert isinstance(item, Vacancy)
    if person.offence_category is not None and person.offence_category in item.excluded_offences:
        return Verdict("offence_excluded")
    return None


def education_close_enough(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy | Course)
    have, need = education_rank(person.education), education_rank(item.education_min)
    if have is not None and need is not None and have < need - EDUCATION_GAP_ALLOWED:
        return Verdict("education_far_below", {"required": item.education_min})
    return None


def within_reach(person: Person, item: Item, today: date) -> Verdict | None:
    """A job or classroom beyond the person's commute, when the person cannot move."""
    if isinstance(item, Course) and (
        item.format == "online" or item.lat is None or item.lon is None
    ):
        return None
    if isinstance(item, Course) and custody_institution(item) is not None:
        return None  # held inside: whether the person is there is ``held_in_own_institution``
    if person.relocation_ok:
        return None
    assert item.lat is not None
    assert item.lon is not None
    km = haversine_km(person.lat, person.lon, item.lat, item.lon)
    if km > person.max_commute_km:
        return Verdict("too_far", {"km": round(km), "limit": round(person.max_commute_km)})
    return None


def reachable_from_custody(person: Person, item: Item, today: date) -> Verdict | None:
    """A person inside can take only courses run inside, or ones that start after release."""
    assert isinstance(item, Course)
    if person.status != "in_custody" or item.available_in_custody:
        return None
    release = person.release_date
    if release is not None and item.starts_on is not None and item.starts_on >= release:
        return None
    return Verdict("not_reachable_from_custody")


def held_in_own_institution(person: Person, item: Item, today: date) -> Verdict | None:
    """A course held inside an institution is for the people in that institution only."""
    assert isinstance(item, Course)
    held_in = custody_institution(item)
    if held_in is None:
        return None
    if person.status != "in_custody":
        return Verdict("custody_course_inside_only", {"institution": held_in})
    if institution_number(person.institution) != institution_number(held_in):
        return Verdict("custody_course_other_institution", {"institution": held_in})
    return None


def starts_before_release(person: Person, item: Item, today: date) -> Verdict | None:
    """A course held inside an institution must start before the person leaves it."""
    assert isinstance(item, Course)
    release = person.release_date
    if (
        custody_institution(item) is not None
        and person.status == "in_custody"
        and release is not None
        and item.starts_on is not None
        and item.starts_on >= release
    ):
        return Verdict("custody_course_after_release", {"date": release.isoformat()})
    return None


def seat_left(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Course)
    return Verdict("no_seat_left") if item.seats is not None and item.seats <= 0 else None


def not_started_long_ago(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Course)
    if item.starts_on is not None and item.starts_on < today - timedelta(COURSE_JOIN_GRACE_DAYS):
        return Verdict("course_started", {"date": item.starts_on.isoformat()})
    return None


def shared_language(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Course)
    if person.languages and item.languages and not set(person.languages) & set(item.languages):
        return Verdict("language_mismatch", {"languages": ", ".join(item.languages)})
    return None


def bed_left(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Shelter)
    return Verdict("no_bed_left") if item.free_beds <= 0 else None


def shelter_accepts_sex(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Shelter)
    wanted = {"men": "m", "women": "f"}.get(item.accepts)
    if wanted is not None and person.sex is not None and person.sex != wanted:
        return Verdict("shelter_sex", {"accepts": item.accepts})
    return None


def shelter_accepts_age(person: Person, item: Item, today: date) -> Verdict | None:
    """The age on the day the person can come (a person inside comes on release)."""
    assert isinstance(item, Shelter)
    age = person.age(earliest_start(person, today))
    if age is not None and age < item.min_age:
        return Verdict("shelter_age", {"min_age": item.min_age})
    return None


def shelter_substance_rules(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Shelter)
    if person.need_addiction_treatment and not item.admits_substance_use:
        return Verdict("shelter_substance_use")
    return None


SHELTER_ADMISSION: tuple[Rule, ...] = (
    bed_left,
    shelter_accepts_sex,
    shelter_accepts_age,
    shelter_substance_rules,
)
"""Whom a centre takes in. A centre's own list adds how far it may be from the person; a job's
«centre nearby» asks only these, on the day the person can come (``admits``)."""


def admits(person: Person, shelter: Shelter, today: date) -> bool:
    """Whether the centre would take the person in on the first day they can come. Beds are
    the ones free now: the catalog holds no calendar of beds, and places already promised are
    counted as taken."""
    return all(rule(person, shelter, today) is None for rule in SHELTER_ADMISSION)


SHELTER_REACH_KM = 300.0
"""A centre outside the person's region and farther than this is not offered unless the
person can move: the point of a centre is a start near where the person will live and work."""


def shelter_within_reach(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Shelter)
    if person.relocation_ok or item.kato[:2] == person.kato[:2]:
        return None
    km = haversine_km(person.lat, person.lon, item.lat, item.lon)
    if km > SHELTER_REACH_KM:
        return Verdict("shelter_too_far", {"km": round(km)})
    return None


RULES: dict[str, tuple[Rule, ...]] = {
    "vacancy": (
        vacancy_open,
        quota_window_open,
        starts_within_quota_window,
        quota_slot_left,
        offence_not_excluded,
        education_close_enough,
        within_reach,
    ),
    "course": (
        not_started_long_ago,
        seat_left,
        reachable_from_custody,
        held_in_own_institution,
        starts_before_release,
        shared_language,
        education_close_enough,
        within_reach,
    ),
    "shelter": (*SHELTER_ADMISSION, shelter_within_reach),
}


def kind_of(item: Item) -> str:
    if isinstance(item, Vacancy):
        return "vacancy"
    if isinstance(item, Course):
        return "course"
    return "shelter"


def verdicts(person: Person, item: Item, today: date) -> list[Verdict]:
    """Every rule that excludes the pair (empty: eligible)."""
    return [v for rule in RULES[kind_of(item)] if (v := rule(person, item, today)) is not None]


def eligible(person: Person, item: Item, today: date) -> bool:
    """True when no rule excludes the pair (stops at the first that does)."""
    return all(rule(person, item, today) is None for rule in RULES[kind_of(item)])
