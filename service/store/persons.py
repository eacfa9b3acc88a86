"""Persistence the API needs beyond imports: keyword-only functions that own the commit."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from service.api.deps import EngineCache

from catalogs.loader import RowError
from matcher.engine import Recommendation
from matcher.profile import Person as EnginePerson
from service.api.schemas import AnonymousCandidate, PersonIn, PersonPublic, ReasonOut
from service.runtime import Runtime
from service.store.imports import import_records
from service.store.protect import Protector, mask_iin
from service.store.tables import ApiToken, Person, Vacancy


class Invalid(ValueError):
    """Rows that failed validation (the same checks as an import)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("invalid")
        self.errors = list(errors)


class Conflict(ValueError):
    """The id exists already (POST) or the body's id is not the path's (PUT)."""


class OutOfRegion(PermissionError):
    """The record lies outside the region the caller's token is limited to."""


def save_person(
    session: Session,
    *,
    data: PersonIn,
    protector: Protector,
    must_exist: bool,
    region_scope: str | None = None,
) -> Person:
    """Create (``must_exist`` False: the id must be new) or replace a person, validated
    exactly as an imported row is; nothing is written when anything is wrong, nor when the
    person would lie outside ``region_scope``."""
    from catalogs.kinds import schema_for

    exists = session.get(Person, data.person_id) is not None
    if exists != must_exist:
        raise Conflict(data.person_id) if exists else LookupError(data.person_id)
    record = data.model_dump(exclude_none=True)
    if region_scope is not None:
        parsed, problems = schema_for("persons", today=date.today()).parse(record)
        if not problems and parsed["kato"][:2] != region_scope[:2]:
            raise OutOfRegion(data.person_id)
    report = import_records(session, "persons", [record], protector=protector)
    if not report.ok:
        raise Invalid(report.errors)
    session.expire_all()
    saved = session.get(Person, data.person_id)
    assert saved is not None
    return saved


def person_public(row: Person, *, protector: Protector, reveal_iin: bool) -> PersonPublic:
    iin = protector.decrypt(row.iin_cipher)
    fields = row.model_dump(
        exclude={"iin_hash", "iin_cipher", "full_name_cipher", "offence_cipher", "created_at"}
    )
    return PersonPublic(
        **fields,
        iin_masked=None if iin is None else mask_iin(iin),
        iin=iin if reveal_iin else None,
        full_name=protector.decrypt(row.full_name_cipher),
        offence_category=protector.decrypt(row.offence_cipher),
    )


EMPLOYER_REASONS = frozenset(
    {
        "occupation_match",
        "occupation_related",
        "entry_level",
        "same_place",
        "near_home",
        "relocation",
        "skills_match",
        "release_soon",
        "recently_released",
        "education_slightly_below",
        "experience_below",
    }
)
"""Reasons an employer may read: none speaks of housing, health or other needs."""


def pseudonym(person_id: str, *, protector: Protector) -> str:
    """A stable pseudonym: the same person always shows as the same code to employers."""
    key = protector.lookup_hash("pseudonym:" + person_id)
    return "C-" + hmac.new(key.encode(), person_id.encode(), hashlib.sha256).hexdigest()[:8].upper()


def age_band(birth_year: int | None, today: date) -> str | None:
    if birth_year is None:
        return None
    age = today.year - birth_year
    low = 18 if age < 25 else (age // 10) * 10 if age < 60 else 60
    return f"{low}–{24 if low == 18 else low + 9}" if low < 60 else "60+"


def anonymous(
    item: Recommendation, person: EnginePerson, *, protector: Protector, lang: str, today: date
) -> AnonymousCandidate:
    from catalogs.reference.places import places

    district_place = places().get(person.kato)
    district = (
        places().get(district_place.district)
        if district_place and district_place.district
        else None
    )
    where = district or district_place
    return AnonymousCandidate(
        pseudonym=pseudonym(person.person_id, protector=protector),
        age_band=age_band(person.birth_year, today),
        district=where.name(lang) if where is not None else person.kato[:2],
        education=person.education,
        professions=list(person.professions),
        skills=list(person.skills),
        available_from=person.release_date if person.status == "in_custody" else None,
        score=round(item.score, 4),
        reasons=[
            ReasonOut(code=r.code, text=r.text(lang))
            for r in item.reasons
            if r.code in EMPLOYER_REASONS
        ],
    )


def candidates_for(
    session: Session,
    *,
    engines: EngineCache,
    runtime: Runtime,
    token: ApiToken,
    vacancy_id: str,
    limit: int,
) -> list[tuple[Recommendation, EnginePerson]]:
    """The best candidates for a vacancy that the token may see.

    An employer sees only its own vacancies (another employer's is reported as unknown, so
    that its existence does not leak) and only persons who consented; a regional token sees
    only its region's vacancies and persons.
    """
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or (token.role == "employer" and vacancy.employer_bin != token.employer_bin):
        raise LookupError(vacancy_id)
    if token.region_kato is not None and vacancy.region_kato != token.region_kato:
        raise OutOfRegion(vacancy_id)
    engine = engines.engine(session)
    people = engines.persons(session, runtime)
    chosen = []
    for item in engine.candidates(vacancy_id, people, limit=max(limit * 5, 100)):
        person = people.items[people.position[item.id]]
        if token.role == "employer" and not person.consent_employer_view:
            continue
        if token.region_kato is not None and person.kato[:2] != token.region_kato[:2]:
            continue
        chosen.append((item, person))
        if len(chosen) == limit:
            break
    return chosen
