"""Who may be recommended what: one small rule per function, each returning a verdict.

A rule looks at one (person, item) pair and returns ``None`` when it has nothing against the
pair, or a ``Verdict`` with a reason code (and the facts for its text). An item that fails any
rule is never recommended; ``matcher why`` lists every verdict. The rules of each kind are
data: the tuples at the end of this module, in the order they are checked.
"""

from __future__ import annotations

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


def vacancy_open(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy)
    return Verdict("vacancy_closed") if item.status != "open" else None


def quota_window_open(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Vacancy)
    end = quota_window_end(item)
    if item.is_quota and end is not None and end < today:
        return Verdict("quota_window_expired", {"date": end.isoformat()})
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
    if isinstance(item, Course) and person.status == "in_custody" and item.available_in_custody:
        return None
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
    assert isinstance(item, Shelter)
    age = person.age(today)
    if age is not None and age < item.min_age:
        return Verdict("shelter_age", {"min_age": item.min_age})
    return None


def shelter_substance_rules(person: Person, item: Item, today: date) -> Verdict | None:
    assert isinstance(item, Shelter)
    if person.need_addiction_treatment and not item.admits_substance_use:
        return Verdict("shelter_substance_use")
    return None


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
        quota_slot_left,
        offence_not_excluded,
        education_close_enough,
        within_reach,
    ),
    "course": (
        not_started_long_ago,
        seat_left,
        reachable_from_custody,
        shared_language,
        education_close_enough,
        within_reach,
    ),
    "shelter": (
        bed_left,
        shelter_accepts_sex,
        shelter_accepts_age,
        shelter_substance_rules,
        shelter_within_reach,
    ),
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
