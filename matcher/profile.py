"""The engine's inputs: plain, immutable records of a person and of the items they can be
matched to. The service builds them from database rows; tests and benchmarks build them
directly. Nothing here knows about databases or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from catalogs.enums import EDUCATION_LEVELS

_EDUCATION_RANK = {level: rank for rank, level in enumerate(EDUCATION_LEVELS)}


def education_rank(level: str | None) -> int | None:
    """0 for ``none`` up to 5 for ``higher``; None when unknown."""
    return None if level is None else _EDUCATION_RANK[level]


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    kato: str
    lat: float
    lon: float
    status: str
    probation_kind: str | None = None
    release_date: date | None = None
    institution: str | None = None
    """Sensitive: for the inspector's plan, never shown to employers."""
    birth_year: int | None = None
    sex: str | None = None
    education: str | None = None
    professions: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    experience_years: float = 0.0
    languages: tuple[str, ...] = ()
    has_driving_licence: bool = False
    need_housing: bool = False
    need_documents: bool = False
    need_medical_commission: bool = False
    need_psychological: bool = False
    need_addiction_treatment: bool = False
    need_legal_aid: bool = False
    has_disability: bool = False
    civil_claim_kzt: int = 0
    family_ties: str | None = None
    offence_category: str | None = None
    """Sensitive: used by eligibility only, never in a reason text."""
    wants_training: bool = False
    relocation_ok: bool = False
    max_commute_km: float = 30.0
    consent_employer_view: bool = False
    confirmed_occupation: str | None = None
    """An ISCO-08 unit group an officer confirmed: certain, and it wins over the reading of
    ``confirmed_text`` (the written profession it answers)."""
    confirmed_text: str | None = None

    def age(self, today: date) -> int | None:
        return None if self.birth_year is None else today.year - self.birth_year


@dataclass(frozen=True, slots=True)
class Vacancy:
    vacancy_id: str
    employer_bin: str
    title: str
    kato: str
    lat: float
    lon: float
    employer_name: str | None = None
    occupation_code: str | None = None
    occupation_nkz: str | None = None
    """Kazakhstan's NKZ occupation when the employer gave one (shown; the engine reads ISCO)."""
    skills: tuple[str, ...] = ()
    education_min: str = "none"
    experience_min_years: float = 0.0
    salary_kzt: int | None = None
    is_quota: bool = False
    quota_slots: int = 0
    quota_from: date | None = None
    excluded_offences: tuple[str, ...] = ()
    provides_housing: bool = False
    employment_type: str = "full"
    status: str = "open"


@dataclass(frozen=True, slots=True)
class Course:
    course_id: str
    programme: str
    title: str
    provider: str | None = None
    skills: tuple[str, ...] = ()
    occupation_codes: tuple[str, ...] = ()
    format: str = "offline"
    languages: tuple[str, ...] = ("ru",)
    hours: int | None = None
    kato: str | None = None
    lat: float | None = None
    lon: float | None = None
    education_min: str = "none"
    seats: int | None = None
    """Seats left; None means unlimited."""
    starts_on: date | None = None
    cost_kzt: int = 0
    available_in_custody: bool = False


@dataclass(frozen=True, slots=True)
class Shelter:
    shelter_id: str
    name: str
    kato: str
    lat: float
    lon: float
    capacity: int
    occupied: int = 0
    max_stay_days: int = 180
    accepts: str = "all"
    min_age: int = 18
    services: tuple[str, ...] = ()
    admits_substance_use: bool = False

    @property
    def free_beds(self) -> int:
        return max(0, self.capacity - self.occupied)


Item = Vacancy | Course | Shelter
