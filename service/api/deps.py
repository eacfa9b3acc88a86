"""What routes depend on, declared once: the session, the caller's token, the language, the
engine. Errors are raised as ``ApiError`` and turned into JSON by ``service.api.app``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from catalogs.i18n import messages
from matcher.engine import Engine
from matcher.index import PersonIndex
from service.runtime import Runtime
from service.store import tokens
from service.store.tables import ApiToken


class ApiError(Exception):
    """An error answered with ``status`` and a message in the caller's language."""

    def __init__(
        self,
        status: int,
        code: str,
        *,
        details: list[dict[str, object]] | None = None,
        **params: object,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params
        self.details = details or []

    def message(self, lang: str) -> str:
        return messages("service").text(f"api_{self.code}", lang, **self.params)


def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def session(request: Request) -> Iterator[Session]:
    with runtime(request).session() as opened:
        yield opened


def language(accept_language: Annotated[str | None, Header()] = None) -> str:
    """ru, kk or en from ``Accept-Language`` (ru when none fits)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("ru", "kk", "en"):
            return tag
    return "ru"


bearer = HTTPBearer(auto_error=False, description="A token from `matcher token create`.")
SessionDep = Annotated[Session, Depends(session)]
Lang = Annotated[str, Depends(language)]


def current_token(
    db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiToken:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "no_token")
    found = tokens.find(db, credentials.credentials)
    if found is None:
        raise ApiError(401, "bad_token")
    return found


CurrentToken = Annotated[ApiToken, Depends(current_token)]


def require(*roles: str):  # type: ignore[no-untyped-def]
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(token: CurrentToken) -> ApiToken:
        if token.role not in roles:
            raise ApiError(403, "forbidden_role", role=token.role)
        return token

    return Depends(check)


Staff = Annotated[ApiToken, require("officer", "inspector", "admin")]
Admin = Annotated[ApiToken, require("admin")]
AnyRole = Annotated[ApiToken, require("officer", "inspector", "employer", "admin")]


class EngineCache:
    """One engine (and person index) per process, rebuilt when the data change or the day
    turns. Building takes seconds on a national catalog; queries take milliseconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._persons: PersonIndex | None = None
        self._day: date | None = None

    def invalidate(self, *, persons_only: bool = False) -> None:
        with self._lock:
            self._persons = None
            if not persons_only:
                self._engine = None

    def engine(self, db: Session) -> Engine:
        from service.store.modelstore import active_version
        from service.store.rows import load_engine, with_active_model

        with self._lock:
            today = date.today()
            if self._engine is None or self._day != today:
                self._engine, self._day, self._persons = load_engine(db, today=today), today, None
            elif self._engine.model_version != active_version(db):
                # a new model was promoted or rolled back: same catalogs, other rankers
                self._engine = with_active_model(db, self._engine)
            return self._engine

    def persons(self, db: Session, rt: Runtime) -> PersonIndex:
        from service.store.rows import load_persons

        engine = self.engine(db)
        with self._lock:
            if self._persons is None:
                self._persons = load_persons(db, engine, protector=rt.protector)
            return self._persons


def engines(request: Request) -> EngineCache:
    found: EngineCache = request.app.state.engines
    return found


Engines = Annotated[EngineCache, Depends(engines)]
RuntimeDep = Annotated[Runtime, Depends(runtime)]


def audited(
    request: Request, db: Session, token: ApiToken, person_ids: list[str], action: str
) -> None:
    """Record in the audit trail that ``token`` touched these persons through this request."""
    from service.store import audit

    audit.record(
        db,
        token=token,
        method=request.method,
        route=request.url.path,
        person_ids=person_ids,
        action=action,
    )
