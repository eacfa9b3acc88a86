"""The officers and employers played over the database, one session at a time: a person's lists
from the engine (rebuilt every ``REBUILD_DAYS`` days or when the model changes), referrals
chosen with a position bias, what the hidden world makes of them, and the events written in
bulk. ``simulator.play`` runs the days."""

from __future__ import annotations

import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from matcher.engine import Engine, Recommendation
from matcher.features.pairs import PersonView, shelter_pair
from matcher.profile import Course, Person, Shelter, Vacancy
from service.store import tables as models
from service.store.modelstore import active_version
from service.store.rows import load_engine
from simulator.chances import pick
from simulator.pairs import (
    CourseFit,
    Event,
    JobFit,
    PersonState,
    course_fit,
    job_fit,
)
from simulator.report import SimulationReport
from simulator.world import World

REBUILD_DAYS = 30
LIST_LIMIT = 10
LIST_DEPTH = 30
"""Vacancies kept per person and engine: the officer is shown the best ``LIST_LIMIT`` of them
that the person was not yet referred to."""
POSITION_BIAS = 0.8
"""Rank r of a list is chosen with weight 1 / r^POSITION_BIAS."""
REFERRALS_PER_SESSION = ((1, 0.4), (2, 0.35), (3, 0.25))
COURSE_SHARE = 0.5
"""Of the sessions of a person who wants training (and is in no course), the share that also
refers to a course."""
SHELTER_SHARE = 0.7
CHUNK = 5000
SOURCE = "simulated"
_T = TypeVar("_T")


@dataclass
class Lists:
    """A person's lists from one engine, with what the world needs of each item."""

    view: PersonView
    vacancies: list[tuple[Recommendation, JobFit]]
    courses: list[tuple[Recommendation, CourseFit]] | None = None
    shelters: list[tuple[Recommendation, Shelter, float]] | None = None


