"""Imports of the exchange formats and outcome events: all rows or none, each recorded in the
audit trail with who wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import IO

import sqlalchemy as sa
from sqlmodel import col

# typing_extensions' TypedDict: the HTTP schema reads it through pydantic
from typing_extensions import TypedDict

from catalogs.kinds import KINDS
from catalogs.loader import FileFormatError, Format
from service.runtime import Runtime
from service.store import audit
from service.store.imports import ImportReport, Progress, import_file, import_records
from service.store.tables import Person, utcnow
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, NotFound


class ImportResult(TypedDict):
    """What an import answers, at once or as a job's result (a refused import is an error
    listing its bad rows, never a result)."""

    kind: str
    """What was imported: ``employers``, ``vacancies``, ``courses``, ``shelters``,
    ``persons`` or ``outcomes``."""
    ok: bool
    """Always true: every row was good."""
    dry_run: bool
    """Checked only: the rows were validated, then nothing was written."""
    rows: int
    """Rows (or records) read."""
    inserted: int
    """Rows new to the database."""
    updated: int
    """Rows that replaced one with the same id."""


def result(report: ImportReport) -> ImportResult:
    """The answer to an import that went through."""
    return {
        "kind": report.kind,
        "ok": True,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "inserted": report.inserted,
        "updated": report.updated,
    }


def _rejected(report: ImportReport) -> Invalid:
    return Invalid(
        "import_rejected", bad_rows=report.errors, bad=len(report.errors), rows=report.rows
    )


def import_stream(
    rt: Runtime,
    actor: Actor,
    *,
    kind: str,
    stream: IO[bytes],
    fmt: Format,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV or JSON file; a bad file or any bad row writes nothing and is answered
    with every bad row's line, column and reason (``Invalid``). Outcome events record
    ``import:<author>`` as their author; every person a persons import wrote is audited."""
    access.admin_only(actor)
    if kind not in KINDS:
        raise NotFound("unknown_kind", kind=kind, kinds=", ".join(KINDS))
    started = utcnow()
    with rt.writing() as session:
        try:
            report = import_file(
                session, kind, stream, fmt=fmt, protector=rt.protector, dry_run=dry_run,
                progress=progress, author=f"import:{actor.author}",
            )  # fmt: skip
        except FileFormatError as error:
            raise Invalid("import_rejected", bad_rows=[error.error], bad=1, rows=0) from None
    if not report.ok:
        raise _rejected(report)
    if not dry_run:
        _audit_import(rt, actor, kind, since=started)
    return report


def _audit_import(rt: Runtime, actor: Actor, kind: str, *, since: datetime) -> None:
    """The persons a persons import wrote (each row's ``updated_at`` is the import's), or
    one event naming the import of another kind."""
    with rt.writing() as session:
        if kind == "persons":
            query = sa.select(col(Person.person_id)).where(col(Person.updated_at) >= since)
            subjects = list(session.scalars(query))
        else:
            subjects = [f"#import:{kind}"]
        audit.record(session, actor=actor, person_ids=subjects, action=f"import_{kind}")
        session.commit()


def record_outcomes(
    rt: Runtime, actor: Actor, events: Sequence[Mapping[str, object]]
) -> ImportReport:
    """Record outcome events (all or none), each checked against the pair's history. A
    regional token's event for a person or an item of another region is refused as an
    unknown one (its line named, nothing written); each row records its author, and each
    person an event names is audited."""
    access.staff_only(actor)
    if not events:
        raise Invalid("empty_body")
    with rt.writing() as session:
        report = import_records(
            session, "outcomes", events, protector=rt.protector, source="api", commit=False,
            author=actor.author, region_scope=actor.region_kato,
        )  # fmt: skip
        if not report.ok:
            raise _rejected(report)
        persons = [str(event["person_id"]) for event in events]
        audit.record(session, actor=actor, person_ids=persons, action="outcome")
        session.commit()
    return report
