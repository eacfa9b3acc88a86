"""What routes depend on, declared once: the runtime, the caller (an ``Actor`` from the bearer
token) and the language. Errors are ``Problem``s, turned into JSON by ``service.api.app``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from service.runtime import Runtime
from service.usecases import admin
from service.usecases.actor import Actor
from service.usecases.errors import Problem


class ApiError(Problem):
    """A refusal made by the HTTP layer itself (a body too large, a media type)."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.status = status


def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def language(accept_language: Annotated[str | None, Header()] = None) -> str:
    """ru, kk or en from ``Accept-Language`` (ru when none fits)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("ru", "kk", "en"):
            return tag
    return "ru"


bearer = HTTPBearer(auto_error=False, description="A token from `matcher token create`.")
RuntimeDep = Annotated[Runtime, Depends(runtime)]
Lang = Annotated[str, Depends(language)]


async def current_actor(
    request: Request,
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    secret = (
        credentials.credentials
        if credentials is not None and credentials.scheme.lower() == "bearer"
        else None
    )
    return await run_in_threadpool(
        admin.authenticate, rt, secret, method=request.method, route=request.url.path
    )


CurrentActor = Annotated[Actor, Depends(current_actor)]
