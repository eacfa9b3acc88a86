from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from service.api.deps import (
    AnyRole,
    ApiError,
    Engines,
    Lang,
    RuntimeDep,
    SessionDep,
    Staff,
    audited,
)
from service.api.routes.persons import ERRORS, PersonId, visible
from service.api.schemas import EmployerCandidates, ItemList, ItemOut, Kind, ReasonOut
from service.store import persons as crud
from service.store.impressions import record_impressions
from service.store.rows import person as engine_person

router = APIRouter(tags=["shortlists"])
VacancyId = Annotated[str, Path(pattern=r"^[\w.:/-]{1,64}$", examples=["V000170"])]


@router.get("/persons/{person_id}/recommendations", response_model=ItemList, responses=ERRORS)
def recommendations(
    person_id: PersonId,
    db: SessionDep,
    token: Staff,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    request: Request,
    kind: Annotated[Kind, Query(description="vacancy, course or shelter")] = "vacancy",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> ItemList:
    """A person's shortlist, best first, each item with two to five reasons."""
    row = visible(db, token, person_id)
    engine = engines.engine(db)
    items = engine.recommend(engine_person(row, rt.protector), kind, limit=limit)
    audited(request, db, token, [person_id], "recommend")
    record_impressions(
        db,
        subject=person_id,
        kind=kind,
        recommendations=items,
        model_version=engine.model_version,
        today=engine.today,
        list_kind="person",
    )
    return ItemList(items=[ItemOut.model_validate(item.as_dict(lang)) for item in items])


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response_model=ItemList | EmployerCandidates,
    responses=ERRORS,
)
def candidates(
    vacancy_id: VacancyId,
    db: SessionDep,
    token: AnyRole,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ItemList | EmployerCandidates:
    """The persons who fit a vacancy best. Staff see ids; an employer sees only its own
    vacancies, and only consenting candidates, anonymised."""
    try:
        chosen = crud.candidates_for(
            db, engines=engines, runtime=rt, token=token, vacancy_id=vacancy_id, limit=limit
        )
    except LookupError:
        raise ApiError(404, "unknown_vacancy", id=vacancy_id) from None
    except crud.OutOfRegion:
        raise ApiError(403, "out_of_region") from None
    audited(request, db, token, [p.person_id for _, p in chosen], "candidate")
    engine = engines.engine(db)
    record_impressions(
        db,
        subject=vacancy_id,
        kind="vacancy",
        recommendations=[item for item, _ in chosen],
        model_version=engine.model_version,
        today=engine.today,
        list_kind="candidates",
    )
    if token.role == "employer":
        today = date.today()
        return EmployerCandidates(
            vacancy_id=vacancy_id,
            items=[
                crud.anonymous(item, person, protector=rt.protector, lang=lang, today=today)
                for item, person in chosen
            ],
        )
    return ItemList(
        items=[
            ItemOut(
                id=item.id,
                kind="person",
                score=round(item.score, 4),
                reasons=[ReasonOut(code=r.code, text=r.text(lang)) for r in item.reasons],
            )
            for item, _ in chosen
        ]
    )
