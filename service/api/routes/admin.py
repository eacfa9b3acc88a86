from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy import text

from matcher import __version__
from service.api.deps import Admin, ApiError, SessionDep
from service.api.routes.persons import ERRORS
from service.api.schemas import AuditOut, Health, TokenCreated, TokenIn, TokenOut
from service.store import audit, tokens

router = APIRouter()


@router.get("/health", response_model=Health, tags=["service"])
def health(db: SessionDep) -> Health:
    """Liveness and database reachability (no token needed)."""
    db.execute(text("SELECT 1"))
    return Health(status="ok", database=db.get_bind().dialect.name, version=__version__)


@router.get("/audit", response_model=list[AuditOut], responses=ERRORS, tags=["admin"])
def audit_trail(
    db: SessionDep,
    token: Admin,
    person_id: Annotated[str | None, Query(pattern=r"^[\w.:/-]{1,64}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    """Who read or changed a person's record, when and through which route, newest first."""
    return [
        AuditOut.model_validate(event.model_dump())
        for event in audit.events(db, person_id=person_id, limit=limit)
    ]


def _token_out(record: object) -> TokenOut:
    return TokenOut.model_validate(record, from_attributes=True)


@router.post(
    "/tokens", status_code=201, response_model=TokenCreated, responses=ERRORS, tags=["admin"]
)
def create_token(body: TokenIn, db: SessionDep, token: Admin) -> TokenCreated:
    """A new token, shown once in the answer: only its hash is stored."""
    try:
        secret, record = tokens.create(
            db,
            role=body.role,
            employer_bin=body.employer_bin,
            region_kato=body.region_kato,
            label=body.label,
        )
    except tokens.TokenError as error:
        params: dict[str, Any] = dict(error.params)
        raise ApiError(422, f"token_{error.code}", **params) from None
    return TokenCreated(**_token_out(record).model_dump(), token=secret)


@router.get("/tokens", response_model=list[TokenOut], responses=ERRORS, tags=["admin"])
def list_tokens(db: SessionDep, token: Admin) -> list[TokenOut]:
    return [_token_out(record) for record in tokens.listing(db)]


@router.delete("/tokens/{token_id}", response_model=TokenOut, responses=ERRORS, tags=["admin"])
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], db: SessionDep, token: Admin
) -> TokenOut:
    """Revoke a token: it stops working at once."""
    try:
        return _token_out(tokens.revoke(db, token_id))
    except tokens.TokenError:
        raise ApiError(404, "unknown_token", id=token_id) from None
