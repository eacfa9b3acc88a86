"""The HTTP API (``matcher serve``): FastAPI app factory, error mapping, OpenAPI.

Every error is JSON, ``{"error": {"code", "message", "details"}}``, with the message in the
caller's language (``Accept-Language``: ru, kk, en). Bad input is a 4xx; a 500 is a bug.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from catalogs.i18n import messages
from matcher import __version__
from service.api import docs, fields, limits
from service.api.deps import language
from service.api.routes import (
    admin,
    capacity,
    data,
    employers,
    jobs,
    lists,
    model,
    notifications,
    occupations,
    persons,
    plans,
    referrals,
    reports,
)
from service.config import Settings
from service.jobs import queue, tasks
from service.runtime import Runtime
from service.training.schedule import RetrainSchedule
from service.usecases.daily import DailyClock
from service.usecases.errors import Busy, Problem
from service.web import routes as web
from service.web import session as web_session

log = logging.getLogger("matcher.api")
PREFIX = "/api/v1"
DESCRIPTION = """
Quota vacancies, training courses and adaptation centres for people leaving prison or on
probation in Kazakhstan. Bearer tokens (`matcher token create`) carry a role:

* **officer** (employment centre) and **inspector** (probation): persons, shortlists,
  candidates, outcomes — limited to one region when the token says so;
* **employer**: candidates for its own vacancies only — consenting persons, anonymised;
* **admin**: imports, tokens, the audit trail.

Errors are JSON: `{"error": {"code", "message", "details"}}`; messages follow `Accept-Language`
(ru, kk, en). All data in the demo database are synthetic.
"""


def _error(
    status: int, code: str, message: str, details: list[dict[str, object]] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": message, "details": details or []}},
    )


def _allowed(app: FastAPI, path: str) -> str:
    """Every method the schema documents for ``path`` (Starlette names only the methods of the
    first route that matched the path, and a path may have several routes)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {method.upper() for method in operations}
    return ", ".join(sorted(methods))


def _text(code: str, lang: str, **params: object) -> str:
    return messages("service").text(f"api_{code}", lang, **params)


@asynccontextmanager
async def job_runner(rt: Runtime) -> AsyncIterator[None]:
    """Jobs left behind by a stopped process are marked failed; on SQLite this process runs
    the jobs it queues; on PostgreSQL, with ``MATCHER_WORKER_IN_SERVER=1``, it also runs a
    procrastinate worker (else ``matcher worker`` does)."""
    how = queue.backend(rt)
    if how != "inline":
        await run_in_threadpool(tasks.reap, rt)
    worker: asyncio.Task[None] | None = None
    if how == "procrastinate" and rt.settings.worker_in_server:
        from service.jobs import procrastinate_app

        await run_in_threadpool(procrastinate_app.ensure_schema, rt)
        worker = asyncio.create_task(procrastinate_app.run_worker_async(rt))
    try:
        yield
    finally:
        if worker is not None:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker
        queue.close(rt)


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The API over ``runtime`` (by default, the database the settings name)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = app.state.runtime
        to_thread.current_default_thread_limiter().total_tokens = rt.settings.request_threads
        if rt.is_served:
            rt.ready()  # a database written under another key stops the start here
            rt.serving.warm(rt)  # the engine is built while the server already answers
        try:
            every = rt.settings.retrain_every_hours
            schedule = RetrainSchedule(rt, every) if every else None
            if schedule is not None:
                schedule.start()
            hour = rt.settings.clock_hour
            daily = DailyClock(rt, hour=hour) if hour is not None and rt.is_served else None
            if daily is not None:
                daily.start()
            async with job_runner(rt):
                yield
            if schedule is not None:
                schedule.stop()
            if daily is not None:
                daily.stop()
        finally:
            if rt.is_served:  # no build left reading a database about to be closed
                await run_in_threadpool(rt.serving.stop)

    app = FastAPI(
        lifespan=lifespan,
        title="matcher",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    docs.mount(app, openapi_url=f"{PREFIX}/openapi.json")
    app.state.runtime = runtime or Runtime.from_settings(Settings())
    settings = getattr(app.state.runtime, "settings", None)
    limits.install(app, limits.Limits.of(settings), _account_of(settings))
    for router in (
        admin.router,
        persons.router,
        lists.router,
        plans.router,
        data.router,
        model.router,
        reports.router,
        jobs.router,
        referrals.router,
        notifications.router,
        capacity.router,
        employers.router,
        occupations.router,
    ):
        app.include_router(router, prefix=PREFIX)
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    app.include_router(web.router)  # the pages, last: it ends with their 404 page

    @app.exception_handler(Problem)
    async def problem(request: Request, error: Problem) -> JSONResponse:
        lang = language(request.headers.get("accept-language"))
        response = _error(error.status, error.code, error.message(lang), error.details_in(lang))
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, Busy):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        lang = language(request.headers.get("accept-language"))
        details: list[dict[str, object]] = [
            {
                "column": ".".join(str(part) for part in issue.get("loc", ())),
                "code": str(issue.get("type", "invalid")),
                "message": fields.message(issue, lang),
            }
            for issue in error.errors()
        ]
        return _error(422, "invalid_request", _text("invalid_request", lang), details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        lang = language(request.headers.get("accept-language"))
        if isinstance(error, limits.BodyTooLarge):
            return error.response(lang)
        if error.status_code == 400:
            # FastAPI's own refusal of a body it cannot parse (not UTF-8, say): the documented
            # 422 of any request that does not pass validation
            details: list[dict[str, object]] = [
                {
                    "column": "body",
                    "code": "json_invalid",
                    "message": fields.message({"type": "json_invalid"}, lang),
                }
            ]
            return _error(422, "invalid_request", _text("invalid_request", lang), details)
        status = error.status_code
        if status == 404 and request.url.path.startswith(PREFIX + "/"):
            # a catch-all route (the pages' 404) may have matched an API path that exists
            # with other methods: that is a 405, as Starlette answers without one
            allowed = _allowed(app, request.url.path)
            if allowed and request.method not in allowed.split(", "):
                status = 405
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
        response = _error(status, code, _text(code, lang))
        response.headers.update(error.headers or {})
        if status == 405:
            response.headers["Allow"] = _allowed(app, request.url.path)
        return response

    # an unexpected error is answered (JSON 500) and logged by ``limits.Guard``, which does
    # not re-raise it: the connection stays usable for the next request

    return app


def _account_of(settings: Settings | None) -> limits.AccountOf | None:
    """The account of a pages' session cookie, for the per-account limits."""
    if settings is None:
        return None
    secret: list[bytes] = []

    def account_of(raw: str) -> int | None:
        if not secret:
            secret.append(settings.secret())
        return web_session.account_of(raw, secret[0])

    return account_of


def from_settings() -> FastAPI:
    """The app over the database the environment names (for ``uvicorn --factory``)."""
    return create_app()
