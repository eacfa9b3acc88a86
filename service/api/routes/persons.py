from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from service.api.deps import ApiError, Engines, Lang, RuntimeDep, SessionDep, Staff, audited
from service.api.schemas import Error, PersonIn, PersonPublic
from service.store import persons as crud
from service.store.tables import ApiToken, Person

router = APIRouter(tags=["persons"])
PersonId = Annotated[str, Path(pattern=r"^[\w.:/-]{1,64}$", examples=["P00001"])]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}, 422: {"model": Error},
}  # fmt: skip


def visible(db: SessionDep, token: ApiToken, person_id: str) -> Person:
    """The person, if the token may see them: 404 unknown, 403 outside the token's region."""
    row = db.get(Person, person_id)
    if row is None:
        raise ApiError(404, "unknown_person", id=person_id)
    if token.region_kato is not None and row.region_kato != token.region_kato:
        raise ApiError(403, "out_of_region")
    return row


def _invalid(error: crud.Invalid, lang: str) -> ApiError:
    return ApiError(422, "invalid_person", details=[e.as_dict(lang) for e in error.errors])


@router.post(
    "/persons",
    status_code=201,
    response_model=PersonPublic,
    responses={**ERRORS, 409: {"model": Error}},
)
def create_person(
    body: PersonIn,
    db: SessionDep,
    token: Staff,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    request: Request,
) -> PersonPublic:
    """Register a person (validated exactly as an imported row). The IIN is stored protected."""
    try:
        row = crud.save_person(
            db, data=body, protector=rt.protector, must_exist=False, region_scope=token.region_kato
        )
    except crud.Conflict:
        raise ApiError(409, "person_exists", id=body.person_id) from None
    except crud.OutOfRegion:
        raise ApiError(403, "out_of_region") from None
    except crud.Invalid as error:
        raise _invalid(error, lang) from None
    audited(request, db, token, [row.person_id], "create")
    engines.invalidate(persons_only=True)
    return crud.person_public(row, protector=rt.protector, reveal_iin=False)


@router.get("/persons/{person_id}", response_model=PersonPublic, responses=ERRORS)
def read_person(
    person_id: PersonId,
    db: SessionDep,
    token: Staff,
    rt: RuntimeDep,
    request: Request,
    reveal_iin: Annotated[
        bool, Query(description="Show the full IIN (recorded in the audit trail).")
    ] = False,
) -> PersonPublic:
    """A person's record; the IIN is masked unless ``reveal_iin`` is asked for."""
    row = visible(db, token, person_id)
    action = "reveal_iin" if reveal_iin else "read"
    audited(request, db, token, [person_id], action)
    return crud.person_public(row, protector=rt.protector, reveal_iin=reveal_iin)


@router.put("/persons/{person_id}", response_model=PersonPublic, responses=ERRORS)
def replace_person(
    person_id: PersonId,
    body: PersonIn,
    db: SessionDep,
    token: Staff,
    rt: RuntimeDep,
    engines: Engines,
    lang: Lang,
    request: Request,
) -> PersonPublic:
    """Replace a person's record (fields left out take their defaults)."""
    if body.person_id != person_id:
        raise ApiError(422, "id_mismatch")
    visible(db, token, person_id)
    try:
        row = crud.save_person(
            db, data=body, protector=rt.protector, must_exist=True, region_scope=token.region_kato
        )
    except crud.OutOfRegion:
        raise ApiError(403, "out_of_region") from None
    except crud.Invalid as error:
        raise _invalid(error, lang) from None
    audited(request, db, token, [person_id], "update")
    engines.invalidate(persons_only=True)
    return crud.person_public(row, protector=rt.protector, reveal_iin=False)
