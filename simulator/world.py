"""A hidden world for simulated outcomes: what really happens after a referral.

The simulation (``simulator.play``) plays officers who refer people to the items the engine
lists; this module decides, with probabilities the ranker never sees, whether the person is
hired, keeps the job three months, enrols in and completes a course, or is admitted to a
shelter. Everything is deterministic from a seed: hidden traits come from a hash of the seed and
an id, outcomes from the ``random.Random`` the caller hands in.

Hidden traits (never in a feature, learnable only through outcomes):

- an employer's **openness** to people with a record, ``o_e`` in (0, 1): Beta(1.5, 1.5) for
  ordinary employers, Beta(1.2, 2.4) for employers with quota vacancies (many only comply), so the
  baseline's quota bonus is partly misleading;
- a person's **steadiness** in (0, 1): Beta(2, 2);
- a course's **quality** in (0, 1): Beta(2, 2).

The propensities are logistic; their coefficients are in ``simulator.chances`` and are
documented in docs/simulation.md; a pair's fit and a person's state in ``simulator.pairs``. ``hidden_success`` gives the true probability that a referral ends in a
job kept three months: for evaluation (tests, benchmarks) only, never for ranking.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta

from matcher.profile import Person, Shelter
from simulator.chances import (
    ADMIT,
    COMPLETE,
    CONTRACT_MONTHS,
    DROPPED_REASONS,
    ENROL,
    FIRST_MONTHS_DAYS,
    HIRE,
    KEEP,
    LEFT_REASONS,
    QUIT_REASONS,
    REJECTED_REASONS,
    RETENTION_DAYS,
    choose,
    pick,
    seeded,
    sigmoid,
)
from simulator.pairs import CourseFit, Event, JobFit, PersonState, course_fit, job_fit

__all__ = [
    "DROPPED_REASONS", "LEFT_REASONS", "QUIT_REASONS", "REJECTED_REASONS", "CourseFit", "Event",
    "JobFit", "PersonState", "World", "course_fit", "job_fit",
]  # fmt: skip


class World:
    """The hidden world of one seed."""

    def __init__(
        self,
        seed: int,
        *,
        quota_employers: frozenset[str] = frozenset(),
        openness: Mapping[str, float] | None = None,
        steadiness: Mapping[str, float] | None = None,
        quality: Mapping[str, float] | None = None,
    ) -> None:
        """``openness``, ``steadiness`` and ``quality`` fix some traits by id (tests); the
        others are drawn from the seed."""
        self.seed = seed
        self.quota_employers = quota_employers
        self._openness: dict[str, float] = dict(openness or {})
        self._steadiness: dict[str, float] = dict(steadiness or {})
        self._quality: dict[str, float] = dict(quality or {})

    # -- hidden traits ------------------------------------------------------------------------

    def openness(self, employer_bin: str) -> float:
        value = self._openness.get(employer_bin)
        if value is None:
            rng = seeded(self.seed, "employer", employer_bin)
            a, b = self.openness_prior(employer_bin)
            value = self._openness[employer_bin] = min(0.999, max(0.001, rng.betavariate(a, b)))
        return value

    def openness_prior(self, employer_bin: str) -> tuple[float, float]:
        """The Beta distribution an employer's openness is drawn from."""
        return (1.2, 2.4) if employer_bin in self.quota_employers else (1.5, 1.5)

    def steadiness(self, person_id: str) -> float:
        value = self._steadiness.get(person_id)
        if value is None:
            value = self._steadiness[person_id] = seeded(
                self.seed, "person", person_id
            ).betavariate(2, 2)
        return value

    def quality(self, course_id: str) -> float:
        value = self._quality.get(course_id)
        if value is None:
            value = self._quality[course_id] = seeded(self.seed, "course", course_id).betavariate(
                2, 2
            )
        return value

    # -- propensities ---------------------------------------------------------------------------

    def p_hired(self, person: Person, job: JobFit) -> float:
        o = self.openness(job.employer_bin)
        distance = min(3.0, job.km / max(job.commute_km, 5.0))
        closed = max(0.0, 1.0 - 2.0 * o)
        x = (
            HIRE["intercept"]
            + HIRE["occupation"] * job.occupation
            + HIRE["skills"] * job.skills
            + HIRE["distance"] * distance
            + HIRE["openness"] * (o - 0.5)
            + HIRE["violent_closed"] * (person.offence_category == "violent") * closed
            + HIRE["documents"] * person.need_documents
            + HIRE["medical"] * person.need_medical_commission
        )
        return sigmoid(x)

    def housed(self, person: Person, job: JobFit, state: PersonState, day: date) -> bool:
        return not person.need_housing or job.provides_housing or state.sheltered_on(day)

    def p_kept(self, person: Person, job: JobFit, state: PersonState, hired_on: date) -> float:
        """P(kept 3 months | hired on ``hired_on``)."""
        o = self.openness(job.employer_bin)
        released = person.release_date
        early = released is not None and 0 <= (hired_on - released).days < FIRST_MONTHS_DAYS
        x = (
            KEEP["intercept"]
            + KEEP["openness"] * (o - 0.5)
            + KEEP["housed"] * self.housed(person, job, state, hired_on)
            + KEEP["supportive_family"] * (person.family_ties == "supportive")
            + KEEP["no_family"] * (person.family_ties == "none")
            + KEEP["course_match"] * state.course_leads_to(job.code, hired_on)
            + KEEP["salary_above_median"] * job.salary_above_median
            + KEEP["steadiness"] * (self.steadiness(person.person_id) - 0.5)
            + KEEP["addiction"] * person.need_addiction_treatment
            + KEEP["first_two_months"] * early
        )
        return sigmoid(x)

    def p_enrolled(self, course: CourseFit) -> float:
        x = (
            ENROL["intercept"]
            + ENROL["relevance"] * course.relevance
            + ENROL["reach"] * course.reach
            + ENROL["timing"] * course.timing
            + ENROL["paid"] * course.paid
            + ENROL["quality"] * (self.quality(course.course_id) - 0.5)
        )
        return sigmoid(x)

    def p_completed(self, person: Person, course: CourseFit) -> float:
        x = (
            COMPLETE["intercept"]
            + COMPLETE["relevance"] * course.relevance
            + COMPLETE["quality"] * (self.quality(course.course_id) - 0.5)
            + COMPLETE["steadiness"] * (self.steadiness(person.person_id) - 0.5)
            + COMPLETE["addiction"] * person.need_addiction_treatment
            + COMPLETE["wants_training"] * person.wants_training
        )
        return sigmoid(x)

    def p_admitted(self, person: Person, shelter: Shelter, services: float) -> float:
        refused = person.need_addiction_treatment and not shelter.admits_substance_use
        x = ADMIT["intercept"] + ADMIT["services"] * services + ADMIT["substance_refused"] * refused
        return sigmoid(x)

    def hidden_success(
        self, person: Person, job: JobFit, state: PersonState | None = None, *, day: date
    ) -> float:
        """For evaluation only: the TRUE probability that referring ``person`` to ``job`` on
        ``day`` ends in a job kept three months (hired, a contract of 3+ months, kept)."""
        state = state or PersonState()
        long_contract = 1.0 - CONTRACT_MONTHS[0][1]
        hired_on = day + timedelta(10)
        return self.p_hired(person, job) * long_contract * self.p_kept(person, job, state, hired_on)

    # -- playing out one referral ---------------------------------------------------------------

    def play_vacancy(
        self,
        rng: random.Random,
        person: Person,
        job: JobFit,
        state: PersonState,
        day: date,
        *,
        filled: bool = False,
    ) -> list[Event]:
        """The events after a referral on ``day`` (the referral itself excluded), dated in
        order, not yet cut at any horizon. Updates ``state`` when the person is hired."""
        pid, vid = person.person_id, job.vacancy_id
        decided = day + timedelta(rng.randint(2, 21))
        if filled:
            return [Event(pid, "vacancy", vid, "rejected", decided, "position_filled")]
        if state.employed_on(decided) or rng.random() >= self.p_hired(person, job):
            reason = "no_show" if state.employed_on(decided) else self._rejection(rng, person, job)
            return [Event(pid, "vacancy", vid, "rejected", decided, reason)]
        months = pick(rng, CONTRACT_MONTHS)
        hired = Event(pid, "vacancy", vid, "hired", decided, contract_months=months)
        kept = rng.random() < self.p_kept(person, job, state, decided)
        end = decided + timedelta(max(months * 30, RETENTION_DAYS + 1))
        if months == 1:
            last = decided + timedelta(30)
            if not kept:
                last = decided + timedelta(rng.randint(5, 29))
            reason = "contract_ended" if kept else self._quit(rng, person, job, state, decided)
            follow = [Event(pid, "vacancy", vid, "quit", last, reason)]
            end = last
        elif kept:
            follow = [
                Event(pid, "vacancy", vid, "retained_3m", decided + timedelta(RETENTION_DAYS)),
                Event(pid, "vacancy", vid, "quit", end, "contract_ended"),
            ]
        else:
            end = decided + timedelta(min(89, int(rng.triangular(5, 89, 20))))
            reason = self._quit(rng, person, job, state, decided)
            follow = [Event(pid, "vacancy", vid, "quit", end, reason)]
        state.employed_until = end
        return [hired, *follow]

    def play_course(
        self, rng: random.Random, person: Person, course: CourseFit, state: PersonState, day: date
    ) -> list[Event]:
        pid, cid = person.person_id, course.course_id
        if rng.random() >= self.p_enrolled(course):
            return []
        start = day + timedelta(rng.randint(3, 14))
        if course.starts_on is not None and start < course.starts_on <= day + timedelta(60):
            start = course.starts_on
        length = max(7, round((course.hours or 72) / 4 * 7 / 5))
        events = [Event(pid, "course", cid, "enrolled", start)]
        if rng.random() < self.p_completed(person, course):
            done = start + timedelta(length)
            events.append(Event(pid, "course", cid, "completed", done))
            state.completed.append((done, frozenset(course.codes)))
        else:
            done = start + timedelta(rng.randint(1, max(1, length - 1)))
            reason = self._dropped(rng, person, state, done)
            events.append(Event(pid, "course", cid, "dropped", done, reason))
        state.in_course_until = done
        return events

    def play_shelter(
        self,
        rng: random.Random,
        person: Person,
        shelter: Shelter,
        services: float,
        state: PersonState,
        day: date,
        *,
        free: bool,
    ) -> list[Event]:
        pid, sid = person.person_id, shelter.shelter_id
        if not free or rng.random() >= self.p_admitted(person, shelter, services):
            return []
        admitted = day + timedelta(rng.randint(1, 7))
        longest = max(30, min(180, shelter.max_stay_days))
        stay = rng.randint(30, longest)
        left = admitted + timedelta(stay)
        if stay >= longest - 5:
            reason = "stay_ended"
        else:
            reason = choose(
                rng,
                {
                    "housing_found": 3.0 + (person.family_ties == "supportive"),
                    "employed_elsewhere": 2.0,
                    "rules_broken": 0.5 + person.need_addiction_treatment,
                    "relocated": 0.5,
                    "returned_to_custody": 0.3 + 0.5 * (1 - self.steadiness(pid)),
                    "other": 0.5,
                },
            )
        state.stays.append((admitted, left))
        return [
            Event(pid, "shelter", sid, "admitted", admitted),
            Event(pid, "shelter", sid, "left", left, reason),
        ]

    # -- reasons --------------------------------------------------------------------------------

    def rejection_weights(self, person: Person, job: JobFit) -> dict[str, float]:
        """The relative chances of each reason given for a referral not hired."""
        o = self.openness(job.employer_bin)
        closed = max(0.0, 1.0 - 2.0 * o)
        distance = min(3.0, job.km / max(job.commute_km, 5.0))
        return {
            "record_refused": 0.2 + 1.5 * closed + 4.0 * closed * (person.offence_category == "violent"),
            "lacking_skills": 0.3 + 1.5 * (1 - job.skills) * (1 - job.occupation),
            "lacking_documents": 0.1 + 2.0 * person.need_documents,
            "health": 0.15 + 0.8 * person.need_medical_commission,
            "no_show": 0.4 + 0.6 * distance,
            "no_answer": 0.6,
            "position_filled": 0.3,
            "other": 0.3,
        }  # fmt: skip

    def _rejection(self, rng: random.Random, person: Person, job: JobFit) -> str:
        return choose(rng, self.rejection_weights(person, job))

    def _quit(
        self, rng: random.Random, person: Person, job: JobFit, state: PersonState, hired: date
    ) -> str:
        o = self.openness(job.employer_bin)
        released = person.release_date
        early = released is not None and (hired - released).days < FIRST_MONTHS_DAYS
        return choose(
            rng,
            {
                "housing_lost": 0.2 + 2.0 * (not self.housed(person, job, state, hired)),
                "returned_to_custody": 0.2 + 0.8 * early,
                "salary": 0.3 + 1.0 * (not job.salary_above_median),
                "conflict": 0.3 + 1.5 * (1 - o),
                "dismissed": 0.3 + 1.5 * (1 - o),
                "health": 0.2 + 1.0 * person.need_addiction_treatment,
                "family": 0.2 + 0.6 * (person.family_ties != "supportive"),
                "transport": 0.1 + 0.4 * min(3.0, job.km / max(job.commute_km, 5.0)),
                "employed_elsewhere": 0.5,
                "relocated": 0.2,
                "other": 0.3,
            },
        )

    def _dropped(self, rng: random.Random, person: Person, state: PersonState, day: date) -> str:
        return choose(
            rng,
            {
                "employed_elsewhere": 0.3 + 1.5 * state.employed_on(day),
                "housing_lost": 0.1 + 0.6 * person.need_housing,
                "relocated": 0.2,
                "health": 0.2 + 0.8 * person.need_addiction_treatment,
                "family": 0.3,
                "course_too_hard": 0.6,
                "schedule": 0.5,
                "transport": 0.3,
                "returned_to_custody": 0.1,
                "no_show": 0.5,
                "other": 0.3,
            },
        )
