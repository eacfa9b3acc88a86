"""Occupations people and employers write, as the title reader reads them; an officer's
confirmation of a person's occupation; the notice a list carries when a person's profession
was not recognised.

The reader (``matcher.reader``) answers "not recognised" below its threshold rather than
guess. A person whose every written profession is unrecognised, and whose occupation no
officer has confirmed, gets lists of jobs that need no trade, with a notice that says so and
offers the closest occupations to pick from. The code an officer picks is stored on the
person and wins over the reader from then on (``matcher.index.person_codes``); the confirmed
(text, code) pairs are what the reader's next rebuild learns from
(``service.store.persons.confirmed_titles``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalogs.fields import FieldError, occupation_code
from catalogs.i18n import messages
from catalogs.known import is_nkz_occupation, is_occupation
from catalogs.occupation import isco_of
from service.runtime import Runtime
from service.store import audit, changes
from service.store import persons as store
from service.store.tables import Person as PersonRow
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Label, NotFound

if TYPE_CHECKING:
    from matcher import Code, Engine, Person, Reading

SUGGESTIONS = 3
"""How many occupations a reading or a notice offers (best first)."""
NOT_RECOGNISED = "profession_not_recognised"
"""The code of a list's notice: the person's professions were not recognised."""


class FieldReason(Label):
    """A catalogs message (a field's error) as a parameter of a service message."""

    def __init__(self, error: FieldError) -> None:
        super().__init__("", error.code, package="catalogs")
        self.params = error.params

    def render(self, lang: str) -> str:
        return messages("catalogs").text(self.codes[0], lang, **self.params)


def code_dict(code: Code) -> dict[str, object]:
    """A reader's code as the command line and the API write it."""
    return {
        "code": code.code,
        "nkz": code.nkz,
        "title": code.title,
        "confidence": round(code.confidence, 3),
    }


def reading_dict(reading: Reading) -> dict[str, object]:
    return {
        "text": reading.text,
        "recognised": reading.recognised,
        "codes": [code_dict(code) for code in reading.codes[:SUGGESTIONS]],
    }


def read(texts: Sequence[str], *, lang: str = "ru") -> list[Reading]:
    """How the reader reads each text: recognised or not, and its best codes."""
    from matcher import title_reader

    return title_reader().read_many(list(texts), lang=lang)


def search(actor: Actor, query: str, *, lang: str = "ru", limit: int = 10) -> list[Code]:
    """Occupations whose titles fit ``query`` (the profession field's autocomplete); any
    role may ask: the classifiers are public."""
    from matcher import title_reader

    del actor  # every role may search; the parameter keeps the use cases' shape
    return title_reader().search(query.strip(), lang=lang, limit=limit)


def parse_code(value: str) -> tuple[str, str | None]:
    """An ISCO-08 unit group (``7212``) or an NKZ occupation (``7212-2-005``): the ISCO-08
    code and the NKZ code as given; refused as an import would refuse it."""
    try:
        code = occupation_code(is_occupation, is_nkz_occupation)(value)
    except FieldError as error:
        # well formed but not in the classifier: an unknown code, as an unknown id is
        raise NotFound("occupation_code_refused", reason=FieldReason(error)) from None
    isco08 = isco_of(code)
    if isco08 is None:
        raise NotFound("occupation_nkz_without_isco", nkz=code)
    return isco08, (code if code != isco08 else None)


def _answered_text(row: PersonRow, text: str | None) -> str | None:
    """The written profession a confirmation answers: the one named (it must be one of the
    person's), else the first the reader does not recognise, else the first; None when the
    person has none written."""
    if text is not None:
        if text not in row.professions:
            raise Conflict("occupation_text_not_a_profession", text=text)
        return text
    if not row.professions:
        return None
    from matcher import TITLE_CUTOFF, occupation_matcher

    found = occupation_matcher().match_many(list(row.professions), limit=1, cutoff=TITLE_CUTOFF)
    for profession, matches in zip(row.professions, found, strict=True):
        if not matches:
            return str(profession)
    return str(row.professions[0])


def confirm(
    rt: Runtime, actor: Actor, person_id: str, code: str, *, text: str | None = None
) -> PersonRow:
    """Record the occupation an officer confirms for a person (ISCO-08 or NKZ); audited.
    Staff within their region only; anyone else is answered as for a person they may not
    see."""
    with rt.writing() as session:
        row = access.person(session, actor, person_id)
        isco08, nkz = parse_code(code)
        answered = _answered_text(row, text)
        store.confirm_occupation(
            session, row=row, isco08=isco08, nkz=nkz, text=answered, author=actor.author
        )
        changes.bump(session, "persons")  # candidate lists read persons from their index
        audit.record(session, actor=actor, person_ids=[person_id], action="confirm_occupation")
        session.commit()
        session.refresh(row)
        return row


@dataclass(frozen=True)
class Notice:
    """What a list says about itself: the person's profession ``profession`` was not
    recognised, so the list holds only jobs that need no trade; closest occupations offered."""

    code: str
    profession: str

    def as_dict(self, lang: str) -> dict[str, object]:
        from matcher import title_reader

        suggestions = title_reader().read(self.profession, lang=lang).codes[:SUGGESTIONS]
        return {
            "code": self.code,
            "text": messages("service").text(f"notice_{self.code}", lang, text=self.profession),
            "suggestions": [code_dict(found) for found in suggestions],
        }


def notices(person: Person, engine: Engine, kind: str) -> tuple[Notice, ...]:
    """The notices of a person's list of ``kind``: for vacancies, each written profession
    when none is recognised and no occupation was confirmed."""
    if kind != "vacancy" or person.confirmed_occupation or not person.professions:
        return ()
    if engine.view(person).codes:
        return ()
    return tuple(Notice(NOT_RECOGNISED, text) for text in dict.fromkeys(person.professions))


def occupation_of(isco08: str | None, nkz: str | None, lang: str) -> dict[str, object] | None:
    """An occupation as records show it: the ISCO-08 code, the NKZ code when known, and the
    title (NKZ's when known, else ISCO-08's) in ``lang``."""
    if isco08 is None and nkz is None:
        return None
    return {"code": isco08, "nkz": nkz, "title": occupation_title(isco08, nkz, lang)}


def occupation_title(isco08: str | None, nkz: str | None, lang: str) -> str | None:
    if nkz is not None:
        from catalogs.reference.classifiers import nkz_occupations

        found = nkz_occupations().get(nkz)
        if found is not None:
            return str(found.title(lang))
    if isco08 is not None:
        from catalogs.reference.occupations import occupations

        unit = occupations().get(isco08)
        if unit is not None:
            return unit.title(lang)
    return None
