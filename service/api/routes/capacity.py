"""An employer's vacancies with their places; confirming that a vacancy or a centre's capacity
is still true (a capacity nobody confirmed for 90 days leaves the lists)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas.common import _ID, WHOLE
from service.usecases import capacity, occupations

router = APIRouter(tags=["capacity"])
ItemId = Annotated[str, Path(pattern=_ID)]


class VacancyOccupationOut(BaseModel):
    """A vacancy's occupation: the ISCO-08 unit group, the NKZ code when the employer gave
    one, and the title (NKZ's when known) in the asked language."""

    code: str | None
    nkz: str | None
    title: str | None


class VacancyPlacesOut(BaseModel):
    vacancy_id: str
    title: str
    occupation: VacancyOccupationOut | None = None
    """None when the import gave no code (the engine then reads the title)."""
    is_quota: bool
    status: str
    quota_slots: int
    held: int
    """Places held by open referrals."""
    taken: int
    """Places taken by hires."""
    free: int | None
    """None: no limit (an ordinary vacancy takes referrals until one is hired)."""
    quota_window_last_day: date | None
    capacity_confirmed_on: date | None
    stale: bool
    """Unconfirmed for 90 days: out of the lists until confirmed."""


class VacancyConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    status: Literal["open", "closed"] | None = Field(
        default=None, description="`closed`: the vacancy is no longer open."
    )


Occupied = Annotated[int, Field(ge=0, le=10_000), WHOLE]


class ShelterConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    occupied: Occupied | None = Field(
        default=None,
        description="Beds taken by people placed outside this system, as counted today.",
    )


class ConfirmedOut(BaseModel):
    id: str
    status: str | None = None
    occupied: int | None = None
    capacity_confirmed_on: date | None


def _occupation(code: str | None, nkz: str | None, lang: str) -> VacancyOccupationOut | None:
    found = occupations.occupation_of(code, nkz, lang)
    return None if found is None else VacancyOccupationOut.model_validate(found)


@router.get(
    "/employers/{employer_bin}/vacancies",
    response_model=list[VacancyPlacesOut],
    responses=ERRORS,
)
async def employer_vacancies(
    employer_bin: Annotated[str, Path(pattern=r"^[0-9]{12}$")],
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
) -> list[VacancyPlacesOut]:
    """An employer's vacancies, quota ones first, with their places (held by open referrals,
    taken by hires, free) and the last day of each quota's offer window. The employer itself,
    staff of the vacancies' region, or an admin."""
    found = await run_in_threadpool(capacity.employer_vacancies, rt, actor, employer_bin)
    return [
        VacancyPlacesOut(
            vacancy_id=v.vacancy.vacancy_id,
            title=v.vacancy.title,
            occupation=_occupation(v.vacancy.occupation_code, v.vacancy.occupation_nkz, lang),
            is_quota=v.vacancy.is_quota,
            status=v.vacancy.status,
            quota_slots=v.vacancy.quota_slots,
            held=v.places.held,
            taken=v.places.taken,
            free=v.places.free,
            quota_window_last_day=v.window_last_day,
            capacity_confirmed_on=v.vacancy.capacity_confirmed_on,
            stale=v.stale,
        )
        for v in found
    ]


@router.post("/vacancies/{vacancy_id}/confirmation", response_model=ConfirmedOut, responses=ERRORS)
async def confirm_vacancy(
    vacancy_id: ItemId, body: VacancyConfirmationIn, rt: RuntimeDep, actor: CurrentActor
) -> ConfirmedOut:
    """The vacancy is still as recorded (or closed): it stays in, or comes back to, the lists.
    Its employer, an officer of its region or an admin."""
    row = await run_in_threadpool(
        capacity.confirm_vacancy, rt, actor, vacancy_id, status=body.status
    )
    return ConfirmedOut(
        id=row.vacancy_id, status=row.status, capacity_confirmed_on=row.capacity_confirmed_on
    )


@router.post("/shelters/{shelter_id}/confirmation", response_model=ConfirmedOut, responses=ERRORS)
async def confirm_shelter(
    shelter_id: ItemId, body: ShelterConfirmationIn, rt: RuntimeDep, actor: CurrentActor
) -> ConfirmedOut:
    """The centre's beds are as recorded (or, with `occupied`, this many are taken by people
    placed outside this system). Staff of its region or an admin."""
    row = await run_in_threadpool(
        capacity.confirm_shelter, rt, actor, shelter_id, occupied=body.occupied
    )
    return ConfirmedOut(
        id=row.shelter_id, occupied=row.occupied, capacity_confirmed_on=row.capacity_confirmed_on
    )
