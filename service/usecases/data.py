"""Imports of the exchange formats and outcome events: all rows or none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO

from catalogs.kinds import KINDS
from catalogs.loader import FileFormatError, Format
from service.runtime import Runtime
from service.store.imports import ImportReport, Progress, import_file, import_records
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, NotFound


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
    with every bad row's line, column and reason (``Invalid``)."""
    access.admin_only(actor)
    if kind not in KINDS:
        raise NotFound("unknown_kind", kind=kind, kinds=", ".join(KINDS))
    with rt.writing() as session:
        try:
            report = import_file(
                session, kind, stream, fmt=fmt, protector=rt.protector, dry_run=dry_run,
                progress=progress,
            )  # fmt: skip
        except FileFormatError as error:
            raise Invalid("import_rejected", bad_rows=[error.error], bad=1, rows=0) from None
    if not report.ok:
        raise _rejected(report)
    return report


def record_outcomes(
    rt: Runtime, actor: Actor, events: Sequence[Mapping[str, object]]
) -> ImportReport:
    """Record outcome events (all or none), each checked against the pair's history."""
    access.staff_only(actor)
    if not events:
        raise Invalid("empty_body")
    with rt.writing() as session:
        report = import_records(session, "outcomes", events, protector=rt.protector, source="api")
    if not report.ok:
        raise _rejected(report)
    return report
