"""What every HTTP request meets before a route (docs/security.md, "Limits" and "Headers").

Three ASGI middlewares, outermost first:

* :class:`Guard`: security headers on every response, and the last resort for an error no
  handler took: a JSON 500, logged, never re-raised (Starlette's ServerErrorMiddleware
  re-raises after its 500, which breaks the next request on the same keep-alive connection);
* :class:`TokenLimits`: per bearer token, and per signed-in account of the pages, at most
  ``token_concurrency`` requests in progress (``account_concurrency`` for an account, whose
  browser fetches a page's chart beside it) and ``token_rate_per_minute`` in a moving
  minute, else 429 with ``Retry-After``;
* :class:`BodyLimit`: a body over its route's limit is refused with 413 before it is parsed
  (``Content-Length`` first; a chunked body is counted as it streams in).

Limits are kept in the memory of one server process: ``matcher serve --workers N`` allows N
times as much per token (docs/security.md says so).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalogs.i18n import messages
from service.api.deps import language
from service.web.session import COOKIE

log = logging.getLogger("matcher.api")

API = "/api/v1"
IMPORTS = re.compile(r"/api/v1/imports/[^/]+/?")
NOT_PERSONAL = frozenset({f"{API}/health", f"{API}/openapi.json"})
"""/api/v1 addresses whose answers carry no personal data (the rest: ``no-store``)."""
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""For HTML answers (the /docs page runs Swagger UI's local files and one inline script)."""


def error(status: int, code: str, lang: str, **params: object) -> JSONResponse:
    """The API's error shape, the message in ``lang``."""
    text = messages("service").text(f"api_{code}", lang, **params)
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": text, "details": []}},
    )


def _lang(scope: Scope) -> str:
    return language(Headers(scope=scope).get("accept-language"))


