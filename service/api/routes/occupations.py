"""Occupations: the profession field's autocomplete, how texts are read, and an officer's
confirmation of a person's occupation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import StringConstraints
from starlette.concurrency import run_in_threadpool

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS, PersonId
from service.api.schemas import (
    CodeList,
    CodeOut,
    Error,
    OccupationIn,
    PersonPublic,
    ReadingOut,
    Readings,
)
from service.api.views import person_public
from service.usecases import occupations
from service.usecases.errors import Invalid

router = APIRouter(tags=["occupations"])
QUERY = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
"""One line with at least one character that is not a space."""
LangParam = Annotated[
    Literal["ru", "kk", "en"] | None,
    Query(description="Language of the titles: ru, kk or en (default: Accept-Language)."),
]


@router.get("/occupations/search", response_model=CodeList, responses=ERRORS)
async def search(
    q: Annotated[
        str,
        Query(min_length=1, max_length=100, pattern=QUERY, description="What was typed so far."),
    ],
    actor: CurrentActor,
    accepted: Lang,
    lang: LangParam = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CodeList:
    """Occupations whose titles fit ``q`` (Russian, Kazakh or English; NKZ titles carry their
    NKZ code), best first: the profession field's autocomplete. Any role."""
    found = await run_in_threadpool(
        occupations.search, actor, q, lang=lang or accepted, limit=limit
    )
    return CodeList(items=[CodeOut.model_validate(occupations.code_dict(c)) for c in found])


@router.get("/occupations/read", response_model=Readings, responses=ERRORS)
async def read(
    text: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=QUERY)]],
        Query(
            min_length=1,
            max_length=20,
            description="A job title or a profession as written (repeat for several).",
        ),
    ],
    actor: CurrentActor,
    accepted: Lang,
    lang: LangParam = None,
) -> Readings:
    """How each text is read: recognised or not, and up to three occupations, best first
    (the shape of ``matcher occupations read --json``). Any role."""
    del actor  # any token
    bad = [t for t in text if not t.strip() or len(t) > 300]
    if bad:
        raise Invalid("occupation_text_bad", max=300)
    found = await run_in_threadpool(occupations.read, text, lang=lang or accepted)
    return Readings(items=[ReadingOut.model_validate(occupations.reading_dict(r)) for r in found])


@router.put(
    "/persons/{person_id}/occupation",
    response_model=PersonPublic,
    responses={
        **ERRORS,
        404: {"model": Error, "description": "No such person in scope, or no such code."},
        409: {"model": Error, "description": "`text` is not one of the person's professions."},
    },
)
def confirm(
    person_id: PersonId, body: OccupationIn, rt: RuntimeDep, actor: CurrentActor, lang: Lang
) -> PersonPublic:
    """Confirm a person's occupation (ISCO-08 ``7212`` or NKZ ``7212-2-005``): from now on it
    wins over the reading of the person's written profession, and the person's lists follow
    it. Recorded in the audit trail."""
    row = occupations.confirm(rt, actor, person_id, body.code, text=body.text)
    return person_public(row, protector=rt.protector, reveal_iin=False, lang=lang)
