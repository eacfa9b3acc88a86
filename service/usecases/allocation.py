"""Cohort allocation: share quota slots, course seats, beds and jobs across everyone of a region
released between two dates (a proposal; only referrals an officer accepts take places). Each
person's options are the lists the shortlist shows, as the plan takes them."""

from __future__ import annotations

import re
from datetime import date

# typing_extensions' TypedDict: the HTTP schema reads these through pydantic
from typing_extensions import TypedDict

from catalogs.reference.places import places
from matcher import Allocation, allocate_cohort
from service.runtime import Runtime
from service.store import audit
from service.store import rows as glue
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, Invalid, NotFound
from service.usecases.plans import shown_lists
from service.usecases.shortlists import engine_for

MAX_COHORT = 20_000
REGION_KATO = re.compile(r"^[0-9]{2}0{7}$")
"""How the code of a region (or a city of national significance) looks: two digits, seven zeros."""


class Guard(TypedDict):
    """The group guard of one kind (groups: a region, a sex, an age band, an offence
    category, such as ``region:47``, ``sex:female``, ``age:18–24``, ``offence:unknown``)."""

    rule: str
    """The rule, in words."""
    rounds: int
    """How many times the network was solved again with a lagging group's chances raised."""
    worst_group: str
    """The group with the smallest share of persons served (``—`` when none)."""
    worst_share: float
    """Its share of persons served, among persons with an option."""
    best_share: float
    """The best-served group's share."""
    groups_below_before: list[str]
    """Groups below the rule's bar before the guard."""
    groups_below_after: list[str]
    """Groups still below it after."""


class KindSummary(TypedDict):
    """An allocation's figures for one kind of place (``vacancy``, ``course``, ``shelter``)."""

    persons_wanting: int
    """Persons the plan's rules give this kind."""
    persons_with_options: int
    """Those with at least one item open to them."""
    assigned: int
    """Persons given an item."""
    nothing_share: float
    """Share of persons wanting it who get nothing."""
    capacity: int
    """Places of the items offered to anyone."""
    capacity_violations: int
    """Items given to more persons than their places (always 0)."""
    expected_total: float | int
    """Sum of the expected success of the items given (0 when none is)."""
    greedy_expected_total: float
    """The same if every officer took each person's first choice, first come first served."""
    ratio_to_greedy: float | None
    """``expected_total`` over ``greedy_expected_total`` (null when that is 0)."""
    guard: Guard
    """How evenly the groups were served, before and after the guard."""


class AllocationSummary(TypedDict):
    """The figures of an allocation (``matcher.allocate`` builds them; the result of ``run``
    carries them as its ``summary``)."""

    persons: int
    """Persons of the cohort."""
    kinds: dict[str, KindSummary]
    """By kind of place."""
    seconds: float
    """How long the solving took."""


def check(actor: Actor, *, kato: str, release_from: date, release_to: date) -> None:
    """What can be refused before any work starts (so that a job is never queued for it)."""
    access.staff_only(actor)
    if not REGION_KATO.match(kato):
        raise Invalid("allocate_bad_region", kato=kato)
    region = places().get(kato)
    if region is None or region.level != "region":
        raise NotFound("allocate_unknown_region", kato=kato)
    if actor.region_kato is not None and actor.region_kato != kato:
        raise Forbidden("out_of_region")
    if release_to < release_from:
        raise Invalid("bad_window")


def run(
    rt: Runtime,
    actor: Actor,
    *,
    kato: str,
    release_from: date,
    release_to: date,
    today: date | None = None,
) -> tuple[Allocation, int]:
    """The allocation and the size of the cohort it shared places across; the allocation's
    ``summary`` is an ``AllocationSummary``."""
    check(actor, kato=kato, release_from=release_from, release_to=release_to)
    with rt.session() as session:
        cohort = glue.load_cohort(
            session,
            protector=rt.protector,
            region=kato,
            release_from=release_from,
            release_to=release_to,
        )
        if len(cohort) > MAX_COHORT:
            raise Invalid("cohort_too_large", count=len(cohort))
    # the engine and the lists the shortlist shows: a person alone gets the list's #1
    engine = engine_for(rt, today)
    result = allocate_cohort(engine, cohort, lists=shown_lists(rt, engine))
    with rt.writing() as session:
        # who ran it, for which region and how many persons; then each person it placed
        subject = f"#allocation:{kato}:{len(cohort)}"
        persons = [person.person_id for person in cohort]
        audit.record(session, actor=actor, person_ids=[subject, *persons], action="allocation")
        session.commit()
    return result, len(cohort)
