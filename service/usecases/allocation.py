"""Cohort allocation: share quota slots, course seats, beds and jobs across everyone of a region
released between two dates (a proposal; only referrals an officer accepts take places). Each
person's options are the lists the shortlist shows, as the plan takes them."""

from __future__ import annotations

import re
from datetime import date

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
    """The allocation and the size of the cohort it shared places across."""
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
