"""``matcher demo``: fill the database with the synthetic demo catalogs and persons.

The rows come from ``catalogs.demo`` and go through the same validation as any import, so
the demo cannot hold what a real file could not.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import Session

from catalogs.demo import DemoSpec, generate
from service.store.imports import ImportReport, import_records
from service.store.protect import Protector
from service.store.tables import Course, OutcomeEvent, Person, Shelter, Vacancy
from service.store.workflow import Employer, Notification, Referral, ReferralEvent

ORDER = ("employers", "shelters", "courses", "vacancies", "persons")
"""Employers first: the vacancies name them."""


class DemoError(RuntimeError):
    """The generator produced a row the import rejected: a bug in the generator."""

    def __init__(self, report: ImportReport) -> None:
        shown = "; ".join(error.message("en") for error in report.errors[:5])
        super().__init__(f"demo {report.kind} failed validation: {shown}")
        self.report = report


def reset(session: Session) -> None:
    """Delete every catalog row, person, referral and event (tokens and model versions
    stay)."""
    for table in (
        Notification, ReferralEvent, Referral, OutcomeEvent, Person, Vacancy, Course, Shelter,
        Employer,
    ):  # fmt: skip
        session.execute(sa.delete(table))
    session.commit()


def build(
    session: Session,
    spec: DemoSpec,
    *,
    protector: Protector,
    fresh: bool = False,
    progress: Callable[[str, ImportReport], None] | None = None,
) -> dict[str, ImportReport]:
    """Generate and import the demo data; ``fresh`` empties the tables first."""
    if fresh:
        reset(session)
    data = generate(spec)
    sources = {
        "employers": data.employer_records,
        "shelters": data.shelters,
        "courses": data.courses,
        "vacancies": data.vacancies,
        "persons": data.persons,
    }
    reports: dict[str, ImportReport] = {}
    for kind in ORDER:
        report = import_records(
            session,
            kind,
            sources[kind](),
            protector=protector,
            today=spec.as_of,
            progress=_for_kind(progress, kind),
        )
        if not report.ok:
            raise DemoError(report)
        reports[kind] = report
        if progress is not None:
            progress(kind, report)
    return reports


def _for_kind(
    progress: Callable[[str, ImportReport], None] | None, kind: str
) -> Callable[[ImportReport], None] | None:
    if progress is None:
        return None
    report_progress = progress

    def step(report: ImportReport) -> None:
        report_progress(kind, report)

    return step
