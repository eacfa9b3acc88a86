"""``matcher simulate``: officers, persons and employers played day by day over the database.

Each simulated day a number of officer sessions take place. A session picks a person who is out
(released or on probation, released by that day) and not working, asks the engine for the
person's top 10 vacancies (and courses for those who want training, shelters for those who need
housing), and refers the person to one to three of them with a position bias: rank r is chosen
with weight 1 / r^0.8. What follows each referral is decided by the hidden world
(``simulator.world``) and written as outcome events dated in order and never after
``today``: what is still pending at ``today`` is not written yet.

The engine is rebuilt (and the persons' cached lists dropped) every ``REBUILD_DAYS`` simulated
days, or at once when the active model version changes. Events are written in bulk, in the
caller's transaction; an event already stored (same person, item, event, date) is skipped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from matcher.profile import Person
from service.store import tables as models
from service.store.protect import Protector
from service.store.rows import person
from simulator.officers import Play, write_events
from simulator.pairs import PersonState
from simulator.report import SimulationReport
from simulator.world import World

__all__ = ["PERSONS_PER_SESSION", "SimulationReport", "simulate", "write_events"]

PERSONS_PER_SESSION = 40
"""By default a day has one session per this many persons."""


def simulate(
    session: Session,
    *,
    days: int,
    seed: int = 0,
    today: date,
    sessions_per_day: int | None = None,
    protector: Protector,
    prefilter: int | None = None,
    progress: Callable[[date, SimulationReport], None] | None = None,
) -> SimulationReport:
    """Play ``days`` days up to ``today`` (inclusive) and write the events; commits.

    ``prefilter`` narrows the engine's exact scoring to that many pre-scored items (faster
    lists for large benchmark runs; None keeps the engine's own setting, as served)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    started = time.perf_counter()
    start = today - timedelta(days - 1)
    rows = session.scalars(sa.select(models.Person).order_by(col(models.Person.person_id)))
    everyone = [person(row, protector, start) for row in rows]  # as of the run, not the clock
    quota = session.scalars(
        sa.select(col(models.Vacancy.employer_bin)).where(col(models.Vacancy.is_quota)).distinct()
    )
    world = World(seed, quota_employers=frozenset(quota))
    report = SimulationReport(start=start, end=today, seed=seed)
    play = Play(
        session,
        seed=seed,
        today=today,
        persons=everyone,
        world=world,
        report=report,
        prefilter=prefilter,
    )
    per_day = sessions_per_day or max(1, round(len(everyone) / PERSONS_PER_SESSION))
    waiting = sorted(
        (_out_on(p, start), p.person_id) for p in everyone if _out_on(p, start) is not None
    )
    by_id = {p.person_id: p for p in everyone}
    out: list[Person] = []
    next_out = 0
    for offset in range(days):
        day = start + timedelta(offset)
        while next_out < len(waiting) and waiting[next_out][0] <= day:  # type: ignore[operator]
            out.append(_released(by_id[waiting[next_out][1]]))
            next_out += 1
        report.days += 1
        play.new_day(day)
        if out:
            for _ in range(per_day):
                who = _pick_person(play.rng, out, play.states, day)
                if who is not None:
                    play.session_with(who, day)
        if progress is not None and (day.day == 1 or offset == days - 1):
            report.seconds = time.perf_counter() - started
            progress(day, report)
    play.flush()
    session.commit()
    for key, values in play.success.items():
        mean = sum(values) / len(values) if values else None
        setattr(report, f"true_success_{key}", mean)
    report.seconds = time.perf_counter() - started
    return report


def _out_on(who: Person, start: date) -> date | None:
    """The first day the person can be referred (None: never, within any run)."""
    if who.status == "probation":
        return who.release_date or start
    if who.release_date is None:
        return start if who.status == "released" else None
    return who.release_date


def _released(who: Person) -> Person:
    """A person in custody whose release day has come is released."""
    if who.status != "in_custody":
        return who
    return replace(who, status="released", probation_kind="post_penitentiary")


def _pick_person(
    rng: random.Random, out: list[Person], states: dict[str, PersonState], day: date
) -> Person | None:
    """A person out and not working; None when a few draws find only working people."""
    for _ in range(8):
        who = out[rng.randrange(len(out))]
        if not states[who.person_id].employed_on(day):
            return who
    return None
