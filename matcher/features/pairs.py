"""The features of one (person, item) pair, by kind of item: each a number in [0, 1], in a
fixed order (the columns the rankers see), plus the facts the explanations quote."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.features.fit import (
    RELOCATION_SCALE_KM,
    UNKNOWN_EDUCATION,
    UNKNOWN_SALARY,
    education_fit,
    experience_fit,
    proximity,
    salary_fit,
)
from matcher.features.geo import haversine_km
from matcher.features.occupation import (
    ENTRY_LEVEL_FOR_ANYONE,
    ENTRY_LEVEL_WITHOUT_TRADE,
    SAME_CODE,
    SAME_MINOR_GROUP,
    SAME_SUB_MAJOR_GROUP,
    occupation_fit,
    skill_keys,
    skill_overlap,
    skill_words,
)
from matcher.features.origin import AT_HOME, Origin, shelter_origin
from matcher.profile import Course, Person, Shelter, Vacancy, education_rank

VACANCY_FEATURES = (
    "occupation",
    "skills",
    "proximity",
    "quota",
    "housing",
    "education",
    "experience",
    "salary",
    "urgency",
)
COURSE_FEATURES = ("relevance", "reach", "timing", "language", "cost", "seats")
SHELTER_FEATURES = ("proximity", "beds", "stay", "services")
FEATURES: dict[str, tuple[str, ...]] = {
    "vacancy": VACANCY_FEATURES,
    "candidate": VACANCY_FEATURES,
    "course": COURSE_FEATURES,
    "shelter": SHELTER_FEATURES,
}
SHELTER_NEAR_JOB_KM = 50.0
NEEDS_SERVED_BY: dict[str, str] = {
    "need_psychological": "psychologist",
    "need_legal_aid": "legal",
    "need_medical_commission": "medical",
    "need_addiction_treatment": "addiction",
    "need_documents": "documents",
}


@dataclass(frozen=True)
class PersonView:
    """What the features need of a person, worked out once per query."""

    person: Person
    codes: Mapping[str, float]
    """ISCO-08 codes read from the person's professions, with confidence."""
    sources: Mapping[str, str]
    """For each code, the profession as the person wrote it."""
    skills: frozenset[str]
    urgency: float
    origin: Origin = AT_HOME
    """Where the distances to jobs and courses start (``features.origin``): ``person`` is
    placed there."""
    home: Person | None = None
    """The person as the profile places them, when ``person`` was placed at a centre."""

    @functools.cached_property
    def skill_words(self) -> dict[str, str]:
        """Each of ``skills`` with the person's own wording, worked out once per view (a
        list's reasons quote it for every job whose skills the person shares)."""
        return skill_words(self.person.skills)

    @property
    def resident(self) -> Person:
        """The person where the profile places them (what a shelter list measures from)."""
        return self.home or self.person

    @classmethod
    def of(
        cls, person: Person, codes: Mapping[str, float], sources: Mapping[str, str], today: date
    ) -> PersonView:
        return cls(person, codes, sources, skill_keys(person.skills), urgency(person, today))


@dataclass(frozen=True)
class VacancyView:
    """A vacancy with its occupation as understood (given, or read from the title)."""

    vacancy: Vacancy
    code: str | None
    code_confidence: float
    entry_level: bool
    skills: frozenset[str]
    quota_open: bool
    quota_until: date | None


@dataclass
class Pair:
    """Feature values (by name) and the facts behind them."""

    values: dict[str, float]
    facts: dict[str, Any] = field(default_factory=dict)

    def vector(self, names: tuple[str, ...]) -> list[float]:
        return [self.values[name] for name in names]


def urgency(person: Person, today: date) -> float:
    """How pressing help is (DOMAIN.md: the first 3–6 months after release matter most)."""
    release = person.release_date
    if person.status == "released" and release is not None:
        days = (today - release).days
        return 1.0 if days <= 183 else 0.75 if days <= 365 else 0.5
    if person.status == "in_custody" and release is not None:
        days = (release - today).days
        return 0.9 if days <= 90 else 0.65 if days <= 365 else 0.3
    return 0.6


