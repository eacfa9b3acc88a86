"""Persistence the API needs beyond imports: keyword-only functions that own the commit."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from catalogs.loader import RowError
from matcher.engine import Recommendation
from matcher.profile import Person as EnginePerson
from service.imports import import_records
from service.models import Person
from service.protect import Protector, mask_iin
from service.schemas import AnonymousCandidate, PersonIn, PersonPublic, ReasonOut


class Invalid(ValueError):
    """Rows that failed validation (the same checks as an import)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("invalid")
        self.errors = list(errors)


class Conflict(ValueError):
    """The id exists already (POST) or the body's id is not the path's (PUT)."""


def save_person(
    session: Session, *, data: PersonIn, protector: Protector, must_exist: bool
) -> Person:
    """Create (``must_exist`` False: the id must be new) or replace a person, validated
    exactly as an imported row is; nothing is written when anything is wrong."""
    exists = session.get(Person, data.person_id) is not None
    if exists != must_exist:
        raise Conflict(data.person_id) if exists else LookupError(data.person_id)
    record = data.model_dump(exclude_none=True)
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
