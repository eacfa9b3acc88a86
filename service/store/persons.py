"""Saving one person record, validated exactly as an imported row is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.loader import RowError
from service.store.imports import import_records
from service.store.protect import Protector
from service.store.tables import Person, utcnow


class Invalid(ValueError):
    """Rows that failed validation (the same checks as an import)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("invalid")
        self.errors = list(errors)


class Conflict(ValueError):
    """The id exists already (POST) or the body's id is not the path's (PUT)."""


class OutOfRegion(PermissionError):
    """The record lies outside the region the caller's token is limited to."""


class Unusable(PermissionError):
    """The id or the IIN belongs to a person outside the caller's region: the caller is told
    only that it cannot be used (``kind``: ``id`` or ``iin``); ``owner`` is for the audit."""

    def __init__(self, kind: str, owner: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.owner = owner


def _in_scope(row: Person, region_scope: str | None) -> bool:
    return region_scope is None or row.region_kato[:2] == region_scope[:2]


def _iin_owner(
    session: Session, record: dict[str, object], protector: Protector, person_id: str
) -> Person | None:
    """Another person who holds the record's IIN, if any."""
    from catalogs.fields import FieldError, digits12

    if record.get("iin") is None:
        return None
    try:
        iin = digits12("iin")(record["iin"])
    except FieldError:
        return None  # reported by the validation
    digest = protector.lookup_hash(iin)
    query = sa.select(Person).where(
        col(Person.iin_hash) == digest, col(Person.person_id) != person_id
    )
    return session.scalars(query).first()


def save_person(
    session: Session,
    *,
    data: dict[str, object],
    protector: Protector,
    must_exist: bool,
    region_scope: str | None = None,
) -> Person:
    """Create (``must_exist`` False: the id must be new) or replace a person, validated
    exactly as an imported row is; nothing is written when anything is wrong, nor when the
    person would lie outside ``region_scope``. An id or an IIN held by a person outside
    ``region_scope`` is ``Unusable``, whatever else is wrong, and says nothing of that
    person."""
    from catalogs.kinds import schema_for

    person_id = str(data["person_id"])
    found = session.get(Person, person_id)
    if found is not None and not must_exist and not _in_scope(found, region_scope):
        raise Unusable("id", person_id)
    if (found is not None) != must_exist:
        raise Conflict(person_id) if found is not None else LookupError(person_id)
    record = {k: v for k, v in data.items() if v is not None}
    owner = _iin_owner(session, record, protector, person_id)
    if owner is not None and not _in_scope(owner, region_scope):
        raise Unusable("iin", owner.person_id)
    if region_scope is not None:
        parsed, problems = schema_for("persons", today=date.today()).parse(record)
        if not problems and parsed["kato"][:2] != region_scope[:2]:
            raise OutOfRegion(person_id)
    report = import_records(session, "persons", [record], protector=protector, commit=False)
    if not report.ok:
        raise Invalid(report.errors)
    saved = session.get(Person, person_id, populate_existing=True)
    assert saved is not None
    return saved


def confirm_occupation(
    session: Session,
    *,
    row: Person,
    isco08: str,
    nkz: str | None,
    text: str | None,
    author: str,
) -> Person:
    """Record on ``row`` the occupation an officer confirmed (in the caller's transaction):
    from then on it wins over the reading of ``text``, the written profession it answers."""
    row.confirmed_occupation = isco08
    row.confirmed_occupation_nkz = nkz
    row.confirmed_occupation_text = text
    row.confirmed_occupation_by = author[:64]
    row.confirmed_occupation_at = utcnow()
    row.updated_at = utcnow()
    session.add(row)
    return row


def confirmed_titles(session: Session) -> list[tuple[str, str]]:
    """Every (written profession, ISCO-08 unit group) pair an officer has confirmed, oldest
    first: what the next rebuild of the title reader learns from (``docs/retraining.md``).
    A text confirmed for several persons is listed once per code."""
    query = (
        sa.select(col(Person.confirmed_occupation_text), col(Person.confirmed_occupation))
        .where(
            col(Person.confirmed_occupation).is_not(None),
            col(Person.confirmed_occupation_text).is_not(None),
        )
        .order_by(col(Person.confirmed_occupation_at), col(Person.person_id))
    )
    pairs = [(str(text), str(code)) for text, code in session.execute(query)]
    return list(dict.fromkeys(pairs))
