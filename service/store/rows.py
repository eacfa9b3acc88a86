"""Rows to engine inputs: the service's side of the engine.

The engine sees plain records (``matcher.profile``). Here they are built from the database,
with the offence category decrypted for the eligibility rules and the support data
(``service.store.sealed``) for the plans and the needs features; the IIN and the name never
reach the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from matcher import CONGESTION_WINDOW_DAYS as WINDOW_DAYS
from matcher import (
    Congestion,
    Course,
    Engine,
    OccupationMatcher,
    Person,
    PersonIndex,
    Shelter,
    Vacancy,
    occupation_matcher,
)
from service.store import readings as kept_readings
from service.store import tables as models
from service.store.protect import Protector
from service.store.sealed import open_support


class NotFound(LookupError):
    """An id the database does not hold."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(f"{kind} {item_id} not found")
        self.kind = kind
        self.item_id = item_id


Used = tuple[int, int]
"""Places of an item held and taken by referrals."""


def vacancy(row: models.Vacancy, used: Used = (0, 0)) -> Vacancy:
    return Vacancy(
        vacancy_id=row.vacancy_id,
        employer_bin=row.employer_bin,
        title=row.title,
        kato=row.kato,
        lat=row.lat,
        lon=row.lon,
        employer_name=row.employer_name,
        occupation_code=row.occupation_code,
        occupation_nkz=row.occupation_nkz,
        skills=tuple(row.skills),
        education_min=row.education_min,
        experience_min_years=row.experience_min_years,
        salary_kzt=row.salary_kzt,
        is_quota=row.is_quota,
        quota_slots=max(0, row.quota_slots - sum(used)) if row.is_quota else row.quota_slots,
        quota_from=row.quota_from,
        excluded_offences=tuple(row.excluded_offences),
        provides_housing=row.provides_housing,
        employment_type=row.employment_type,
        status="closed" if not row.is_quota and used[1] else row.status,
    )


def course(row: models.Course, used: Used = (0, 0)) -> Course:
    return Course(
        course_id=row.course_id,
        programme=row.programme,
        title=row.title,
        provider=row.provider,
        skills=tuple(row.skills),
        occupation_codes=tuple(row.occupation_codes),
        format=row.format,
        languages=tuple(row.languages) or ("ru",),
        hours=row.hours,
        kato=row.kato,
        lat=row.lat,
        lon=row.lon,
        education_min=row.education_min,
        seats=None if row.seats is None else max(0, row.seats - sum(used)),
        starts_on=row.starts_on,
        cost_kzt=row.cost_kzt,
        available_in_custody=row.available_in_custody,
    )


def shelter(row: models.Shelter, used: Used = (0, 0)) -> Shelter:
    return Shelter(
        shelter_id=row.shelter_id,
        name=row.name,
        kato=row.kato,
        lat=row.lat,
        lon=row.lon,
        capacity=row.capacity,
        occupied=row.occupied + used[0],
        max_stay_days=row.max_stay_days,
        accepts=row.accepts,
        min_age=row.min_age,
        services=tuple(row.services),
        admits_substance_use=row.admits_substance_use,
    )


def effective_status(row: models.Person | sa.Row[Any], today: date) -> tuple[str, str]:
    """Status and probation kind as of ``today``: a person recorded ``in_custody`` whose
    release date has passed is released from that day, before the daily clock records it."""
    if row.status == "in_custody" and row.release_date is not None and row.release_date <= today:
        return "released", "post_penitentiary"
    return row.status, row.probation_kind


def person(
    row: models.Person | sa.Row[Any], protector: Protector, today: date | None = None
) -> Person:
    """The engine's record of a person's row (an ORM row, or its columns as read by
    ``access.person_to_read``)."""
    status, probation_kind = effective_status(row, today or date.today())
    support = open_support(protector, row.support_cipher)
    return Person(
        person_id=row.person_id,
        kato=row.kato,
        lat=row.lat,
        lon=row.lon,
        status=status,
        probation_kind=probation_kind,
        release_date=row.release_date,
        institution=support.institution,
        birth_year=row.birth_year,
        sex=row.sex,
        education=row.education,
        professions=tuple(row.professions),
        skills=tuple(row.skills),
        experience_years=row.experience_years,
        languages=tuple(row.languages),
        has_driving_licence=row.has_driving_licence,
        need_housing=support.need_housing,
        need_documents=support.need_documents,
        need_medical_commission=support.need_medical_commission,
        need_psychological=support.need_psychological,
        need_addiction_treatment=support.need_addiction_treatment,
        need_legal_aid=support.need_legal_aid,
        has_disability=support.has_disability,
        civil_claim_kzt=support.civil_claim_kzt,
        family_ties=support.family_ties,
        offence_category=protector.decrypt(row.offence_cipher),
        wants_training=row.wants_training,
        relocation_ok=row.relocation_ok,
        max_commute_km=row.max_commute_km,
        consent_employer_view=row.consent_employer_view,
        confirmed_occupation=row.confirmed_occupation,
        confirmed_text=row.confirmed_occupation_text,
    )


def recent_referrals(session: Session, *, today: date) -> dict[tuple[str, str], int]:
    """Referrals per item in the congestion window (``matcher.congestion``)."""
    since = today - timedelta(WINDOW_DAYS)
    query = (
        sa.select(
            col(models.OutcomeEvent.item_kind), col(models.OutcomeEvent.item_id), sa.func.count()
        )
        .where(col(models.OutcomeEvent.event) == "referred", col(models.OutcomeEvent.date) > since)
        .group_by(col(models.OutcomeEvent.item_kind), col(models.OutcomeEvent.item_id))
    )
    return {(kind, item): count for kind, item, count in session.execute(query)}


