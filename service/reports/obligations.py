"""What the employers owe: each quota employer's obligation (``catalogs.law.quota_obligation``
of its list headcount and the akimat's percentage), where it is counted, and why it is unknown
when it is.

A *quota employer* is one with a quota vacancy, or with a full record that sets a positive
quota percentage for the ledger's year. It is counted in its *home district*: the place of its
record, or, when the record gives none (or there is no record), the district of its quota
vacancy with the lowest KATO code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from service.reports.areas import LEVELS, Key, keys_of
from service.store.tables import Vacancy
from service.store.workflow import Employer


@dataclass(frozen=True)
class EmployerQuota:
    employer_bin: str
    name: str
    home_kato: str
    obligation: int | None
    missing: str | None
    """Why the obligation is unknown (``IncompleteEmployer.reason``); None when it is known."""


def obligation_of(
    *,
    headcount: int | None,
    percent: float | None,
    year: int | None,
    is_stub: bool,
    today: date,
) -> tuple[int | None, str | None]:
    """An employer record's obligation as of ``today``, or None and the reason. A record
    without a quota year is read as the current one; last year's quota stands until the
    akimat's new one is recorded (a quota set late in a year is offered, hired into and kept
    into the next one)."""
    if is_stub:
        return None, "stub"
    if year is not None and year not in (today.year, today.year - 1):
        return None, "other_year"
    if headcount is None:
        return None, "no_headcount"
    if percent is None:
        return None, "no_percent"
    return law.quota_obligation(headcount, percent), None


def quota_employers(session: Session, prefix: str, today: date) -> list[EmployerQuota]:
    """The quota employers whose home is in the area of KATO ``prefix`` ('' = everywhere)."""
    first = (
        sa.select(
            col(Vacancy.employer_bin).label("employer_bin"),
            sa.func.min(Vacancy.kato).label("kato"),
            sa.func.max(Vacancy.employer_name).label("name"),
        )
        .where(col(Vacancy.is_quota))
        .group_by(col(Vacancy.employer_bin))
        .subquery()
    )
    home = sa.func.coalesce(col(Employer.kato), first.c.kato)
    owes = sa.and_(
        sa.not_(col(Employer.is_stub)),
        col(Employer.quota_percent) > 0,
        sa.or_(
            col(Employer.quota_year).is_(None),
            col(Employer.quota_year).in_((today.year, today.year - 1)),
        ),
    )
    records = session.execute(
        sa.select(
            col(Employer.employer_bin),
            col(Employer.name),
            home,
            col(Employer.headcount),
            col(Employer.quota_percent),
            col(Employer.quota_year),
            col(Employer.is_stub),
        )
        .outerjoin(first, first.c.employer_bin == col(Employer.employer_bin))
        .where(
            sa.or_(first.c.employer_bin.is_not(None), owes),
            home.startswith(prefix) if prefix else home.is_not(None),
        )
    ).all()
    found = []
    for bin_, name, kato, headcount, percent, year, is_stub in records:
        jobs, missing = obligation_of(
            headcount=headcount, percent=percent, year=year, is_stub=is_stub, today=today
        )
        found.append(EmployerQuota(bin_, name, kato, jobs, missing))
    unrecorded = session.execute(
        sa.select(first.c.employer_bin, first.c.name, first.c.kato).where(
            ~sa.exists().where(col(Employer.employer_bin) == first.c.employer_bin),
            first.c.kato.startswith(prefix) if prefix else sa.true(),
        )
    ).all()
    for bin_, name, kato in unrecorded:
        found.append(EmployerQuota(bin_, name or bin_, kato, None, "no_record"))
    return sorted(found, key=lambda e: (e.home_kato[:4], e.employer_bin))


def by_level(employers: Iterable[EmployerQuota]) -> dict[str, dict[Key, list[int | None]]]:
    """``[obligation, incomplete]`` per level and key: an employer's own on its home row
    (obligation None when unknown), sums on area rows."""
    figures: dict[str, dict[Key, list[int | None]]] = {level: {} for level in LEVELS}
    for employer in employers:
        unknown = int(employer.obligation is None)
        for level, key in keys_of(employer.employer_bin, employer.home_kato[:4]).items():
            if level == "employer":
                figures[level][key] = [employer.obligation, unknown]
                continue
            line = figures[level].setdefault(key, [0, 0])
            line[0] = (line[0] or 0) + (employer.obligation or 0)
            line[1] = (line[1] or 0) + unknown
    return figures
