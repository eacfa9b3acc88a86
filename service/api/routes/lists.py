"""A person's shortlist and a vacancy's candidates (anonymised for its employer)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS, PersonId
from service.api.schemas import (
    EmployerCandidates,
    ItemList,
    ItemOut,
    Kind,
    NoticeOut,
    ReasonOut,
)
from service.api.views import anonymous
from service.usecases import offers, shortlists

router = APIRouter(tags=["shortlists"])
VacancyId = Annotated[str, Path(pattern=r"^[\p{L}\p{N}_.:/-]{1,64}$", examples=["V000170"])]


@router.get("/persons/{person_id}/recommendations", response_model=ItemList, responses=ERRORS)
def recommendations(
    person_id: PersonId,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    kind: Annotated[Kind, Query(description="vacancy, course or shelter")] = "vacancy",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    """A person's shortlist, best first, each item with two to five reasons and what an
    officer acts on (title, who offers it, place, money, schedule, dates, free places,
    contact); the same job at the same employer under several ids is one item (``also_ids``)."""
    found = shortlists.person_shortlist(rt, actor, person_id=person_id, kind=kind, limit=limit)
    facts = offers.facts(rt, found, lang)
    shown = ItemList(
        items=[
            ItemOut.model_validate(offers.item_dict(item, fact, lang))
            for item, fact in zip(found.items, facts, strict=True)
        ],
        notices=[NoticeOut.model_validate(notice.as_dict(lang)) for notice in found.notices],
    )
    # validated above: written out here, in this worker thread, rather than validated again
    # by the framework in another (the same bytes; the schema is the declared response_model)
    return Response(shown.model_dump_json(), media_type="application/json")


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response_model=ItemList | EmployerCandidates,
    responses=ERRORS,
)
def candidates(
    vacancy_id: VacancyId,
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ItemList | EmployerCandidates:
    """The persons who fit a vacancy best. Staff see ids; an employer sees only its own
    vacancies, and only consenting candidates, anonymised."""
    found = shortlists.vacancy_candidates(rt, actor, vacancy_id=vacancy_id, limit=limit)
    if actor.role == "employer":
        today = date.today()
        return EmployerCandidates(
            vacancy_id=vacancy_id,
            items=[
                anonymous(
                    item,
                    person,
                    protector=rt.protector,
                    employer_bin=actor.employer_bin or "",
                    lang=lang,
                    today=today,
                )
                for item, person in found.items
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
            for item, _ in found.items
        ]
    )
