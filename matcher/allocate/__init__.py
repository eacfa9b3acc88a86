"""Cohort allocation: share quota slots, course seats, beds and jobs across everyone released at
about the same time, instead of sending every person to the same best item.

One source of truth: each person's options are the lists the shortlist shows, filtered by the
plan's own rules (``matcher.plan.choice``: a quota period still open on the referral day, a stay
that lasts to the first pay, a course only when the plan would book one and within its dates).
Capacity is the only thing allocation adds, so a person alone gets the list's #1 whenever it
has a place; when a person gets another item, the line's first reason says why the #1 was passed
over (its dates, or its places went to persons it suits better, to persons with fewer other
options, or to a group the guard lifts).

Every person's options become edges of a flow network: source → person (1) → item (1) → sink
(the item's capacity: a quota vacancy's slots, one job for another vacancy, a course's seats or
the cohort when unlimited, a centre's free beds), plus person → sink through a "nothing" edge of
cost 0. The min-cost flow (OR-tools) with edge costs −expected success (ties to the item higher
in the person's list) maximises the total expected success subject to every capacity, exactly,
with no greedy loop.

**Group guard.** After solving, the share of persons given an item is computed per group
(region, sex, age band, offence category) among persons who had at least one option. If a
group's share is below ``GUARD_RATIO`` (0.8) of the best-served group's, the expected success
of that group's edges is raised by ``GUARD_STEP`` (20%) and the network is solved again, up
to ``GUARD_ROUNDS`` times. The figures before and after are reported.

An allocation is a proposal: nothing here consumes capacity.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from catalogs import law
from matcher.allocate.flow import greedy, shares, solve
from matcher.engine import Engine, Recommendation
from matcher.explain import Reason
from matcher.plan import choice
from matcher.profile import Course, Person, Shelter, Vacancy

KINDS = ("vacancy", "course", "shelter")
OPTIONS_PER_KIND = 15
GUARD_RATIO = 0.8
GUARD_STEP = 0.2
GUARD_ROUNDS = 3
MAX_REASONS = 5
"""The reasons of the item itself a line keeps (after the one about the list's #1)."""
SCARCE_PREFILTER = 100
"""A cohort query needs only the best few options per kind: fewer exact scorings."""


@dataclass(frozen=True)
class Option:
    kind: str
    item_id: str
    expected: float
    reasons: tuple[Reason, ...]

    def as_dict(self, lang: str) -> dict[str, object]:
        return {
            "kind": self.kind,
            "item_id": self.item_id,
            "expected": round(self.expected, 3),
            "reasons": [r.as_dict(lang) for r in self.reasons],
        }


@dataclass(frozen=True)
class Assignment:
    person_id: str
    kind: str
    item_id: str | None
    """None: the person gets nothing of this kind (the reasons say why)."""
    expected: float
    reasons: tuple[Reason, ...]
    alternatives: tuple[Option, ...]
    first: str | None = None
    """The person's #1 in the list the shortlist shows; when ``item_id`` differs, the first
    reason says why."""

    def as_dict(self, lang: str = "ru") -> dict[str, object]:
        return {
            "person_id": self.person_id,
            "kind": self.kind,
            "item_id": self.item_id,
            "expected": round(self.expected, 3),
            "reasons": [r.as_dict(lang) for r in self.reasons],
            "alternatives": [a.as_dict(lang) for a in self.alternatives],
        }


@dataclass
class Allocation:
    assignments: list[Assignment]
    summary: dict[str, object] = field(default_factory=dict)

    def as_dict(self, lang: str = "ru") -> dict[str, object]:
        return {"assignments": [a.as_dict(lang) for a in self.assignments], "summary": self.summary}


def age_band(person: Person, today: date) -> str:
    return law.age_band(person.age(today))


def groups(person: Person, today: date) -> tuple[str, ...]:
    return (
        f"region:{person.kato[:2]}",
        f"sex:{person.sex or 'unknown'}",
        f"age:{age_band(person, today)}",
        f"offence:{person.offence_category or 'unknown'}",
    )


def capacity(item: Vacancy | Course | Shelter, cohort: int) -> int:
    if isinstance(item, Vacancy):
        return item.quota_slots if item.is_quota else 1
    if isinstance(item, Course):
        return cohort if item.seats is None else item.seats
    return item.free_beds


Lists = Callable[[Person], choice.Lists]
"""A person's lists as the shortlist shows them (the same filters)."""


@dataclass(frozen=True)
class _Wish:
    """One person's options of one kind: the list's #1, why the rules pass it over (if they
    do), and the items they allow, best first."""

    first: str | None
    first_passed: Reason | None
    found: list[Recommendation]


def _wishes(
    engine: Engine, person: Person, kinds: Sequence[str], lists: Lists | None
) -> dict[str, _Wish]:
    """What the plan's rules allow from each of the person's lists (``choice.options``)."""
    opts = choice.options(engine, person, None if lists is None else lists(person))
    wishes: dict[str, _Wish] = {}
    for kind in kinds:
        if not opts.wants(kind):
            continue
        ranked, rule = opts.lists.get(kind, ()), opts.rules[kind]
        found = [item for item in ranked if rule(item.id) is None][:OPTIONS_PER_KIND]
        first = ranked[0].id if ranked else None
        wishes[kind] = _Wish(first, rule(first) if first is not None else None, found)
    return wishes


def scarce(engine: Engine) -> Engine:
    """An engine over the scarce items only — open quota vacancies, courses with a seat limit,
    centres with a free bed — which is what an allocation shares out (and much faster to
    query for a whole cohort)."""
    from matcher.index import CourseIndex, ShelterIndex, VacancyIndex

    vacancies = [
        v for v in engine.vacancies.items if v.is_quota and v.status == "open" and v.quota_slots > 0
    ]
    courses = [c for c in engine.courses.items if c.seats is not None and c.seats > 0]
    shelters = [s for s in engine.shelters.items if s.free_beds > 0]
    return Engine(
        vacancies=VacancyIndex(vacancies, matcher=engine.matcher, today=engine.today),
        courses=CourseIndex(courses),
        shelters=ShelterIndex(shelters),
        today=engine.today,
        matcher=engine.matcher,
        rankers=engine.rankers,
        prefilter=SCARCE_PREFILTER,
        model_version=engine.model_version,
        tracks=engine.tracks,
    )


def allocate(
    engine: Engine,
    cohort: Sequence[Person],
    *,
    kinds: Sequence[str] = KINDS,
    lists: Lists | None = None,
) -> Allocation:
    """Assign each person at most one item of each kind, maximising the total expected
    success subject to every capacity, with the group guard; two alternatives each. ``lists``
    gives a person's lists as the shortlist shows them (the engine's own when not given)."""
    started = time.perf_counter()
    today = engine.today
    labels = [groups(p, today) for p in cohort]
    wishes = [_wishes(engine, p, kinds, lists) for p in cohort]
    assignments: list[Assignment] = []
    summary: dict[str, object] = {"persons": len(cohort), "kinds": {}}
    for kind in kinds:
        wanting = {i: w[kind] for i, w in enumerate(wishes) if kind in w}
        shortlists = {i: wish.found for i, wish in wanting.items()}
        edges = {i: [(o.id, o.score) for o in found] for i, found in shortlists.items() if found}
        caps = {
            o.id: capacity(engine.item(kind, o.id), len(cohort))
            for found in shortlists.values()
            for o in found
        }
        eligible = sorted(edges)
        boost = [1.0] * len(cohort)
        chosen = solve(edges, caps, boost) if edges else {}
        before = shares(chosen, eligible, labels)
        rounds = 0
        while rounds < GUARD_ROUNDS and before and edges:
            best = max(shares(chosen, eligible, labels).values())
            lagging = {
                g for g, s in shares(chosen, eligible, labels).items() if s < GUARD_RATIO * best
            }
            if not lagging:
                break
            for p in eligible:
                if lagging & set(labels[p]):
                    boost[p] *= 1 + GUARD_STEP
            chosen = solve(edges, caps, boost)
            rounds += 1
        after = shares(chosen, eligible, labels)
        greedy_total = greedy(shortlists, caps)
        used: Counter[str] = Counter(chosen.values())
        violations = sum(1 for item, n in used.items() if n > caps[item])
        expected = sum(dict(edges[p])[item] for p, item in chosen.items())
        for i, wish in wanting.items():
            entry = _entry(cohort[i], kind, wish.found, chosen.get(i), used, caps)
            passed = _why_not_first(i, wish, chosen, edges, caps, boost)
            assignments.append(_with_first(entry, wish.first, passed))
        best_share = max(after.values()) if after else 0.0
        worst = min(after.items(), key=lambda kv: kv[1]) if after else ("—", 0.0)
        summary["kinds"][kind] = {  # type: ignore[index]
            "persons_wanting": len(shortlists),
            "persons_with_options": len(eligible),
            "assigned": len(chosen),
            "nothing_share": round(1 - len(chosen) / len(shortlists), 4) if shortlists else 0.0,
            "capacity": sum(caps.values()),
            "capacity_violations": violations,
            "expected_total": round(expected, 3),
            "greedy_expected_total": round(greedy_total, 3),
            "ratio_to_greedy": round(expected / greedy_total, 3) if greedy_total else None,
            "guard": {
                "rule": f"every group's share of persons served >= {GUARD_RATIO} x the best group's",
                "rounds": rounds,
                "worst_group": worst[0],
                "worst_share": round(worst[1], 3),
                "best_share": round(best_share, 3),
                "groups_below_before": sorted(
                    g
                    for g, s in before.items()
                    if before and s < GUARD_RATIO * max(before.values())
                ),
                "groups_below_after": sorted(
                    g for g, s in after.items() if s < GUARD_RATIO * best_share
                ),
            },
        }
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return Allocation(assignments, summary)


def _why_not_first(
    person: int,
    wish: _Wish,
    chosen: Mapping[int, str],
    edges: Mapping[int, list[tuple[str, float]]],
    caps: Mapping[str, int],
    boost: Sequence[float],
) -> Reason | None:
    """Why the person does not get the list's #1: the plan's rules pass it over, or its
    places went to others (persons it suits better, persons with fewer other options, or a
    group the guard lifts)."""
    first = wish.first
    if first is None or chosen.get(person) == first:
        return None
    if wish.first_passed is not None:
        return wish.first_passed
    takers = [p for p, item in chosen.items() if item == first]
    if not takers or person not in chosen:
        return None  # nothing at all for this person: the line's own reason says why
    mine = dict(edges[person]).get(first, 0.0)
    places = {"item": first, "places": caps.get(first, 0)}
    lower = [p for p in takers if dict(edges[p])[first] < mine]
    if not lower:
        return Reason("choice_taken_higher", places)
    if any(boost[p] > boost[person] for p in lower):
        return Reason("choice_taken_guard", places)
    return Reason("choice_taken_total", places)


def _with_first(entry: Assignment, first: str | None, passed: Reason | None) -> Assignment:
    reasons = entry.reasons if passed is None else (passed, *entry.reasons)
    return replace(entry, first=first, reasons=reasons[: MAX_REASONS + 1])


def _entry(
    person: Person,
    kind: str,
    found: Sequence[Recommendation],
    item_id: str | None,
    used: Mapping[str, int],
    caps: Mapping[str, int],
) -> Assignment:
    others = [o for o in found if o.id != item_id]
    open_first = sorted(others, key=lambda o: (used.get(o.id, 0) >= caps.get(o.id, 0), -o.score))
    alternatives = tuple(Option(kind, o.id, o.score, o.reasons) for o in open_first[:2])
    if item_id is not None:
        picked = next(o for o in found if o.id == item_id)
        return Assignment(
            person.person_id, kind, item_id, picked.score, picked.reasons, alternatives
        )
    if not found:
        reason = Reason("allocation_no_option")
    else:
        top = found[0]
        reason = Reason(
            "allocation_capacity_taken", {"item": top.id, "places": caps.get(top.id, 0)}
        )
    if kind == "shelter" and all(used.get(o.id, 0) >= caps.get(o.id, 0) for o in found):
        # no bed left within reach: the next-best option is the akimat's housing search
        search = Option("action", "housing_search", 0.0, (Reason("plan_housing_search"),))
        alternatives = (search, *alternatives)[:2]
    return Assignment(person.person_id, kind, None, 0.0, (reason,), alternatives)
