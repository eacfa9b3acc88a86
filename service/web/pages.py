"""What every page shares: the visit (runtime, session, account, language), rendering with
the security headers, the guards (signed in, role, CSRF) and the error pages they lead to."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from catalogs.i18n import messages, moment
from service.runtime import Runtime
from service.store.tables import Account
from service.usecases import accounts
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, NotFound, Problem
from service.web import session as cookies
from service.web.session import WebSession

log = logging.getLogger("matcher.web")
LANGS = ("kk", "ru", "en")
MAX_FORM = 64 * 1024
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""On every page: no inline script or style, never framed, no personal data cached."""


def t(key: str, lang: str, **params: object) -> str:
    """A text of the pages in ``lang`` (``service/web/locales``)."""
    return messages("service.web").text(key, lang, **params)


def day(value: date | None) -> str:
    """27.01.2027, as dates are written in Kazakhstan (an empty string for none)."""
    return "" if value is None else value.strftime("%d.%m.%Y")


def money(value: int | None) -> str:
    """360 000 ₸."""
    return "" if value is None else f"{value:,}".replace(",", " ") + " ₸"


_env = Environment(
    loader=PackageLoader("service.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["day"] = day
_env.filters["money"] = money
_env.filters["moment"] = moment


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class PageNotFound(Exception):
    """Unknown, or not for this account: the same answer, so that nothing leaks."""


class CsrfRefused(Exception):
    pass


def language_of(request: Request, stored: str | None) -> str:
    if stored in LANGS:
        return stored
    for part in (request.headers.get("accept-language") or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGS:
            return tag
    return "ru"


def safe_next(target: str | None, default: str = "/") -> str:
    """A place on this site to go back to (never another site's address)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@dataclass
class Visit:
    request: Request
    rt: Runtime
    session: WebSession
    account: Account | None
    lang: str

    @property
    def secret(self) -> bytes:
        return self.rt.settings.secret()

    @property
    def here(self) -> str:
        url = self.request.url
        return url.path + (f"?{url.query}" if url.query else "")

    def actor(self) -> Actor:
        assert self.account is not None
        return Actor.of_account(
            self.account,
            method=self.request.method,
            route=self.request.url.path,
            client=self.request.client.host if self.request.client else None,
        )

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def need(self, *roles: str) -> Actor:
        """The signed-in account's actor, if its role is one of ``roles`` (else 404);
        to the login page when no one is signed in."""
        if self.account is None:
            raise Redirect("/login?next=" + quote(self.here, safe="/"))
        if self.account.must_change_password:
            raise Redirect("/password")
        if roles and self.account.role not in roles:
            raise PageNotFound()
        return self.actor()

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        html = _env.get_template(template).render(
            v=self, lang=self.lang, t=self.t, csrf=self.session.csrf, **context
        )
        response = HTMLResponse(html, status_code=status, headers=HEADERS)
        cookies.save(response, self.request, self.secret, self.session)
        return response

    def redirect(self, url: str) -> Response:
        response = RedirectResponse(url, status_code=303, headers=HEADERS)
        cookies.save(response, self.request, self.secret, self.session)
        return response


async def visit(request: Request) -> Visit:
    rt: Runtime = request.app.state.runtime
    secret = rt.settings.secret()
    found = cookies.load(request, secret)
    account = None
    if found.account_id is not None:
        account = await run_in_threadpool(accounts.current, rt, found.account_id)
        if account is None:  # disabled or removed since: signed out
            found = cookies.fresh()
    lang = account.lang if account is not None else language_of(request, found.lang)
    result = Visit(request, rt, found, account, lang)
    request.state.visit = result
    return result


VisitDep = Annotated[Visit, Depends(visit)]


async def posted(request: Request, v: VisitDep) -> dict[str, str]:
    """The fields of a submitted form, once its CSRF token is checked (403 otherwise)."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise CsrfRefused()
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not cookies.csrf_ok(v.session, fields.get("csrf")):
        raise CsrfRefused()
    return fields


FormDep = Annotated[dict[str, str], Depends(posted)]


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    found = getattr(request.state, "visit", None)
    if not isinstance(found, Visit):
        rt: Runtime = request.app.state.runtime
        stored = cookies.load(request, rt.settings.secret())
        found = Visit(request, rt, stored, None, language_of(request, stored.lang))
    key = {403: "error_403", 404: "error_404"}.get(status, "error_other")
    return found.render(
        "error.html", status=status, title=found.t(key), message=message or found.t(f"{key}_text")
    )


class PageRoute(APIRoute):
    """A page's route: what it raises becomes a redirect or an error page in the reader's
    language, never the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Redirect as redirect:
                return RedirectResponse(redirect.url, status_code=303, headers=HEADERS)
            except (PageNotFound, NotFound, Forbidden):
                return error_page(request, 404)
            except CsrfRefused:
                return error_page(request, 403)
            except RequestValidationError:
                return error_page(request, 400)
            except HTTPException:
                raise
            except Problem as problem:
                lang = language_of(
                    request, getattr(getattr(request.state, "visit", None), "lang", None)
                )
                return error_page(request, problem.status, problem.message(lang))
            except Exception:
                log.exception("page failed: %s %s", request.method, request.url.path)
                return error_page(request, 500)

        return run


def form_int(fields: dict[str, str], name: str) -> int | None:
    try:
        return int(fields.get(name, "").strip())
    except ValueError:
        return None
