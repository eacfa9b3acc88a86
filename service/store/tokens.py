"""Bearer tokens: made once, shown once, stored only as a hash, revocable, expiring.

A server looks a presented token up once per ``REMEMBER_SECONDS``: the record found is kept in
the memory of the process (per database) and answers the same token's next requests without a
query. A revocation made in the same process forgets it at once; one made elsewhere (the
command line, another host) takes effect within ``REMEMBER_SECONDS``. Only a process that owns
its connections remembers (a server, a command), not a session on one lent connection (the
test suite), where every lookup reads the table.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from service.store.tables import ApiToken, utcnow

ROLES = ("officer", "inspector", "employer", "admin")
PREFIX = "mt_"
DEFAULT_DAYS = 90
"""A token's life when nobody says otherwise (``MATCHER_TOKEN_DAYS``)."""
MAX_DAYS = 3650
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token (a read costs no write)."""
REMEMBER_SECONDS = 3.0
"""How long a token found is answered from memory: a revocation made by another process or
host is in force after at most this long."""
clock: Callable[[], float] = time.monotonic


class TokenError(ValueError):
    """A token request that cannot be honoured: ``code`` names the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
"""An address worth trying (the mail server is the real judge)."""


def digest(token: str) -> str:
    """Tokens carry 256 random bits: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session,
    *,
    role: str,
    employer_bin: str | None = None,
    region_kato: str | None = None,
    label: str | None = None,
    email: str | None = None,
    lang: str = "ru",
    days: int = DEFAULT_DAYS,
    commit: bool = True,
) -> tuple[str, ApiToken]:
    """A new token (returned once, in clear) and its stored record; ``email`` and ``lang``:
    where and in which language its holder's notifications go; it expires after ``days``.
    ``commit=False``: flushed only, for a caller that commits it with its audit row."""
    from catalogs.identifiers import is_valid_12
    from catalogs.reference.places import places

    if role not in ROLES:
        raise TokenError("bad_role", roles=", ".join(ROLES))
    if role == "employer" and (employer_bin is None or not is_valid_12(employer_bin)):
        raise TokenError("employer_needs_bin")
    if role != "employer" and employer_bin is not None:
        raise TokenError("bin_only_for_employers")
    if region_kato is not None:
        place = places().get(region_kato)
        if place is None or place.level != "region":
            raise TokenError("bad_region")
        if role in ("employer", "admin"):
            raise TokenError("region_only_for_staff")
    if email is not None and not EMAIL.fullmatch(email):
        raise TokenError("bad_email", value=email)
    if lang not in ("kk", "ru", "en"):
        raise TokenError("bad_lang")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError("bad_days", max=MAX_DAYS)
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=digest(token),
        role=role,
        employer_bin=employer_bin,
        region_kato=region_kato,
        label=label,
        email=email,
        lang=lang,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(record)
    _done(session, record, commit)
    return token, record


def _done(session: Session, record: ApiToken, commit: bool) -> None:
    if commit:
        session.commit()
        session.refresh(record)
    else:
        session.flush()


def find(session: Session, token: str) -> ApiToken | None:
    """The live (not revoked) token record for a presented token (remembered for a moment:
    see the module's text)."""
    hashed = digest(token)
    bind = session.get_bind()
    known = _remembered(bind, hashed)
    if known is not None:
        return known
    record = session.scalars(sa.select(ApiToken).where(col(ApiToken.token_hash) == hashed)).first()
    if record is None or record.revoked_at is not None:
        return None
    _remember(bind, record)
    return record


def recall(bind: Engine | sa.Connection, token: str) -> ApiToken | None:
    """The record of ``token`` if it was found a moment ago by this process, without a query
    (None: look it up with ``find``). A copy: never added to a session."""
    return _remembered(bind, digest(token))


Remembered = dict[str, tuple[float, ApiToken]]
_MEMORY: weakref.WeakKeyDictionary[Engine, Remembered] = weakref.WeakKeyDictionary()
_MEMORY_GUARD = threading.Lock()


def _memory(bind: object) -> Remembered | None:
    if not isinstance(bind, Engine):
        return None
    with _MEMORY_GUARD:
        found = _MEMORY.get(bind)
        if found is None:
            found = _MEMORY[bind] = {}
        return found


def _remembered(bind: object, hashed: str) -> ApiToken | None:
    memory = _memory(bind)
    if memory is None:
        return None
    at, record = memory.get(hashed, (0.0, None))
    if record is None or clock() - at >= REMEMBER_SECONDS:
        return None
    return record


def _copy(record: ApiToken, **changes: object) -> ApiToken:
    """A detached copy of ``record``'s columns (safe to share between threads)."""
    values = {name: getattr(record, name) for name in _COLUMNS}
    return ApiToken(**{**values, **changes})


def _remember(bind: object, record: ApiToken) -> None:
    memory = _memory(bind)
    if memory is not None:
        memory[record.token_hash] = (clock(), _copy(record))


def _forget(token_hash: str) -> None:
    """Forget a token in every database's memory of this process (it was revoked)."""
    with _MEMORY_GUARD:
        memories = list(_MEMORY.values())
    for memory in memories:
        memory.pop(token_hash, None)


_COLUMNS = tuple(column.name for column in ApiToken.__table__.columns)  # type: ignore[attr-defined]


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive times: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def expired(record: ApiToken, now: datetime | None = None) -> bool:
    """Whether the token's time is over (a token made before expiry existed never is)."""
    return record.expires_at is not None and _aware(record.expires_at) <= (now or utcnow())


def touch_due(record: ApiToken, now: datetime | None = None) -> bool:
    """Whether the record's last use is unknown or older than ``TOUCH_EVERY``."""
    last = record.last_used_at
    return last is None or (now or utcnow()) - _aware(last) >= TOUCH_EVERY


def touch(session: Session, record: ApiToken, now: datetime | None = None) -> bool:
    """Record the token's use, unless that was done less than ``TOUCH_EVERY`` ago: one small
    UPDATE per token and minute at most (also across processes: the condition is in SQL)."""
    now = now or utcnow()
    if not touch_due(record, now):
        return False
    session.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.id) == record.id)
        .where(
            sa.or_(
                col(ApiToken.last_used_at).is_(None),
                col(ApiToken.last_used_at) < now - TOUCH_EVERY,
            )
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    memory = _memory(session.get_bind())
    if memory is not None and record.token_hash in memory:
        # the copy remembered knows it now (else each request would touch it again)
        at, kept = memory[record.token_hash]
        memory[record.token_hash] = (at, _copy(kept, last_used_at=now))
    return True


def listing(session: Session) -> Sequence[ApiToken]:
    return session.scalars(sa.select(ApiToken).order_by(col(ApiToken.id))).all()


def revoke(session: Session, token_id: int, *, commit: bool = True) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None:
        raise TokenError("unknown_token", id=token_id)
    if record.revoked_at is None and record.role == "admin" and not _other_admins(session, record):
        raise TokenError("last_admin")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        hashed = record.token_hash
        _forget(hashed)
        # and again once committed: a request that found it meanwhile, still live for
        # its own transaction, may have remembered it
        sa.event.listen(session, "after_commit", lambda _: _forget(hashed), once=True)
        _done(session, record, commit)
    return record


def _other_admins(session: Session, record: ApiToken) -> int:
    """Live (not revoked, not expired) admin tokens other than ``record``."""
    now = utcnow()
    others = session.scalars(
        sa.select(ApiToken)
        .where(col(ApiToken.role) == "admin")
        .where(col(ApiToken.revoked_at).is_(None))
        .where(col(ApiToken.id) != record.id)
    ).all()
    return sum(1 for other in others if not expired(other, now))
