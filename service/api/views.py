"""Rows and engine results as the API shows them to each role: staff see a person's record
with the IIN masked; employers see anonymised candidates with only the reasons they may read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from catalogs import law
from matcher import Person as EnginePerson
from matcher import Recommendation
from service.api.schemas import (
    AnonymousCandidate,
    ConfirmedOccupationOut,
    PersonPublic,
    ReasonOut,
)
from service.store.protect import Protector, mask_iin
from service.store.rows import effective_status
from service.store.sealed import open_support
from service.store.tables import Person


def person_public(
    row: Person, *, protector: Protector, reveal_iin: bool, lang: str = "ru"
) -> PersonPublic:
    iin = protector.decrypt(row.iin_cipher)
    fields = row.model_dump(
        exclude={
            "iin_hash",
            "iin_cipher",
            "full_name_cipher",
            "offence_cipher",
            "support_cipher",
            "created_at",
            "confirmed_occupation_nkz",
            "confirmed_occupation_text",
            "confirmed_occupation_by",
            "confirmed_occupation_at",
        }
    )
    fields |= asdict(open_support(protector, row.support_cipher))
    fields["status"], fields["probation_kind"] = effective_status(row, date.today())
    fields["confirmed_occupation"] = confirmed_occupation(row, lang)
    return PersonPublic(
        **fields,
        iin_masked=None if iin is None else mask_iin(iin),
        iin=iin if reveal_iin else None,
        full_name=protector.decrypt(row.full_name_cipher),
        offence_category=protector.decrypt(row.offence_cipher),
    )


def confirmed_occupation(row: Person, lang: str) -> ConfirmedOccupationOut | None:
    """The occupation an officer confirmed for the person, titled in ``lang``."""
    if row.confirmed_occupation is None:
        return None
    from service.usecases.occupations import occupation_title

    return ConfirmedOccupationOut(
        code=row.confirmed_occupation,
        nkz=row.confirmed_occupation_nkz,
        title=occupation_title(row.confirmed_occupation, row.confirmed_occupation_nkz, lang),
        text=row.confirmed_occupation_text,
        confirmed_by=row.confirmed_occupation_by,
        confirmed_at=row.confirmed_occupation_at,
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


def pseudonym(person_id: str, *, protector: Protector, employer_bin: str) -> str:
    """A stable pseudonym: the same person always shows as the same code to one employer,
    and as another code to every other employer."""
    return protector.pseudonym(person_id, employer_bin=employer_bin)


def age_band(birth_year: int | None, today: date) -> str | None:
    """The candidate's age band (``catalogs.law.AGE_BANDS``); None when the age is unknown."""
    return None if birth_year is None else law.age_band(today.year - birth_year)


def anonymous(
    item: Recommendation,
    person: EnginePerson,
    *,
    protector: Protector,
    employer_bin: str,
    lang: str,
    today: date,
) -> AnonymousCandidate:
    """The candidate as ``employer_bin`` may see them: no id, no name, its own pseudonym."""
    from catalogs.reference.places import places

    district_place = places().get(person.kato)
    district = (
        places().get(district_place.district)
        if district_place and district_place.district
        else None
    )
    where = district or district_place
    return AnonymousCandidate(
        pseudonym=pseudonym(person.person_id, protector=protector, employer_bin=employer_bin),
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
