"""Engine inputs straight from the synthetic demo generator, without a database: for the
benchmark at national scale and for the golden shortlists (the service builds the same
records from its tables)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from catalogs.demo import DemoData
from catalogs.enums import STATUS_PROBATION_KINDS
from catalogs.reference.places import places
from matcher.profile import Course, Person, Shelter, Vacancy


def _place(row: Mapping[str, Any]) -> tuple[float, float] | tuple[None, None]:
    kato = row.get("kato")
    place = places().get(kato) if kato else None
    return (place.lat, place.lon) if place is not None else (None, None)


def _rows(rows: Iterator[dict[str, object]]) -> Iterator[dict[str, Any]]:
    """The demo's rows, typed loosely: their columns are checked by the import schemas."""
    yield from rows


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def vacancies(data: DemoData) -> Iterator[Vacancy]:
    for row in _rows(data.vacancies()):
        lat, lon = _place(row)
        assert lat is not None
        assert lon is not None
        yield Vacancy(
            vacancy_id=row["vacancy_id"],
            employer_bin=row["employer_bin"],
            title=row["title"],
            kato=row["kato"],
            lat=lat,
            lon=lon,
            employer_name=row.get("employer_name"),
            occupation_code=row.get("occupation_code"),
            skills=_tuple(row.get("skills")),
            education_min=row.get("education_min") or "none",
            experience_min_years=float(row.get("experience_min_years") or 0),
            salary_kzt=row.get("salary_kzt"),
            is_quota=bool(row.get("is_quota")),
            quota_slots=int(row.get("quota_slots") or 0),
            quota_from=row.get("quota_from"),
            excluded_offences=_tuple(row.get("excluded_offences")),
            provides_housing=bool(row.get("provides_housing")),
            employment_type=row.get("employment_type") or "full",
            status=row.get("status") or "open",
        )


def courses(data: DemoData) -> Iterator[Course]:
    for row in _rows(data.courses()):
        lat, lon = _place(row)
        yield Course(
            course_id=row["course_id"],
            programme=row["programme"],
            title=row["title"],
            provider=row.get("provider"),
            skills=_tuple(row.get("skills")),
            occupation_codes=_tuple(row.get("occupation_codes")),
            format=row.get("format") or "offline",
            languages=_tuple(row.get("languages")) or ("ru",),
            hours=row.get("hours"),
            kato=row.get("kato"),
            lat=lat,
            lon=lon,
            education_min=row.get("education_min") or "none",
            seats=row.get("seats"),
            starts_on=row.get("starts_on"),
            cost_kzt=int(row.get("cost_kzt") or 0),
            available_in_custody=bool(row.get("available_in_custody")),
        )


def shelters(data: DemoData) -> Iterator[Shelter]:
    for row in _rows(data.shelters()):
        lat, lon = _place(row)
        assert lat is not None
        assert lon is not None
        yield Shelter(
            shelter_id=row["shelter_id"],
            name=row["name"],
            kato=row["kato"],
            lat=lat,
            lon=lon,
            capacity=int(row["capacity"]),
            occupied=int(row.get("occupied") or 0),
            max_stay_days=int(row.get("max_stay_days") or 180),
            accepts=row.get("accepts") or "all",
            min_age=int(row.get("min_age") or 18),
            services=_tuple(row.get("services")),
            admits_substance_use=bool(row.get("admits_substance_use")),
        )


def persons(data: DemoData) -> Iterator[Person]:
    for row in _rows(data.persons()):
        lat, lon = _place(row)
        assert lat is not None
        assert lon is not None
        status = row["status"]
        yield Person(
            person_id=row["person_id"],
            kato=row["kato"],
            lat=lat,
            lon=lon,
            status=status,
            probation_kind=row.get("probation_kind") or STATUS_PROBATION_KINDS[status][0],
            release_date=row.get("release_date"),
            institution=row.get("institution"),
            birth_year=row.get("birth_year"),
            sex=row.get("sex"),
            education=row.get("education"),
            professions=_tuple(row.get("professions")),
            skills=_tuple(row.get("skills")),
            experience_years=float(row.get("experience_years") or 0),
            languages=_tuple(row.get("languages")),
            has_driving_licence=bool(row.get("has_driving_licence")),
            need_housing=bool(row.get("need_housing")),
            need_documents=bool(row.get("need_documents")),
            need_medical_commission=bool(row.get("need_medical_commission")),
            need_psychological=bool(row.get("need_psychological")),
            need_addiction_treatment=bool(row.get("need_addiction_treatment")),
            need_legal_aid=bool(row.get("need_legal_aid")),
            has_disability=bool(row.get("has_disability")),
            civil_claim_kzt=int(row.get("civil_claim_kzt") or 0),
            family_ties=row.get("family_ties"),
            offence_category=row.get("offence_category"),
            wants_training=bool(row.get("wants_training")),
            relocation_ok=bool(row.get("relocation_ok")),
            max_commute_km=float(row.get("max_commute_km") or 30),
            consent_employer_view=bool(row.get("consent_employer_view")),
        )