class Play:
    """The state of one run."""

    def __init__(
        self,
        session: Session,
        *,
        seed: int,
        today: date,
        persons: list[Person],
        world: World,
        report: SimulationReport,
        prefilter: int | None = None,
    ) -> None:
        self.session = session
        self.prefilter = prefilter
        self.today = today
        self.rng = random.Random(seed)
        self.world = world
        self.report = report
        self.persons = persons
        self.states: dict[str, PersonState] = {p.person_id: PersonState() for p in persons}
        self.hires: Counter[str] = Counter()
        self.stays: dict[str, list[tuple[date, date]]] = defaultdict(list)
        self.engine: Engine | None = None
        self.built: date | None = None
        self.version: str | None = None
        self.lists: dict[str, Lists] = {}
        self.buffer: list[Event] = []
        self.success: dict[str, list[float]] = {"top3": [], "rest": []}

    # -- the engine and its lists ---------------------------------------------------------------

    def new_day(self, day: date) -> None:
        """Drop the engine when it is ``REBUILD_DAYS`` old or another model became active."""
        version = active_version(self.session)
        stale = self.built is None or (day - self.built).days >= REBUILD_DAYS
        if stale or version != self.version:
            self.engine = None
            self.version = version

    def engine_for(self, day: date) -> Engine:
        if self.engine is None:
            self.flush()  # congestion counts the referrals made so far
            self.engine = load_engine(self.session, today=day)
            if self.prefilter is not None:
                self.engine.prefilter = self.prefilter
            self.built = day
            self.lists.clear()
            self.report.engine_builds += 1
            if self.engine.model_version not in self.report.model_versions:
                self.report.model_versions.append(self.engine.model_version)
        return self.engine

    def lists_of(self, engine: Engine, who: Person) -> Lists:
        found = self.lists.get(who.person_id)
        if found is None:
            view = engine.view(who)
            vacancies = [
                (rec, job_fit(engine, view, _as(Vacancy, engine.item("vacancy", rec.id))))
                for rec in engine.recommend(who, "vacancy", limit=LIST_DEPTH)
            ]
            found = self.lists[who.person_id] = Lists(view, vacancies)
        return found

    def courses_of(self, engine: Engine, lists: Lists) -> list[tuple[Recommendation, CourseFit]]:
        if lists.courses is None:
            view = lists.view
            lists.courses = [
                (rec, course_fit(engine, view, _as(Course, engine.item("course", rec.id))))
                for rec in engine.recommend(view.person, "course", limit=LIST_LIMIT)
            ]
        return lists.courses

    def shelters_of(
        self, engine: Engine, lists: Lists
    ) -> list[tuple[Recommendation, Shelter, float]]:
        if lists.shelters is None:
            view = lists.view
            found = []
            for rec in engine.recommend(view.person, "shelter", limit=LIST_LIMIT):
                shelter = _as(Shelter, engine.item("shelter", rec.id))
                found.append((rec, shelter, shelter_pair(view, shelter).values["services"]))
            lists.shelters = found
        return lists.shelters

    # -- one session ----------------------------------------------------------------------------

    def session_with(self, who: Person, day: date) -> None:
        engine = self.engine_for(day)
        state = self.states[who.person_id]
        lists = self.lists_of(engine, who)
        self.report.sessions += 1
        version = engine.model_version
        vacancies = [
            entry for entry in lists.vacancies if ("vacancy", entry[0].id) not in state.referred
        ][:LIST_LIMIT]
        if not state.employed_on(day) and vacancies:
            truth = [self.world.hidden_success(who, fit, state, day=day) for _, fit in vacancies]
            self.success["top3"].extend(truth[:3])
            self.success["rest"].extend(truth[3:])
            count = pick(self.rng, REFERRALS_PER_SESSION)
            for rank in self.choose(vacancies, count, state, "vacancy"):
                rec, fit = vacancies[rank - 1]
                self.refer(who, "vacancy", rec, rank, day, version)
                capacity = _capacity(engine, self.world.seed, fit)
                events = self.world.play_vacancy(
                    self.rng, who, fit, state, day, filled=self.hires[fit.vacancy_id] >= capacity
                )
                if any(e.event == "hired" for e in events):
                    self.hires[fit.vacancy_id] += 1
                self.emit(events)
        in_course = state.in_course_until is not None and day < state.in_course_until
        if who.wants_training and not in_course and self.rng.random() < COURSE_SHARE:
            courses = self.courses_of(engine, lists)
            for rank in self.choose(courses, 1, state, "course"):
                rec, course = courses[rank - 1]
                self.refer(who, "course", rec, rank, day, version)
                self.emit(self.world.play_course(self.rng, who, course, state, day))
        housed = any(start <= day < end + timedelta(30) for start, end in state.stays)
        if who.need_housing and not housed and self.rng.random() < SHELTER_SHARE:
            shelters = self.shelters_of(engine, lists)
            for rank in self.choose(shelters, 1, state, "shelter"):
                rec, shelter, services = shelters[rank - 1]
                self.refer(who, "shelter", rec, rank, day, version)
                stays = self.stays[shelter.shelter_id]
                free = shelter.free_beds > sum(1 for a, b in stays if a <= day < b)
                events = self.world.play_shelter(
                    self.rng, who, shelter, services, state, day, free=free
                )
                if events:
                    stays.append((events[0].date, events[-1].date))
                self.emit(events)

    def choose(
        self, items: Sequence[tuple[Any, ...]], count: int, state: PersonState, kind: str
    ) -> list[int]:
        """Ranks (1-based) the officer refers to: position-biased, never an item twice."""
        ranks = [
            r for r, entry in enumerate(items, start=1) if (kind, entry[0].id) not in state.referred
        ]
        chosen: list[int] = []
        weights = [1.0 / r**POSITION_BIAS for r in ranks]
        while ranks and len(chosen) < count:
            k = self.rng.choices(range(len(ranks)), weights=weights)[0]
            chosen.append(ranks.pop(k))
            weights.pop(k)
            state.referred.add((kind, items[chosen[-1] - 1][0].id))
        return sorted(chosen)

    def refer(
        self, who: Person, kind: str, rec: Recommendation, rank: int, day: date, version: str
    ) -> None:
        self.report.referrals[kind] += 1
        referred = Event(
            who.person_id, kind, rec.id, "referred", day, rank=rank, score=rec.score,
            model_version=version,
        )  # fmt: skip
        self.emit([referred])

    def emit(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.date > self.today:
                break  # what follows is later still: pending at today
            self.report.events[event.item_kind][event.event] += 1
            self.buffer.append(event)

    def flush(self) -> None:
        if not self.buffer:
            return
        rows = [
            {
                "person_id": e.person_id,
                "item_kind": e.item_kind,
                "item_id": e.item_id,
                "event": e.event,
                "date": e.date,
                "reason": e.reason,
                "contract_months": e.contract_months,
                "source": SOURCE,
                "rank": e.rank,
                "score": None if e.score is None else round(e.score, 6),
                "model_version": e.model_version,
            }
            for e in self.buffer
        ]
        self.report.written += write_events(self.session, rows)
        self.buffer.clear()


def write_events(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert outcome events in chunks, skipping any already stored (the unique key)."""
    table = models.OutcomeEvent.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing()
    for start in range(0, len(rows), CHUNK):
        session.execute(statement, list(rows[start : start + CHUNK]))
    return len(rows)


def _capacity(engine: Engine, seed: int, fit: JobFit) -> int:
    """Openings of a vacancy: its quota slots, or 1–3 (hidden) for an ordinary one."""
    if fit.is_quota:
        vacancy = _as(Vacancy, engine.item("vacancy", fit.vacancy_id))
        return max(1, vacancy.quota_slots)
    return 1 + zlib.crc32(f"{seed}|{fit.vacancy_id}".encode()) % 3


def _as(kind: type[_T], item: object) -> _T:
    assert isinstance(item, kind)
    return item