@dataclass(frozen=True)
class Limits:
    """The figures in force (from ``Settings``)."""

    body: int = 1024 * 1024
    imports_body: int = 200 * 1024 * 1024
    concurrency: int = 2
    account_concurrency: int = 4
    per_minute: int = 6000

    @classmethod
    def of(cls, settings: Any) -> Limits:
        """The figures of ``settings`` (the defaults when there are none, e.g. an app made
        only to print its schema)."""
        if settings is None:
            return cls()
        return cls(
            body=settings.body_limit,
            imports_body=settings.import_body_limit,
            concurrency=settings.token_concurrency,
            account_concurrency=settings.account_concurrency,
            per_minute=settings.token_rate_per_minute,
        )

    def body_for(self, method: str, path: str) -> int:
        """The largest body a route takes: imports take files, every other route JSON."""
        if method == "POST" and IMPORTS.fullmatch(path):
            return self.imports_body
        return self.body


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed body passes its limit: an ``HTTPException``,
    so that FastAPI's body parsing lets it through to the handler (``service.api.app``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit

    def response(self, lang: str) -> JSONResponse:
        return error(413, "body_too_large", lang, limit=self.limit)


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.body_for(scope["method"], scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await BodyTooLarge(limit).response(_lang(scope))(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


AccountOf = Callable[[str], "int | None"]
"""The account a pages' session cookie belongs to (``service.web.session.account_of``)."""


def _token_key(scope: Scope) -> str | None:
    """Who a request counts against: its bearer token (hashed; never kept in clear)."""
    authorization = Headers(scope=scope).get("authorization", "")
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return hashlib.sha256(secret.strip().encode()).hexdigest()[:32]


def _account_key(scope: Scope, account_of: AccountOf | None) -> str | None:
    """A page request of a signed-in account (its style sheets and scripts are not counted)."""
    if account_of is None or scope["path"].startswith("/static/"):
        return None
    raw = cookie_parser(Headers(scope=scope).get("cookie", "")).get(COOKIE)
    account = account_of(raw) if raw else None
    return None if account is None else f"account:{account}"


class MovingMinute:
    """At most ``limit`` hits per key in any 60 seconds: each key keeps the times of its hits
    in the last minute, oldest first. Only the event loop calls it (no lock, no thread).

    ``limits``' ``MemoryStorage``, used here before, starts a timer thread to expire its
    entries whenever the last one has run out (10 ms after it started): under a steady load,
    a new thread for almost every request, and the request waits until it has started."""

    SPAN = 60.0

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.swept = clock()

    def hit(self, key: str) -> float | None:
        """Count a hit of ``key`` and return None; or, when its minute is full, count nothing
        and return the seconds until a hit is allowed again."""
        now = self.clock()
        if now - self.swept >= self.SPAN:
            self._forget_idle(now)
        times = self.hits.get(key)
        if times is None:
            times = self.hits[key] = deque()
        while times and times[0] <= now - self.SPAN:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.SPAN - now
        times.append(now)
        return None

    def _forget_idle(self, now: float) -> None:
        """Drop the keys with no hit in the last minute (once a minute: the memory stays
        bounded by the keys seen in two minutes, at a cost shared by a minute's requests)."""
        self.swept = now
        idle = [
            key for key, times in self.hits.items() if not times or times[-1] <= now - self.SPAN
        ]
        for key in idle:
            del self.hits[key]


class TokenLimits:
    """Per token or signed-in account, per process: requests in progress, and requests in a
    moving minute. A request with neither is not counted here (it gets 401, or the login
    page, unless it is /health, the documentation or a style sheet)."""

    def __init__(self, app: ASGIApp, limits: Limits, account_of: AccountOf | None = None) -> None:
        self.app = app
        self.limits = limits
        self.account_of = account_of
        self.window = MovingMinute(limits.per_minute)
        self.running: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _token_key(scope) if scope["type"] == "http" else None
        at_once = self.limits.concurrency
        if key is None and scope["type"] == "http":
            key = _account_key(scope, self.account_of)
            at_once = self.limits.account_concurrency
        if key is None:
            await self.app(scope, receive, send)
            return
        if self.running.get(key, 0) >= at_once:
            refusal = error(429, "too_many_at_once", _lang(scope), limit=at_once)
            refusal.headers["Retry-After"] = "1"
            await refusal(scope, receive, send)
            return
        wait = self.window.hit(key)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            refusal = error(429, "rate_limited", _lang(scope), seconds=seconds)
            refusal.headers["Retry-After"] = str(seconds)
            await refusal(scope, receive, send)
            return
        self.running[key] = self.running.get(key, 0) + 1
        done = False

        def release() -> None:
            nonlocal done
            if done:
                return
            done = True
            left = self.running[key] - 1
            if left:
                self.running[key] = left
            else:
                del self.running[key]

        async def sending(message: Message) -> None:
            # the slot is free once the answer is complete: a client that sends its next
            # request as soon as it has read this one is never counted twice
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                release()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            release()


def _security_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``nosniff`` everywhere; ``no-store`` on every answer that may carry personal data
    (the API's, but /health and the schema, and every HTML page); on HTML, a policy that
    forbids framing. A route's own ``Content-Security-Policy`` (the pages') is kept."""
    content_type = {n.lower(): v for n, v in headers}.get(b"content-type", b"")
    html = content_type.startswith(b"text/html")
    added = [(b"x-content-type-options", b"nosniff")]
    if html or (path.startswith(API + "/") and path not in NOT_PERSONAL):
        headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
        added.append((b"cache-control", b"no-store"))
    if html:
        added += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
    names = {name.lower() for name, _ in headers}
    return [*headers, *(item for item in added if item[0] not in names)]


class Guard:
    """Headers on every answer; an unexpected error answered once, as JSON, and logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {
                    **message,
                    "headers": _security_headers(scope["path"], list(message.get("headers", []))),
                }
            await send(message)

        try:
            await self.app(scope, receive, guarded)
        except BodyTooLarge as refused:
            if not started:
                await refused.response(_lang(scope))(scope, receive, guarded)
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                await error(500, "internal", _lang(scope))(scope, receive, guarded)


def install(app: Any, limits: Limits, account_of: AccountOf | None = None) -> None:
    """Wrap ``app`` (a FastAPI app): the last added runs first."""
    app.add_middleware(BodyLimit, limits=limits)
    app.add_middleware(TokenLimits, limits=limits, account_of=account_of)
    app.add_middleware(Guard)
