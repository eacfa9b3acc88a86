"""Employers' records with their quota standing: obligation, slots offered, hires,
fulfilments and the days left in each open offer window.

Officers and inspectors see the employers of their region (a token without a region: all);
admins all; an employer only itself (another employer's BIN is 404).
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Path, Query

from service.api.deps import CurrentActor, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas.common import Day
from service.api.schemas.employers import (
    EmployerList,
    EmployerOut,
    ObligationUnknown,
    OpenWindowOut,
)
from service.usecases import employers
from service.usecases.employers import EmployerView

router = APIRouter(tags=["employers"])
Bin = Annotated[
    str, Path(pattern=r"^\d{12}$", description="The employer's BIN.", examples=["150340000017"])
]
KatoParam = Annotated[
    str | None,
    Query(
        pattern=r"^\d{2,9}$",
        description="Region, district or place (KATO, 9 digits or its leading digits); "
        "default: the token's region, or everywhere. A code KATO does not know is 404.",
        examples=["470000000"],
    ),
]
AsOfParam = Annotated[
    Day | None,
    Query(description="Day of the figures, 2000-01-01 to 2100-12-31 (default today)."),
]


def _out(view: EmployerView) -> EmployerOut:
    row, standing = view.record, view.standing
    return EmployerOut(
        employer_bin=row.employer_bin,
        name=row.name,
        oked=row.oked,
        kato=row.kato,
        region_kato=row.region_kato,
        headcount=row.headcount,
        quota_percent=row.quota_percent,
        quota_year=row.quota_year,
        phone=row.phone,
        email=row.email,
        lang=row.lang,
        is_stub=row.is_stub,
        as_of=view.as_of,
        obligation=standing.obligation,
        obligation_unknown=cast(ObligationUnknown | None, standing.missing),
        slots_offered=standing.slots_offered,
        hired=standing.hired,
        fulfilled=standing.fulfilled,
        open_windows=[
            OpenWindowOut(
                vacancy_id=w.vacancy_id,
                quota_slots=w.quota_slots,
                quota_from=w.quota_from,
                window_end=w.window_end,
                days_left=w.days_left,
            )
            for w in standing.windows
        ],
    )


@router.get("/employers", response_model=EmployerList, responses=ERRORS)
def list_employers(
    rt: RuntimeDep,
    actor: CurrentActor,
    kato: KatoParam = None,
    as_of: AsOfParam = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EmployerList:
    """Employers located in an area, by BIN, each with its quota standing (staff only)."""
    found = employers.find(rt, actor, kato=kato, as_of=as_of, limit=limit, offset=offset)
    return EmployerList(items=[_out(view) for view in found], limit=limit, offset=offset)


@router.get("/employers/{employer_bin}", response_model=EmployerOut, responses=ERRORS)
def read_employer(
    employer_bin: Bin, rt: RuntimeDep, actor: CurrentActor, as_of: AsOfParam = None
) -> EmployerOut:
    """An employer's record and quota standing: staff of its region, admins, or the employer
    itself."""
    return _out(employers.read(rt, actor, employer_bin, as_of=as_of))
