"""The audit trail: every read, change, export and refusal of personal data, and every admin
action, by whom (token, account, operating-system user), when, from where, through which route.

The trail is tamper-evident: each row's ``chain`` is an HMAC-SHA256, under a key derived from
the secret key (``Protector.audit_key``), of the previous row's ``chain`` and this row's fields.
It is computed inside the writer's transaction, after taking the trail's lock (PostgreSQL: a
transaction-level advisory lock; SQLite writers hold the database's write lock already), so two
writers never chain from the same row. A row deleted or edited breaks the chain at the next row
(``verify``). Rows written before the chain existed (``chain`` null, before the first chained
row) are reported, not checked.

Events that are not about one person (a token made, an allocation) name their subject in
``person_id`` after a ``#`` (``#token:12``), a character no person id may hold.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from service.store.db import shown_url
from service.store.tables import AuditEvent, utcnow

LOCK_ID = 0x6D61_7463_6861_7564  # "matchaud": the advisory lock of the trail's tail
_KEYS: dict[str, bytes] = {}


class Who(Protocol):
    """Who acted (``service.usecases.actor.Actor``)."""

    @property
    def token_id(self) -> int | None: ...

    @property
    def role(self) -> str: ...

    @property
    def method(self) -> str: ...

    @property
    def route(self) -> str: ...

    @property
    def client(self) -> str | None: ...

    @property
    def account_id(self) -> int | None: ...


def _database(bind: Engine | sa.Connection) -> str:
    """``bind``'s database as its key is remembered by: its URL, passwords hidden."""
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    return shown_url(engine.url)


def use_key(bind: Engine | sa.Connection, key: bytes) -> None:
    """Chain the trail of ``bind``'s database under ``key`` (``Protector.audit_key``); every
    process that writes to a database registers its key before its first audit row."""
    _KEYS[_database(bind)] = key


def _key(session: Session) -> bytes | None:
    database = _database(session.get_bind())
    found = _KEYS.get(database)
    if found is None:
        found = _settings_key()
        if found is not None:
            _KEYS[database] = found
    return found


def _settings_key() -> bytes | None:
    """A command run outside the API: the key of the settings in force, when there is one
    (a row written without a key is left unchained, and ``verify`` reports it)."""
    from service.config import Settings
    from service.store.protect import Protector

    settings = Settings()
    if settings.secret_key is None and not (settings.home / "secret.key").exists():
        return None
    return Protector(settings.secret()).audit_key()


def _os_user(actor: Who) -> str | None:
    if actor.method != "CLI":
        return None
    try:
        return getpass.getuser()[:64]
    except (KeyError, OSError):  # no user name for this uid (a container)
        return None


def _moment(at: datetime) -> str:
    """``at`` as the database gives it back (SQLite drops the zone; PostgreSQL keeps it)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


CHAINED = (
    "at",
    "token_id",
    "account_id",
    "role",
    "method",
    "route",
    "person_id",
    "action",
    "os_user",
    "client",
)
"""The fields a row's chain value covers (all but its id and the chain itself)."""


def digest(key: bytes, previous: str, row: AuditEvent) -> str:
    """The chain value of ``row`` after a row whose chain was ``previous``."""
    return _chain(key, previous, {name: getattr(row, name) for name in CHAINED})


def _chain(key: bytes, previous: str, fields: dict[str, object]) -> str:
    at = fields["at"]
    assert isinstance(at, datetime)
    payload = json.dumps({**fields, "at": _moment(at)}, sort_keys=True).encode()
    return hmac.new(key, previous.encode() + b"\n" + payload, hashlib.sha256).hexdigest()


def _tail(connection: sa.Connection) -> str:
    """The last row's chain, under the trail's lock (held until the transaction ends)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK)
    return connection.scalar(_LAST) or ""


def record(
    session: Session,
    *,
    actor: Who,
    person_ids: Sequence[str],
    action: str,
    account_id: int | None = None,
    key: bytes | None = None,
) -> None:
    """Add one event per person to the caller's transaction, chained to the trail: the use
    case commits it with the rest of what the request writes, so an answer is never given
    without its record. The trail's lock is held from here to the commit: call this last,
    after the transaction's other writes, so that no writer waits on a row while holding it.
    ``key``: the chain's key, when not the one registered for the database (a rotation)."""
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        return
    key = key or _key(session)
    # the session's connection, in its transaction: plain statements, built once, no unit
    # of work (the rows are not read back), one INSERT for all the rows
    connection = session.connection()
    previous = _tail(connection) if key is not None else ""
    who = {
        "token_id": actor.token_id,
        "account_id": account_id if account_id is not None else actor.account_id,
        "role": actor.role[:12],
        "method": actor.method[:8],
        "route": actor.route[:200],
        "os_user": _os_user(actor),
        "client": actor.client[:64] if actor.client else None,
    }
    rows = []
    for person_id in wanted:
        row: dict[str, object] = {
            "at": utcnow(),
            **who,
            "person_id": person_id[:64],
            "action": action[:20],
        }
        chain = None
        if key is not None:
            chain = previous = _chain(key, previous, row)
        rows.append({**row, "chain": chain})
    connection.execute(_INSERT, rows)


_TABLE: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = sa.insert(_TABLE)
_LAST = sa.select(_TABLE.c.chain).order_by(_TABLE.c.id.desc()).limit(1)
_LOCK = sa.select(sa.func.pg_advisory_xact_lock(LOCK_ID))


def events(session: Session, *, person_id: str | None, limit: int) -> Sequence[AuditEvent]:
    query = sa.select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if person_id is not None:
        query = query.where(col(AuditEvent.person_id) == person_id)
    return session.scalars(query).all()


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: ``broken_at`` is the id of the first row whose chain does not
    follow (None when the whole trail holds)."""

    checked: int
    unchained: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, *, key: bytes) -> Verdict:
    """Walk the trail in order and recompute every chain value."""
    previous = ""
    checked = unchained = 0
    started = False
    query = sa.select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=1000)
    for row in session.scalars(query):
        if row.chain is None:
            if started:
                return Verdict(checked, unchained, row.id, "unchained")
            unchained += 1
            continue
        started = True
        if not hmac.compare_digest(row.chain, digest(key, previous, row)):
            return Verdict(checked, unchained, row.id, "mismatch")
        previous = row.chain
        checked += 1
    return Verdict(checked, unchained)
