"""The outbox: a notification is written in the transaction of the change that caused it, once
per key, rendered in its recipient's language; ``service.notify.delivery`` sends it later.

Recipients are ``employer:<BIN>`` (address and language from the ``employers`` row) and
``token:<id>`` (from ``api_tokens``; a revoked or unknown token gets nothing). None of these
functions commits: the caller's transaction does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from catalogs.i18n import DEFAULT_LANG, LANGS
from service.notify.messages import KINDS, render
from service.store.tables import Account, ApiToken
from service.store.workflow import Employer, Notification, NotificationSetting, utcnow

CHANNELS: Final = ("email", "sms")
KEY_MAX: Final = 160
LINK_MAX: Final = 300


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    params: Mapping[str, object],
    link: str | None = None,
    referral_id: int | None = None,
    channel: str = "email",
    now: datetime | None = None,
) -> Notification | None:
    """Add a notification unless one with ``key`` exists (then, or for a revoked token:
    None). Its state is ``off`` when the recipient switched ``kind`` off, ``nowhere`` when
    there is no address for ``channel`` (it is read in the application only), else
    ``queued`` for delivery from ``now``. Safe when callers race for the same key."""
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"a notification key has 1 to {KEY_MAX} characters")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if link is not None and len(link) > LINK_MAX:
        raise ValueError(f"a link has at most {LINK_MAX} characters")
    memo = session.info.setdefault(MEMO, {})
    if (recipient, channel) not in memo:
        memo[recipient, channel] = _recipient(session, recipient, channel)
    found = memo[recipient, channel]
    if found is None:
        return None
    lang, address = found
    subject, body = render(kind, lang, params, link=link)
    moment = as_utc(now or utcnow())
    if (recipient, kind) not in memo:
        memo[recipient, kind] = is_enabled(session, recipient, kind)
    if not memo[recipient, kind]:
        state, next_attempt_at = "off", None
    elif address is None:
        state, next_attempt_at = "nowhere", None
    else:
        state, next_attempt_at = "queued", moment
    row = {
        "key": key,
        "kind": kind,
        "recipient": recipient,
        "channel": channel,
        "address": address,
        "lang": lang,
        "subject": subject,
        "body": body,
        "link": link,
        "referral_id": referral_id,
        "state": state,
        "attempts": 0,
        "next_attempt_at": next_attempt_at,
        "created_at": moment,
    }
    insert = _insert(session)(Notification).values(**row)
    added = session.execute(
        insert.on_conflict_do_nothing(index_elements=["key"]).returning(col(Notification.id))
    ).scalar_one_or_none()
    return None if added is None else Notification(id=added, **row)


def set_enabled(session: Session, recipient: str, kind: str, enabled: bool) -> None:
    """Switch ``kind`` off (or back on) for ``recipient``, for notifications queued from now
    on (those already queued are still sent)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    _parse(recipient)
    session.info.pop(MEMO, None)
    insert = _insert(session)(NotificationSetting).values(
        recipient=recipient, kind=kind, enabled=enabled
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["recipient", "kind"], set_={"enabled": enabled}
        )
    )


MEMO = "matcher.outbox"
"""Where a session keeps the recipients and settings it has read (``Session.info``): a batch
of a thousand notifications to one employer reads its address once."""


def is_enabled(session: Session, recipient: str, kind: str) -> bool:
    """Whether ``recipient`` gets ``kind`` (every kind is on until switched off)."""
    enabled = session.scalar(
        sa.select(col(NotificationSetting.enabled)).where(
            col(NotificationSetting.recipient) == recipient,
            col(NotificationSetting.kind) == kind,
        )
    )
    return enabled is None or bool(enabled)


def inbox(session: Session, recipient: str, limit: int = 50) -> list[Notification]:
    """``recipient``'s latest notifications, newest first, whatever became of them."""
    rows = session.exec(
        select(Notification)
        .where(Notification.recipient == recipient)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(limit)
    )
    return list(rows.all())


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is taken to be UTC already, as SQLite returns them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse(recipient: str) -> tuple[str, str]:
    prefix, _, ident = recipient.partition(":")
    if (
        not ident
        or prefix not in ("employer", "token", "account")
        or (prefix in ("token", "account") and not ident.isdigit())
    ):
        raise ValueError(
            f"a recipient is employer:<BIN>, token:<id> or account:<id>, not {recipient!r}"
        )
    return prefix, ident


def language_of(session: Session, recipient: str) -> str:
    """The language ``recipient`` reads (for texts made before they are queued)."""
    found = _recipient(session, recipient, "email")
    return DEFAULT_LANG if found is None else found[0]


def _recipient(session: Session, recipient: str, channel: str) -> tuple[str, str | None] | None:
    """The language and address of ``recipient``; None when it must get nothing."""
    prefix, ident = _parse(recipient)
    if prefix == "employer":
        employer = session.get(Employer, ident)
        if employer is None:
            return DEFAULT_LANG, None
        lang, address = employer.lang, employer.email if channel == "email" else employer.phone
    elif prefix == "account":
        account = session.get(Account, int(ident))
        if account is None or account.disabled_at is not None:
            return None
        lang, address = account.lang, account.email if channel == "email" else None
    else:
        token = session.get(ApiToken, int(ident))
        if token is None or token.revoked_at is not None:
            return None
        lang, address = token.lang, token.email if channel == "email" else None
    return (lang if lang in LANGS else DEFAULT_LANG), (address or "").strip() or None


def _insert(session: Session) -> Callable[[Any], Any]:
    """The INSERT of the database in use, with its ON CONFLICT clause."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"notifications need SQLite or PostgreSQL, not {name}")
