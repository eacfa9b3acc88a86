"""Employers' records with their standing against the quota (``GET /employers``,
``GET /employers/{bin}``).

Officers and inspectors see the employers of their region (all regions when their token has
none), admins every employer; an employer sees only its own record: another employer's BIN is
answered as unknown, so that whom the service knows does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from service.reports.areas import UnknownArea, area_prefix
from service.reports.employers import EmployerStanding, standings
from service.runtime import Runtime
from service.store.workflow import Employer
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, Invalid, NotFound

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class EmployerView:
    """An employer's record and its standing on ``as_of``."""

    record: Employer
    standing: EmployerStanding
    as_of: date


def _day(as_of: date | None) -> date:
    today = as_of or date.today()
    if not EARLIEST <= today <= LATEST:
        raise Invalid("report_bad_as_of", value=today.isoformat())
    return today


def find(
    rt: Runtime,
    actor: Actor,
    *,
    kato: str | None = None,
    as_of: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[EmployerView]:
    """Employers located in an area (a KATO code or its leading digits; default: the actor's
    region, or everywhere), by BIN: 403 for an employer or outside the actor's region, 404 for
    an area KATO does not know."""
    access.staff_only(actor)
    today = _day(as_of)
    if kato is None and actor.region_kato is not None:
        kato = actor.region_kato
    try:
        prefix = area_prefix(kato)
    except UnknownArea:
        raise NotFound("report_bad_kato", kato=kato) from None
    if actor.region_kato is not None and not prefix.startswith(actor.region_kato[:2]):
        raise Forbidden("out_of_region")
    query = sa.select(Employer).order_by(col(Employer.employer_bin)).limit(limit).offset(offset)
    if prefix:
        query = query.where(col(Employer.kato).startswith(prefix))
    with rt.session() as session:
        rows = list(session.scalars(query))
        found = standings(session, rows, today)
        return [EmployerView(row, found[row.employer_bin], today) for row in rows]


def read(
    rt: Runtime, actor: Actor, employer_bin: str, *, as_of: date | None = None
) -> EmployerView:
    """One employer's record and standing: 404 when unknown or another employer's, 403 for
    staff of another region (an employer without a place: staff without a region only)."""
    today = _day(as_of)
    with rt.session() as session:
        row = session.get(Employer, employer_bin)
        if actor.role == "employer":
            if row is None or employer_bin != actor.employer_bin:
                raise NotFound("unknown_employer", bin=employer_bin)
        else:
            access.staff_only(actor)
            if row is None:
                raise NotFound("unknown_employer", bin=employer_bin)
            if actor.region_kato is not None and (
                row.region_kato is None or not actor.sees_region(row.region_kato)
            ):
                raise Forbidden("out_of_region")
        return EmployerView(row, standings(session, [row], today)[employer_bin], today)
