"""Tokens and the audit trail: administrators only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.runtime import Runtime
from service.store import audit, tokens
from service.store.tables import ApiToken, AuditEvent
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Busy, Conflict, Invalid, NotFound, Unauthorized


def authenticate(rt: Runtime, secret: str | None, *, method: str, route: str) -> Actor:
    """The actor a presented bearer token stands for (401 when none, not a live one, or
    expired); its last use is recorded at most once a minute."""
    if not secret:
        raise Unauthorized("no_token")
    with rt.session() as session:
        found = tokens.find(session, secret)
    if found is None:
        raise Unauthorized("bad_token")
    if tokens.expired(found):
        assert found.expires_at is not None
        raise Unauthorized("token_expired", date=found.expires_at.date().isoformat())
    _touch(rt, found)
    return Actor.of_token(found, method=method, route=route)


def is_known(rt: Runtime, authorization: str | None) -> bool:
    """Whether an ``Authorization`` header carries a live token (no refusal, no trace)."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return False
    with rt.session() as session:
        found = tokens.find(session, secret.strip())
    return found is not None and not tokens.expired(found)


def _touch(rt: Runtime, found: ApiToken) -> None:
    """Best effort: a database busy with a long write does not fail the request for it."""
    if not tokens.touch_due(found):
        return
    try:
        with rt.session() as session:
            tokens.touch(session, found)
    except Busy:
        pass


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
    days: int | None = None,
) -> tuple[str, ApiToken]:
    """A new token, shown once: only its hash is stored; it lives ``days`` days (by default
    ``MATCHER_TOKEN_DAYS``, 90)."""
    access.admin_only(actor)
    with rt.writing() as session:
        try:
            secret, record = tokens.create(
                session, role=role, employer_bin=employer_bin, region_kato=region_kato,
                label=label, email=email, lang=lang, days=days or rt.settings.token_days,
                commit=False,
            )  # fmt: skip
        except tokens.TokenError as error:
            params: dict[str, Any] = dict(error.params)
            raise Invalid(f"token_{error.code}", **params) from None
        audit.record(
            session, actor=actor, person_ids=[f"#token:{record.id}"], action="token_create"
        )
        session.commit()
        session.refresh(record)
        return secret, record


def list_tokens(rt: Runtime, actor: Actor) -> Sequence[ApiToken]:
    access.admin_only(actor)
    with rt.session() as session:
        return tokens.listing(session)


def revoke_token(rt: Runtime, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token: it stops working at once here, within seconds on every other host
    (``tokens.REMEMBER_SECONDS``). The last live admin token stays (409): else nobody could
    make tokens through the API any more."""
    access.admin_only(actor)
    with rt.writing() as session:
        try:
            record = tokens.revoke(session, token_id, commit=False)
        except tokens.TokenError as error:
            if error.code == "last_admin":
                raise Conflict("last_admin") from None
            raise NotFound("unknown_token", id=token_id) from None
        audit.record(session, actor=actor, person_ids=[f"#token:{token_id}"], action="token_revoke")
        session.commit()
        session.refresh(record)
        return record
