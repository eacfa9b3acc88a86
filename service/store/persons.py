"""Saving one person record, validated exactly as an imported row is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from catalogs.loader import RowError
from service.store.imports import import_records
from service.store.protect import Protector
from service.store.tables import Person


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
    data: dict[str, object],
    protector: Protector,
    must_exist: bool,
    region_scope: str | None = None,
) -> Person:
    """Create (``must_exist`` False: the id must be new) or replace a person, validated
    exactly as an imported row is; nothing is written when anything is wrong, nor when the
    person would lie outside ``region_scope``."""
    from catalogs.kinds import schema_for

    person_id = str(data["person_id"])
    exists = session.get(Person, person_id) is not None
    if exists != must_exist:
        raise Conflict(person_id) if exists else LookupError(person_id)
    record = {k: v for k, v in data.items() if v is not None}
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
