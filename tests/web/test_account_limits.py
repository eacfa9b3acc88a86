"""Per-account limits of the pages (issue: security, "Limits") and the address a page view
is audited from."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from service.api import limits
from service.store import accounts
from service.store.tables import AuditEvent
from service.web import session as cookies
from service.web.session import COOKIE, WebSession, account_of
from tests.web.conftest import Site
from tests.web.test_pages import logged_in

SECRET = b"s" * 32


def _signed(account_id: int | None) -> str:
    """A session cookie's value for ``account_id``, as the pages set it."""
    response = Response()
    request = Request({"type": "http", "scheme": "http", "path": "/", "headers": []})
    cookies.save(response, request, SECRET, WebSession(csrf="c", account_id=account_id))
    return response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]


def test_a_cookie_names_its_account_only_when_its_signature_holds() -> None:
    assert account_of(_signed(7), SECRET) == 7
    assert account_of(_signed(None), SECRET) is None
    assert account_of(_signed(7), b"x" * 32) is None
    assert account_of("forged", SECRET) is None


def test_an_account_with_too_many_pages_at_once_gets_429_and_style_sheets_do_not_count() -> None:
    gate = asyncio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        if not scope["path"].startswith("/static/"):
            await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = limits.TokenLimits(
        slow,
        limits.Limits(concurrency=1, account_concurrency=2, per_minute=1000),
        lambda raw: account_of(raw, SECRET),
    )
    seven = {"Cookie": f"{COOKIE}={_signed(7)}"}
    eight = {"Cookie": f"{COOKIE}={_signed(8)}"}

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = [asyncio.create_task(client.get("/persons", headers=seven)) for _ in range(2)]
            await asyncio.sleep(0.05)
            third = await client.get("/persons", headers=seven)
            assert third.status_code == 429
            assert third.headers["retry-after"] == "1"
            assert (await client.get("/static/style.css", headers=seven)).status_code == 200
            other = asyncio.create_task(client.get("/persons", headers=eight))
            anonymous = asyncio.create_task(client.get("/login"))
            await asyncio.sleep(0.05)
            gate.set()
            done = [r.status_code for r in await asyncio.gather(*first, other, anonymous)]
            after = await client.get("/persons", headers=seven)
            return [*done, after.status_code]

    assert asyncio.run(scenario()) == [200, 200, 200, 200, 200]


def test_a_page_view_is_audited_with_the_address_it_came_from(site: Site) -> None:
    officer = logged_in(site, "officer", "kk")
    assert officer.get("/persons/P00002").status_code == 200
    with site.rt.session() as session:
        account = accounts.by_login(session, "officer")
        assert account is not None
        clients = set(
            session.scalars(
                sa.select(col(AuditEvent.client)).where(
                    col(AuditEvent.person_id) == "P00002", col(AuditEvent.account_id) == account.id
                )
            )
        )
    assert clients == {"127.0.0.1"}
