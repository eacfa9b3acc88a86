"""Health (no token), the audit trail and tokens (administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import text

from matcher import __version__
from service.api.deps import CurrentActor, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas import AuditOut, Health, TokenCreated, TokenIn, TokenOut
from service.usecases import admin

router = APIRouter()


@router.get("/health", response_model=Health, response_model_exclude_none=True, tags=["service"])
def health(request: Request, rt: RuntimeDep) -> Health:
    """Liveness and database reachability (no token needed); the database's kind and the
    version only to a caller with a valid token."""
    with rt.session() as session:
        session.execute(text("SELECT 1"))
        dialect = session.get_bind().dialect.name
    if not admin.is_known(rt, request.headers.get("authorization")):
        return Health(status="ok")
    return Health(status="ok", database=dialect, version=__version__)


@router.get("/audit", response_model=list[AuditOut], responses=ERRORS, tags=["admin"])
def audit_trail(
    rt: RuntimeDep,
    actor: CurrentActor,
    person_id: Annotated[str | None, Query(pattern=r"^[\p{L}\p{N}_.:/-]{1,64}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    """Who read or changed a person's record, when and through which route, newest first."""
    return [
        AuditOut.model_validate(event.model_dump())
        for event in admin.trail(rt, actor, person_id=person_id, limit=limit)
    ]


def _token_out(record: object) -> TokenOut:
    return TokenOut.model_validate(record, from_attributes=True)


@router.post(
    "/tokens", status_code=201, response_model=TokenCreated, responses=ERRORS, tags=["admin"]
)
def create_token(body: TokenIn, rt: RuntimeDep, actor: CurrentActor) -> TokenCreated:
    """A new token, shown once in the answer: only its hash is stored."""
    secret, record = admin.create_token(
        rt,
        actor,
        role=body.role,
        employer_bin=getattr(body, "employer_bin", None),
        region_kato=getattr(body, "region_kato", None),
        label=body.label,
        email=body.email,
        lang=body.lang,
        days=body.days,
    )
    return TokenCreated(**_token_out(record).model_dump(), token=secret)


@router.get("/tokens", response_model=list[TokenOut], responses=ERRORS, tags=["admin"])
def list_tokens(rt: RuntimeDep, actor: CurrentActor) -> list[TokenOut]:
    return [_token_out(record) for record in admin.list_tokens(rt, actor)]


@router.delete("/tokens/{token_id}", response_model=TokenOut, responses=ERRORS, tags=["admin"])
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], rt: RuntimeDep, actor: CurrentActor
) -> TokenOut:
    """Revoke a token: it stops working at once."""
    return _token_out(admin.revoke_token(rt, actor, token_id))
