"""What routes depend on, declared once: the runtime, the caller (an ``Actor`` from the bearer
token) and the language. Errors are ``Problem``s, turned into JSON by ``service.api.app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from service.runtime import Runtime
from service.store import audit, tokens
from service.usecases import admin
from service.usecases.access import OutOfScope
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, Problem


class ApiError(Problem):
    """A refusal made by the HTTP layer itself (a body too large, a media type)."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.status = status


async def runtime(request: Request) -> Runtime:
    """The app's runtime. Dependencies that neither wait nor compute are ``async``: FastAPI
    runs a plain ``def`` one in a worker thread, a hop that costs more than they do."""
    found: Runtime = request.app.state.runtime
    if not getattr(request.app.state, "audit_keyed", False):
        audit.use_key(found.bind, found.protector.audit_key())
        request.app.state.audit_keyed = True
    return found


def language(accept_language: str | None) -> str:
    """ru, kk or en from ``Accept-Language`` (ru when none fits)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("ru", "kk", "en"):
            return tag
    return "ru"


async def _language(accept_language: Annotated[str | None, Header()] = None) -> str:
    return language(accept_language)


bearer = HTTPBearer(auto_error=False, description="A token from `matcher token create`.")
RuntimeDep = Annotated[Runtime, Depends(runtime)]
Lang = Annotated[str, Depends(_language)]


REFUSALS = {"forbidden_role": "denied_role", "out_of_region": "denied_area"}
"""How the audit trail names a 403: a role that may not use the route, an area outside the
token's region, or another refusal (``denied``)."""


async def current_actor(
    request: Request,
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AsyncIterator[Actor]:
    """The caller, with the address the request came from. A refusal of a record outside the
    caller's scope (answered 404, as an unknown id) or any 403 is recorded in the audit
    trail, whichever use case made it.

    A token this process found a moment ago (``tokens.REMEMBER_SECONDS``), live, unexpired
    and with no last use to record, is taken from memory here, on the event loop; any other
    goes through ``admin.authenticate`` in a worker thread (a query, maybe a write)."""
    secret = (
        credentials.credentials
        if credentials is not None and credentials.scheme.lower() == "bearer"
        else None
    )
    known = tokens.recall(rt.bind, secret) if secret else None
    if known is not None and not tokens.expired(known) and not tokens.touch_due(known):
        found = Actor.of_token(known, method=request.method, route=request.url.path)
    else:
        found = await run_in_threadpool(
            admin.authenticate, rt, secret, method=request.method, route=request.url.path
        )
    actor = replace(found, client=request.client.host if request.client else None)
    try:
        yield actor
    except (OutOfScope, Forbidden) as refusal:
        if isinstance(refusal, OutOfScope):
            subject, action = refusal.person_id, "denied_scope"
        else:
            subject = request.path_params.get("person_id")
            action = REFUSALS.get(refusal.code, "denied")
        await run_in_threadpool(_record_refusal, rt, actor, subject, action)
        raise


def _record_refusal(rt: Runtime, actor: Actor, person_id: str | None, action: str) -> None:
    with rt.writing() as session:
        audit.record(
            session, actor=actor, person_ids=[person_id or "#" + actor.route[:63]], action=action
        )
        session.commit()


CurrentActor = Annotated[Actor, Depends(current_actor)]
