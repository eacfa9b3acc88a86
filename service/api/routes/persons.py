"""Registering, reading and replacing a person's record; the responses every route documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from service.api.deps import CurrentActor, RuntimeDep
from service.api.schemas import Error, PersonIn, PersonPublic, PersonReplace
from service.api.views import person_public
from service.usecases import persons

router = APIRouter(tags=["persons"])
PersonId = Annotated[str, Path(pattern=r"^[\p{L}\p{N}_.:/-]{1,64}$", examples=["P00001"])]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {
        "model": Error,
        "description": "No token, or a token not valid or revoked.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string", "enum": ["Bearer"]}}},
    },
    403: {"model": Error, "description": "The token's role or region does not allow it."},
    404: {"model": Error, "description": "No such record, area or address."},
    422: {"model": Error, "description": "The request did not pass validation: see details."},
    503: {
        "model": Error,
        "description": "The database is busy (database_busy): try again (see Retry-After).",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 0},
            }
        },
    },
}
"""What any route with a token may answer besides its success."""


@router.post(
    "/persons",
    status_code=201,
    response_model=PersonPublic,
    responses={**ERRORS, 409: {"model": Error}},
)
def create_person(body: PersonIn, rt: RuntimeDep, actor: CurrentActor) -> PersonPublic:
    """Register a person (validated exactly as an imported row). The IIN is stored protected."""
    row = persons.create(rt, actor, body.model_dump())
    return person_public(row, protector=rt.protector, reveal_iin=False)


@router.get("/persons/{person_id}", response_model=PersonPublic, responses=ERRORS)
def read_person(
    person_id: PersonId,
    rt: RuntimeDep,
    actor: CurrentActor,
    reveal_iin: Annotated[
        bool, Query(description="Show the full IIN (recorded in the audit trail).")
    ] = False,
) -> PersonPublic:
    """A person's record; the IIN is masked unless ``reveal_iin`` is asked for."""
    row = persons.read(rt, actor, person_id, reveal_iin=reveal_iin)
    return person_public(row, protector=rt.protector, reveal_iin=reveal_iin)


@router.put("/persons/{person_id}", response_model=PersonPublic, responses=ERRORS)
def replace_person(
    person_id: PersonId, body: PersonReplace, rt: RuntimeDep, actor: CurrentActor
) -> PersonPublic:
    """Replace a person's record (fields left out take their defaults). The path names the
    person; a ``person_id`` in the body, if any, must be the path's (else 422)."""
    row = persons.replace(rt, actor, person_id, body.model_dump())
    return person_public(row, protector=rt.protector, reveal_iin=False)
