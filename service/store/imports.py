"""All-or-nothing imports of the exchange formats, from a file (CLI, API) or from records
(the demo builder).

Rows are validated and written in batches inside one transaction as the file streams by.
The first bad row stops the writing; reading goes on so that every bad row is reported; at
the end, any error rolls the whole import back. Re-importing a row with the same id replaces
it (columns left out take their documented defaults).

A vacancies import also makes sure every employer it names has a row in ``employers``: a BIN
without one gets a *stub* (the vacancy's employer name, or the BIN, and the vacancy's place),
which a later employers import completes. Vacancies and shelters written by an import have
their capacity confirmed on the import's day (``capacity_confirmed_on``).

Outcome events are also checked against the history of their (person, item) pair once every
row is written (``catalogs.outcomes.lifecycle``), so that a hire may come after its 3-month
retention in the file; a referral takes its rank from the list it was shown in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import IO

from sqlmodel import Session

from catalogs.kinds import schema_for
from catalogs.loader import Format, Invalid, Valid, load, validate_records
from catalogs.schema import Schema
from service.store import changes
from service.store.import_writer import ImportReport, RowWriter
from service.store.protect import Protector

__all__ = ["ImportReport", "Progress", "import_file", "import_records"]

BATCH = 500
PROGRESS_EVERY = 100_000

Progress = Callable[["ImportReport"], None]
"""Called every ``PROGRESS_EVERY`` rows read, for long imports."""


def import_file(
    session: Session,
    kind: str,
    stream: IO[bytes],
    *,
    fmt: Format,
    protector: Protector,
    today: date | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    author: str | None = None,
) -> ImportReport:
    """Import a CSV or JSON file of ``kind``; commit only if every row is good. ``author`` is
    recorded with outcome events (``created_by``).

    Raises ``catalogs.loader.FileFormatError`` (after rolling back) when the file cannot be read.
    """
    day = today or date.today()
    schema = schema_for(kind, today=day)
    results = load(schema, stream, fmt=fmt)
    return _run(session, schema, results, protector, progress, dry_run, today=day, author=author)


def import_records(
    session: Session,
    kind: str,
    records: Iterable[Mapping[str, object]],
    *,
    protector: Protector,
    today: date | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    source: str = "import",
    commit: bool = True,
    author: str | None = None,
    region_scope: str | None = None,
) -> ImportReport:
    """Import rows given as mappings (native values allowed), with the same validation.
    ``source`` and ``author`` are recorded with outcome events (``import``, ``api``; who).
    With ``region_scope``, an outcome whose person or item lies in another region is
    reported as an unknown one (the caller may not learn that it exists). With ``commit``
    False the rows are left in the caller's transaction (which then commits or rolls back)."""
    day = today or date.today()
    schema = schema_for(kind, today=day)
    results = validate_records(schema, records)
    return _run(
        session, schema, results, protector, progress, dry_run, source, commit, today=day,
        author=author, region_scope=region_scope,
    )  # fmt: skip


def _run(
    session: Session,
    schema: Schema,
    results: Iterator[Valid | Invalid],
    protector: Protector,
    progress: Progress | None,
    dry_run: bool = False,
    source: str = "import",
    commit: bool = True,
    *,
    today: date,
    author: str | None = None,
    region_scope: str | None = None,
) -> ImportReport:
    writer = RowWriter(
        session, schema, protector, source, today=today, author=author, region_scope=region_scope
    )
    report = ImportReport(schema.kind, dry_run=dry_run)
    batch: list[Valid] = []
    try:
        for result in results:
            report.rows += 1
            if progress is not None and report.rows % PROGRESS_EVERY == 0:
                progress(report)
            if isinstance(result, Invalid):
                report.errors.extend(result.errors)
                batch.clear()
                continue
            if report.errors:
                continue  # keep validating, stop writing
            batch.append(result)
            if len(batch) >= BATCH:
                writer.write(batch, report)
                batch = []
        if batch and not report.errors:
            writer.write(batch, report)
        if not report.errors:
            writer.finish(report)
    except BaseException:
        session.rollback()
        raise
    if report.errors or dry_run:
        session.rollback()
    else:
        changed = changes.data_of(schema.kind)
        if changed is not None:
            changes.bump(session, changed)
        if commit:
            session.commit()
        else:
            session.flush()
    return report
