"""What the hidden world sees of a referral: a person's fit to a job or a course (computed by
the engine's own feature code, ``job_fit``, ``course_fit``), the person's state as the
simulation goes on, and the events it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from matcher.engine import Engine
from matcher.features.pairs import PersonView, course_pair, vacancy_pair
from matcher.profile import Course, Vacancy


# the documented reason codes (catalogs/enums.py), the world draws from them
@dataclass(frozen=True)
class JobFit:
    """What the world looks at in a (person, vacancy) pair (the same quantities the features
    describe; the world adds the hidden employer)."""

    vacancy_id: str
    employer_bin: str
    code: str | None
    occupation: float
    skills: float
    km: float
    commute_km: float
    salary_above_median: bool
    provides_housing: bool
    is_quota: bool


@dataclass(frozen=True)
class CourseFit:
    course_id: str
    codes: tuple[str, ...]
    relevance: float
    reach: float
    timing: float
    paid: bool
    hours: int | None
    starts_on: date | None


@dataclass
class PersonState:
    """What the world remembers of a person between referrals."""

    employed_until: date | None = None
    """The person is not referred to jobs before this day (a job, or a hire on its way)."""
    in_course_until: date | None = None
    stays: list[tuple[date, date]] = field(default_factory=list)
    """Shelter stays: admitted, left."""
    completed: list[tuple[date, frozenset[str]]] = field(default_factory=list)
    """Courses completed: the day, the occupations they lead to."""
    referred: set[tuple[str, str]] = field(default_factory=set)

    def employed_on(self, day: date) -> bool:
        return self.employed_until is not None and day < self.employed_until

    def sheltered_on(self, day: date) -> bool:
        return any(start <= day < end for start, end in self.stays)

    def course_leads_to(self, code: str | None, day: date) -> bool:
        return code is not None and any(
            done <= day and code in codes for done, codes in self.completed
        )


@dataclass(frozen=True)
class Event:
    person_id: str
    item_kind: str
    item_id: str
    event: str
    date: date
    reason: str | None = None
    contract_months: int | None = None
    rank: int | None = None
    score: float | None = None
    model_version: str | None = None


# -- what the world reads of the engine's catalogs ------------------------------------------------


def job_fit(engine: Engine, view: PersonView, vacancy: Vacancy) -> JobFit:
    """The world's view of a (person, vacancy) pair, from the engine's own feature code."""
    index = engine.vacancies
    job = index.view(index.position[vacancy.vacancy_id])
    median = index.median_salary.get(vacancy.kato[:2])
    pair = vacancy_pair(view, job, regional_median=median)
    salary = vacancy.salary_kzt
    return JobFit(
        vacancy_id=vacancy.vacancy_id,
        employer_bin=vacancy.employer_bin,
        code=job.code,
        occupation=pair.values["occupation"],
        skills=pair.values["skills"],
        km=float(pair.facts["km"]),
        commute_km=view.person.max_commute_km,
        salary_above_median=salary is not None and median is not None and salary > median,
        provides_housing=vacancy.provides_housing,
        is_quota=vacancy.is_quota,
    )


def course_fit(engine: Engine, view: PersonView, course: Course) -> CourseFit:
    gap = engine.vacancies.quota_gap.get(view.person.kato[:2], {})
    pair = course_pair(view, course, today=engine.today, gap_codes=gap)
    return CourseFit(
        course_id=course.course_id,
        codes=course.occupation_codes,
        relevance=pair.values["relevance"],
        reach=pair.values["reach"],
        timing=pair.values["timing"],
        paid=course.cost_kzt > 0,
        hours=course.hours,
        starts_on=course.starts_on,
    )