def vacancy_pair(
    person: PersonView,
    job: VacancyView,
    *,
    km: float | None = None,
    regional_median: float | None = None,
    shelter_near: Callable[[float, float], tuple[int, float] | None] | None = None,
) -> Pair:
    p, v = person.person, job.vacancy
    km = haversine_km(p.lat, p.lon, v.lat, v.lon) if km is None else km
    fit, source = occupation_fit(person.codes, job.code, entry_level=job.entry_level)
    facts: dict[str, Any] = {
        "km": km,
        "origin": person.origin,
        "occupation_source": source,
        "code": job.code,
        "profession": person.sources.get(source) if source else None,
    }
    housing = 1.0
    if p.need_housing:
        housing = 0.0
        if v.provides_housing:
            housing = 1.0
            facts["employer_housing"] = True
        elif shelter_near is not None and (near := shelter_near(v.lat, v.lon)) is not None:
            housing = 0.7
            facts["shelter_near_job"] = near
    if job.quota_open:
        facts["quota_slots"] = v.quota_slots
        facts["quota_until"] = job.quota_until
    values = {
        "occupation": fit * (job.code_confidence if source is not None else 1.0),
        "skills": skill_overlap(person.skills, job.skills),
        "proximity": proximity(km, p.max_commute_km, relocation_ok=p.relocation_ok),
        "quota": 1.0 if job.quota_open else 0.0,
        "housing": housing,
        "education": education_fit(p.education, v.education_min),
        "experience": experience_fit(p.experience_years, v.experience_min_years),
        "salary": salary_fit(v.salary_kzt, regional_median),
        "urgency": person.urgency,
    }
    if common := person.skills & job.skills:
        facts["matched_skills"] = [w for k, w in person.skill_words.items() if k in common]
    return Pair(values, facts)


NO_CODE = -1
"""An occupation code that stands for "none" in a column of codes."""


@dataclass(frozen=True)
class VacancyFeatureColumns:
    """The columns of many vacancies that their features read (one entry per vacancy, in the
    same order): what ``vacancy_features`` computes at once."""

    code: npt.NDArray[np.int64]
    """The occupation code as a number (``NO_CODE``: none understood)."""
    code_confidence: npt.NDArray[np.float64]
    entry: npt.NDArray[np.bool_]
    quota_open: npt.NDArray[np.bool_]
    education_need: npt.NDArray[np.int64]
    """``education_rank`` of the required education (-1: unknown)."""
    experience_need: npt.NDArray[np.float64]
    salary: npt.NDArray[np.float64]
    """NaN where the vacancy names no salary."""
    regional_median: npt.NDArray[np.float64]
    """The median salary of the vacancy's region (NaN where there is none)."""
    provides_housing: npt.NDArray[np.bool_]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    skills: Sequence[frozenset[str]]


def _four_digits(code: str) -> bool:
    return len(code) == 4 and code.isdigit()


