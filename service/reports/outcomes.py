"""The ledger's outcome indicators: of the released persons living in the area, how many were
hired, how soon after release, and how long they kept the job."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from service.reports.shapes import Outcomes, Retention
from service.store.tables import OutcomeEvent, Person

RETENTION_DAYS = {3: 90, 6: 180, 12: 365}
"""Retention spans: months and the days a hire must be old before it is judged."""


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def outcomes(session: Session, prefix: str, today: date) -> Outcomes:
    released = sa.and_(
        col(Person.release_date).is_not(None),
        col(Person.release_date) <= today,
        col(Person.kato).startswith(prefix) if prefix else sa.true(),
    )
    count = session.scalar(sa.select(sa.func.count()).select_from(Person).where(released)) or 0
    event = col(OutcomeEvent.event)
    on_or_after_release = col(OutcomeEvent.date) >= col(Person.release_date)
    # One line per released person and vacancy with a hire after release: the first hire,
    # the first quit, whether a 3-month retention was reported.
    hires = session.execute(
        sa.select(
            col(OutcomeEvent.person_id),
            col(Person.release_date),
            sa.func.min(sa.case((event == "hired", OutcomeEvent.date))),
            sa.func.min(sa.case((event == "quit", OutcomeEvent.date))),
            sa.func.max(sa.case((event == "retained_3m", 1), else_=0)),
        )
        .join(Person, col(Person.person_id) == col(OutcomeEvent.person_id))
        .where(
            released,
            col(OutcomeEvent.item_kind) == "vacancy",
            event.in_(("hired", "quit", "retained_3m")),
            on_or_after_release,
            col(OutcomeEvent.date) <= today,
        )
        .group_by(col(OutcomeEvent.person_id), col(Person.release_date), col(OutcomeEvent.item_id))
    ).all()
    first_hire: dict[str, int] = {}
    judged = dict.fromkeys(RETENTION_DAYS, 0)
    kept = dict.fromkeys(RETENTION_DAYS, 0)
    for person_id, release, hire, quit_, retained in hires:
        if hire is None:
            continue
        hire, release = _as_date(hire), _as_date(release)
        wait = (hire - release).days
        first_hire[person_id] = min(wait, first_hire.get(person_id, wait))
        quit_day = None if quit_ is None else _as_date(quit_)
        for months, days in RETENTION_DAYS.items():
            if hire + timedelta(days) > today:
                continue
            judged[months] += 1
            quit_within = quit_day is not None and quit_day < hire + timedelta(days)
            if not quit_within or (months == 3 and retained):
                kept[months] += 1
    waits = sorted(first_hire.values())
    return Outcomes(
        released=count,
        hired=len(first_hire),
        median_days_to_hire=float(statistics.median(waits)) if waits else None,
        retention=[Retention(m, judged[m], kept[m]) for m in RETENTION_DAYS],
    )
