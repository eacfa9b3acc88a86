"""The pages' session: a cookie signed with a key derived from the settings' secret, holding
the account, the language chosen before login and the CSRF token every form echoes back.

CSRF: a synchronizer token kept in the signed session cookie (``itsdangerous``): each form
carries it in a hidden field and a POST whose field does not match the cookie's is refused
(403). Another site can make a browser send the cookie but cannot read the token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "matcher_session"
MAX_AGE = 12 * 3600
"""A session lasts a working day at most."""


@dataclass(frozen=True)
class WebSession:
    csrf: str
    account_id: int | None = None
    lang: str | None = None

    def signed_in(self, account_id: int) -> WebSession:
        """A new session at login: a new CSRF token, so one seen before login is worthless."""
        return WebSession(csrf=secrets.token_urlsafe(32), account_id=account_id, lang=self.lang)

    def with_lang(self, lang: str) -> WebSession:
        return replace(self, lang=lang)


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    key = hmac.new(secret, b"matcher web session", hashlib.sha256).hexdigest()
    return URLSafeTimedSerializer(key, salt="matcher.web.session")


def fresh() -> WebSession:
    return WebSession(csrf=secrets.token_urlsafe(32))


def _signed(raw: str | None, secret: bytes) -> dict[str, object] | None:
    """What a session cookie's value holds, if its signature holds and it is not too old."""
    if not raw:
        return None
    try:
        data = _serializer(secret).loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def load(request: Request, secret: bytes) -> WebSession:
    """The request's session, or a fresh anonymous one when the cookie is missing, forged or
    older than ``MAX_AGE``."""
    data = _signed(request.cookies.get(COOKIE), secret)
    if data is None or not isinstance(data.get("c"), str):
        return fresh()
    account = data.get("a")
    lang = data.get("l")
    return WebSession(
        csrf=str(data["c"]),
        account_id=account if isinstance(account, int) else None,
        lang=lang if lang in ("kk", "ru", "en") else None,
    )


def account_of(raw: str, secret: bytes) -> int | None:
    """The account a session cookie's value signs in, if it is valid and not too old."""
    account = (_signed(raw, secret) or {}).get("a")
    return account if isinstance(account, int) else None


def save(response: Response, request: Request, secret: bytes, session: WebSession) -> None:
    value = _serializer(secret).dumps(
        {"c": session.csrf, "a": session.account_id, "l": session.lang}
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def csrf_ok(session: WebSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), (sent or "").encode())