def load_engine(
    session: Session,
    *,
    today: date,
    congestion: bool = True,
    learned: bool = True,
    readings: Path | None = None,
) -> Engine:
    """An engine over every vacancy, course and shelter in the database, scored by the active
    model version (the baseline with ``learned=False``); with ``congestion``, scarce items with
    many recent referrals are discounted (``matcher.congestion``). With ``readings`` (a file
    in the service's home), job titles read by an earlier build are not read again
    (``remembered_readings``)."""
    matcher = occupation_matcher()
    if readings is not None:
        with remembered_readings(readings, matcher):
            return _load_engine(session, today=today, congestion=congestion, learned=learned)
    return _load_engine(session, today=today, congestion=congestion, learned=learned)


@contextmanager
def remembered_readings(path: Path, matcher: OccupationMatcher) -> Iterator[None]:
    """Job titles read into occupation codes by earlier builds, kept in a JSON file.

    Reading 6,000 titles with RapidFuzz is most of an engine build. A reading depends only on
    the text, the limit, the cutoff and the matcher's ``fingerprint`` (its labels, its code,
    RapidFuzz's version), so the file holds readings under the fingerprint they were made
    with and is used only when that is the matcher's fingerprint now: a title not in the
    file, or any change to the vocabulary or the code, means reading again, never a stale
    code. Written atomically with mode 0600 after the block, when it read new texts; plain
    JSON (nothing in it can run)."""
    fingerprint = matcher.fingerprint
    matcher.remember(kept_readings.load(path, fingerprint))
    before = len(matcher.readings())
    yield
    if len(matcher.readings()) != before:
        kept_readings.save(path, fingerprint, matcher.readings())


def places_used(session: Session) -> dict[tuple[str, str], Used]:
    """Places held and taken by referrals, per item: an engine counts only the free ones (a
    quota slot or a seat less, a bed more occupied, an ordinary vacancy closed by a hire)."""
    query = (
        sa.select(
            col(models.Referral.item_kind),
            col(models.Referral.item_id),
            col(models.Referral.place),
            sa.func.count(),
        )
        .where(col(models.Referral.place).in_(("held", "taken")))
        .group_by(
            col(models.Referral.item_kind), col(models.Referral.item_id), col(models.Referral.place)
        )
    )
    found: dict[tuple[str, str], Used] = {}
    for kind, item_id, place, count in session.execute(query):
        held, taken = found.get((kind, item_id), (0, 0))
        found[kind, item_id] = (held + count, taken) if place == "held" else (held, taken + count)
    return found


def _plain_rows(session: Session, table: Any, key: Any) -> Iterator[Any]:
    """Every row of ``table`` in ``key`` order, with the table's columns read by name as on
    its ORM objects, without making those (a third of the time for 6,000 vacancies)."""
    return iter(session.execute(sa.select(table.__table__).order_by(key)))


def _load_engine(session: Session, *, today: date, congestion: bool, learned: bool) -> Engine:
    by_id = [
        col(models.Vacancy.vacancy_id),
        col(models.Course.course_id),
        col(models.Shelter.shelter_id),
    ]
    used = places_used(session)
    none = (0, 0)
    engine = Engine.build(
        vacancies=[
            vacancy(r, used.get(("vacancy", r.vacancy_id), none))
            for r in _plain_rows(session, models.Vacancy, by_id[0])
        ],
        courses=[
            course(r, used.get(("course", r.course_id), none))
            for r in _plain_rows(session, models.Course, by_id[1])
        ],
        shelters=[
            shelter(r, used.get(("shelter", r.shelter_id), none))
            for r in _plain_rows(session, models.Shelter, by_id[2])
        ],
        today=today,
        congestion=Congestion(recent_referrals(session, today=today)) if congestion else None,
        matcher=occupation_matcher(),
    )
    return with_active_model(session, engine) if learned else engine


def with_active_model(session: Session, engine: Engine) -> Engine:
    """``engine`` scored by the active model version (its track records as of today)."""
    from service.store import modelstore

    version, rankers = modelstore.rankers(session)
    if version == engine.model_version:
        return engine
    if version == modelstore.BASELINE:
        return engine.with_rankers(rankers, model_version=version, tracks={})
    from service.training.dataset import tracks  # training code: only for a learned version

    found = tracks(session, engine, today=engine.today)
    return engine.with_rankers(rankers, model_version=version, tracks=found)


def load_person(session: Session, person_id: str, *, protector: Protector) -> Person:
    row = session.get(models.Person, person_id)
    if row is None:
        raise NotFound("person", person_id)
    return person(row, protector)


def load_persons(session: Session, engine: Engine, *, protector: Protector) -> PersonIndex:
    rows = session.scalars(sa.select(models.Person).order_by(col(models.Person.person_id)))
    return PersonIndex([person(r, protector) for r in rows], matcher=engine.matcher)


def load_cohort(
    session: Session, *, protector: Protector, region: str, release_from: date, release_to: date
) -> list[Person]:
    """Persons of a region whose release day falls in the window (a cohort to allocate)."""
    query = (
        sa.select(models.Person)
        .where(
            col(models.Person.region_kato) == region,
            col(models.Person.release_date) >= release_from,
            col(models.Person.release_date) <= release_to,
        )
        .order_by(col(models.Person.person_id))
    )
    return [person(row, protector) for row in session.scalars(query)]
