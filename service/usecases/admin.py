"""Tokens and the audit trail: administrators only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.runtime import Runtime
from service.store import audit, tokens
from service.store.tables import ApiToken, AuditEvent
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, NotFound, Unauthorized


def authenticate(rt: Runtime, secret: str | None, *, method: str, route: str) -> Actor:
    """The actor a presented bearer token stands for (401 when none or not a live one)."""
    if not secret:
        raise Unauthorized("no_token")
    with rt.session() as session:
        found = tokens.find(session, secret)
    if found is None:
        raise Unauthorized("bad_token")
    return Actor.of_token(found, method=method, route=route)


def trail(rt: Runtime, actor: Actor, *, person_id: str | None, limit: int) -> Sequence[AuditEvent]:
    access.admin_only(actor)
    with rt.session() as session:
        return audit.events(session, person_id=person_id, limit=limit)


def create_token(
    rt: Runtime,
    actor: Actor,
    *,
    role: str,
    employer_bin: str | None = None,
    region_kato: str | None = None,
    label: str | None = None,
    email: str | None = None,
    lang: str = "ru",
) -> tuple[str, ApiToken]:
    """A new token, shown once: only its hash is stored."""
    access.admin_only(actor)
    with rt.writing() as session:
        try:
            return tokens.create(
                session, role=role, employer_bin=employer_bin, region_kato=region_kato,
                label=label, email=email, lang=lang,
            )  # fmt: skip
        except tokens.TokenError as error:
            params: dict[str, Any] = dict(error.params)
            raise Invalid(f"token_{error.code}", **params) from None


def list_tokens(rt: Runtime, actor: Actor) -> Sequence[ApiToken]:
    access.admin_only(actor)
    with rt.session() as session:
        return tokens.listing(session)


def revoke_token(rt: Runtime, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token: it stops working at once, on every host."""
    access.admin_only(actor)
    with rt.writing() as session:
        try:
            return tokens.revoke(session, token_id)
        except tokens.TokenError:
            raise NotFound("unknown_token", id=token_id) from None