def vacancy_features(
    person: PersonView,
    columns: VacancyFeatureColumns,
    *,
    km: npt.NDArray[np.float64],
    shelter_near: Callable[[float, float], tuple[int, float] | None] | None = None,
) -> dict[str, npt.NDArray[np.float64]]:
    """``vacancy_pair``'s values for many vacancies at once (the same numbers: each column is
    the feature of that name, one entry per vacancy); ``km`` is each vacancy's distance."""
    p, n = person.person, len(km)
    codes = columns.code
    if all(_four_digits(code) for code in person.codes):
        best = np.zeros(n)
        for mine, confidence in person.codes.items():
            value = int(mine)
            fit = np.where(
                codes == value,
                SAME_CODE,
                np.where(
                    codes // 10 == value // 10,
                    SAME_MINOR_GROUP,
                    np.where(codes // 100 == value // 100, SAME_SUB_MAJOR_GROUP, 0.0),
                ),
            )
            best = np.maximum(best, np.where(codes >= 0, fit * confidence, 0.0))
    else:  # a code written otherwise: compare as text, one vacancy at a time
        best = np.array(
            [
                occupation_fit(person.codes, None if c < 0 else f"{c:04d}", entry_level=False)[0]
                for c in codes.tolist()
            ]
        )
    floor = ENTRY_LEVEL_WITHOUT_TRADE if not person.codes else ENTRY_LEVEL_FOR_ANYONE
    occupation = np.where(
        columns.entry & (floor > best), floor, best * np.where(best > 0, columns.code_confidence, 1)
    )
    reach = max(p.max_commute_km, 5.0)
    near = 1.0 - 0.7 * km / reach
    far = [
        0.25 * math.exp(-d / RELOCATION_SCALE_KM) if p.relocation_ok else 0.0
        for d in km[km > reach].tolist()
    ]
    closeness = near.copy()
    closeness[km > reach] = far
    housing = np.ones(n)
    if p.need_housing:
        housing = np.where(columns.provides_housing, 1.0, 0.0)
        if shelter_near is not None:
            for k in np.flatnonzero(~columns.provides_housing).tolist():
                if shelter_near(float(columns.lat[k]), float(columns.lon[k])) is not None:
                    housing[k] = 0.7
    rank = education_rank(p.education)
    if rank is None:
        education = np.full(n, UNKNOWN_EDUCATION)
    else:
        gap = columns.education_need - rank
        education = np.where(
            columns.education_need < 0,
            UNKNOWN_EDUCATION,
            np.where(gap <= 0, 1.0, np.where(gap == 1, 0.5, 0.0)),
        )
    need = columns.experience_need
    with np.errstate(divide="ignore", invalid="ignore"):
        experience = np.where(
            (need <= 0) | (p.experience_years >= need),
            1.0,
            np.maximum(0.0, p.experience_years / need),
        )
        median = columns.regional_median
        known = ~np.isnan(columns.salary) & ~np.isnan(median) & (median != 0)
        salary = np.where(
            known,
            np.minimum(1.0, np.maximum(0.0, (columns.salary / median - 0.6) / 0.8)),
            UNKNOWN_SALARY,
        )
    have = person.skills
    skills = np.array([0.5 if not s else len(have & s) / len(s) for s in columns.skills])
    return {
        "occupation": occupation,
        "skills": skills.reshape(n),
        "proximity": closeness,
        "quota": np.where(columns.quota_open, 1.0, 0.0),
        "housing": housing,
        "education": education,
        "experience": experience,
        "salary": salary,
        "urgency": np.full(n, person.urgency),
    }


def course_pair(
    person: PersonView,
    course: Course,
    *,
    today: date,
    gap_codes: Mapping[str, int],
) -> Pair:
    """``gap_codes``: occupations with open quota slots in the person's region (code → slots)."""
    p = person.person
    facts: dict[str, Any] = {}
    relevance = 0.4 if not course.occupation_codes else 0.3
    for code in course.occupation_codes:
        if code in person.codes:
            score = 0.8 * person.codes[code]
            if score > relevance:
                relevance, facts["leads_to_own"] = score, code
        elif code in gap_codes:
            score = 0.5 + 0.4 * min(1.0, gap_codes[code] / 10)
            if score > relevance:
                relevance, facts["gap"] = score, (code, gap_codes[code])
                facts.pop("leads_to_own", None)
    if not course.occupation_codes:
        facts["general"] = True
    in_custody = p.status == "in_custody"
    if in_custody and course.available_in_custody:
        reach = 1.0
        facts["in_custody"] = True
    elif course.format == "online" or course.lat is None or course.lon is None:
        reach = 0.9
        facts["online"] = True
    else:
        km = haversine_km(p.lat, p.lon, course.lat, course.lon)
        reach = proximity(km, p.max_commute_km, relocation_ok=p.relocation_ok)
        facts["km"], facts["origin"] = km, person.origin
    anchor = today
    if in_custody and p.release_date is not None and not course.available_in_custody:
        anchor = p.release_date
    timing = 0.7
    if course.starts_on is not None:
        facts["starts_on"] = course.starts_on
        wait = (course.starts_on - anchor).days
        timing = 1.0 if -14 <= wait <= 60 else 0.6 if wait <= 180 else 0.3
        if in_custody and course.available_in_custody and p.release_date is not None:
            timing = 1.0 if course.starts_on < p.release_date - timedelta(30) else 0.5
    if course.cost_kzt == 0:
        facts["free"] = True
    if course.seats is not None:
        facts["seats"] = course.seats
    values = {
        "relevance": relevance,
        "reach": reach,
        "timing": timing,
        "language": 1.0,
        "cost": 1.0 if course.cost_kzt == 0 else 0.3,
        "seats": 1.0 if course.seats is None else min(1.0, course.seats / 5),
    }
    return Pair(values, facts)


def shelter_pair(person: PersonView, shelter: Shelter) -> Pair:
    """Measured from where the profile places the person (``PersonView.resident``)."""
    p = person.resident
    km = haversine_km(p.lat, p.lon, shelter.lat, shelter.lon)
    needs = [service for need, service in NEEDS_SERVED_BY.items() if getattr(p, need)]
    served = [service for service in needs if service in shelter.services]
    services = len(served) / len(needs) if needs else min(1.0, 0.5 + len(shelter.services) / 12)
    values = {
        "proximity": max(0.0, 1.0 - km / 400),
        "beds": min(1.0, shelter.free_beds / 5),
        "stay": min(1.0, shelter.max_stay_days / 180),
        "services": services,
    }
    facts: dict[str, Any] = {
        "km": km,
        "origin": shelter_origin(p),
        "beds": shelter.free_beds,
        "stay_days": shelter.max_stay_days,
        "served": served,
    }
    return Pair(values, facts)
