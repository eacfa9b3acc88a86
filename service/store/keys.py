"""The secret key's record in the database, and its rotation.

Every process that opens a database compares the fingerprint of its key
(``Protector.fingerprint``: derived from the key, not the key) with the one the database
records; the first process records it. A process with another key is refused before it does
anything (``KeyMismatch``): with another key it could read nothing, would find no one by IIN,
and would write records no one else could read.

``rotate`` re-protects everything under a new key in the caller's one transaction: the
encrypted columns (every ``*_cipher`` of every table) and the lookup hashes beside them
(``X_hash`` beside ``X_cipher``), the bodies of queued imports (``job_uploads``, one at a
time; a body queued before they were sealed is sealed now), employer pseudonyms written into queued notifications, and
the audit trail's chain (verified whole under the old key first), then the fingerprint. A
failure anywhere leaves it all under the old key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from catalogs.i18n import messages
from service.store import audit, db
from service.store.protect import Protector, is_sealed_upload
from service.store.tables import (
    AuditEvent,
    JobUpload,
    KeyFingerprint,
    Notification,
    Referral,
    utcnow,
)

BATCH = 1000
"""Rows read and rewritten at a time."""


class KeyMismatch(RuntimeError):
    """The process's secret key is not the one the database was written with."""

    def __init__(self) -> None:
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return messages("service").text("key_mismatch", lang)


class BrokenTrail(RuntimeError):
    """The audit trail does not verify under the key in force: rotation would hide that."""

    def __init__(self, verdict: audit.Verdict) -> None:
        super().__init__(f"the audit trail is broken at row {verdict.broken_at}")
        self.verdict = verdict


class SameKey(ValueError):
    """The new key is the key in force."""


class Unreadable(ValueError):
    """A protected value that the old key cannot read (written under yet another key)."""

    def __init__(self, table: str, row: object) -> None:
        super().__init__(f"{table} {row}: data was encrypted with another key")
        self.table, self.row = table, row


def recorded(session: Session) -> str | None:
    return session.scalar(sa.select(col(KeyFingerprint.fingerprint)))


def check(bind: Engine | sa.Connection, protector: Protector) -> None:
    """Raise ``KeyMismatch`` unless the database is written under ``protector``'s key; a
    database that records no key yet records this one (the first process to open it), if
    this key reads what is already protected there."""
    mine = protector.fingerprint()
    with db.session_scope(bind) as session:
        found = recorded(session)
    if found is None:
        try:
            with db.session_scope(bind, write=True) as session:
                found = recorded(session)  # under the write lock now: another may have won
                if found is None:
                    if not _reads(session, protector):
                        raise KeyMismatch
                    session.add(KeyFingerprint(fingerprint=mine))
                    session.commit()
                    return
        except sa.exc.IntegrityError:  # PostgreSQL: another process recorded it first
            with db.session_scope(bind) as session:
                found = recorded(session)
    if found != mine:
        raise KeyMismatch


def _reads(session: Session, protector: Protector) -> bool:
    """Whether ``protector`` reads the protected values already there, in a database written
    before fingerprints were recorded (one value of each encrypted column is tried): the
    first process to open it after the upgrade must not record a wrong key."""
    for table in SQLModel.metadata.sorted_tables:
        for name in protected_columns(table)[0]:
            column = table.c[name]
            value = session.scalar(sa.select(column).where(column.is_not(None)).limit(1))
            try:
                protector.decrypt(value)
            except ValueError:
                return False
    return True


@dataclass
class Rotated:
    """What ``rotate`` rewrote, by what."""

    values: dict[str, int] = field(default_factory=dict)
    """Rows rewritten per table with encrypted columns."""
    uploads: int = 0
    """Bodies of queued imports sealed again."""
    notifications: int = 0
    audit_rows: int = 0


def protected_columns(table: sa.Table) -> tuple[list[str], dict[str, str]]:
    """``table``'s encrypted columns (``*_cipher``), and its lookup hashes by the encrypted
    column they hash (``iin_hash`` → ``iin_cipher``)."""
    ciphers = [c.name for c in table.columns if c.name.endswith("_cipher")]
    hashes = {
        c.name: c.name.removesuffix("_hash") + "_cipher"
        for c in table.columns
        if c.name.endswith("_hash") and c.name.removesuffix("_hash") + "_cipher" in ciphers
    }
    return ciphers, hashes


def rotate(session: Session, *, old: Protector, new: Protector, actor: audit.Who) -> Rotated:
    """Re-protect the database under ``new`` (the caller commits, once). Raises
    ``BrokenTrail`` when the audit trail does not verify under ``old``, ``SameKey`` when the
    keys are the same, ``KeyMismatch`` when the database is not under ``old``, and
    ``Unreadable`` when a value cannot be read under ``old``; then nothing is changed."""
    if new.fingerprint() == old.fingerprint():
        raise SameKey
    tables = [t for t in SQLModel.metadata.sorted_tables if protected_columns(t)[0]]
    _lock(session, [*(t.name for t in tables), "job_uploads", "audit_events", "notifications"])
    if recorded(session) not in (None, old.fingerprint()):
        raise KeyMismatch
    verdict = audit.verify(session, key=old.audit_key())
    if not verdict.ok:
        raise BrokenTrail(verdict)
    done = Rotated()
    for table in tables:
        done.values[table.name] = _reprotect(session, table, old, new)
    done.uploads = _reseal_uploads(session, old, new)
    done.notifications = _repseudonymise(session, old, new)
    done.audit_rows = _rechain(session, new.audit_key())
    row = session.get(KeyFingerprint, 1)
    if row is None:
        row = KeyFingerprint(fingerprint=new.fingerprint())
    row.fingerprint, row.recorded_at = new.fingerprint(), utcnow()
    session.add(row)
    audit.record(
        session, actor=actor, person_ids=["#key"], action="key_rotate", key=new.audit_key()
    )
    return done


def _lock(session: Session, names: Sequence[str]) -> None:
    """PostgreSQL: no other writer may change these tables until the rotation commits (SQLite
    writers are already held off by this transaction's write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in dict.fromkeys(names))
        session.execute(sa.text(f"LOCK TABLE {quoted} IN EXCLUSIVE MODE"))


def _pages(session: Session, query: sa.Select[Any], key: sa.ColumnElement[Any]) -> Iterator[Any]:
    """The rows of ``query`` in pages of ``BATCH`` by ``key`` (no cursor stays open while
    the caller writes)."""
    last = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = session.execute(page.order_by(key).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _reprotect(session: Session, table: sa.Table, old: Protector, new: Protector) -> int:
    ciphers, hashes = protected_columns(table)
    (key,) = table.primary_key.columns
    query = sa.select(key, *(table.c[name] for name in ciphers))
    update = (
        sa.update(table)
        .where(key == sa.bindparam("_key"))
        .values({name: sa.bindparam(f"_{name}") for name in [*ciphers, *hashes]})
    )
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _pages(session, query, key):
        try:
            clear = {name: old.decrypt(value) for name, value in zip(ciphers, row[1:], strict=True)}
        except ValueError:
            raise Unreadable(table.name, row[0]) from None
        values: dict[str, Any] = {"_key": row[0]}
        for name in ciphers:
            values[f"_{name}"] = new.encrypt(clear[name])
        for name, source in hashes.items():
            plain = clear[source]
            values[f"_{name}"] = None if plain is None else new.lookup_hash(plain)
        batch.append(values)
        count += 1
        if len(batch) >= BATCH:
            session.execute(update, batch)
            batch = []
    if batch:
        session.execute(update, batch)
    return count


def _reseal_uploads(session: Session, old: Protector, new: Protector) -> int:
    """Queued imports' bodies, read and sealed again one at a time (each may be large)."""
    count = 0
    for job_id in session.scalars(sa.select(col(JobUpload.job_id))).all():
        query = sa.select(col(JobUpload.body)).where(col(JobUpload.job_id) == job_id)
        body: bytes | bytearray | None = session.scalar(query)
        if body is None:
            continue
        if is_sealed_upload(body):
            try:
                body = old.open_upload(body)
            except ValueError:
                raise Unreadable("job_uploads", job_id) from None
        sealed = new.seal_upload(body)
        del body
        session.execute(
            sa.update(JobUpload).where(col(JobUpload.job_id) == job_id).values(body=sealed)
        )
        del sealed
        count += 1
    session.flush()
    return count


def _repseudonymise(session: Session, old: Protector, new: Protector) -> int:
    """Notifications to an employer name the person by the employer's pseudonym, which is
    keyed: the old code in their text becomes the new one."""
    query = (
        sa.select(Notification, col(Referral.person_id))
        .join(Referral, col(Referral.id) == col(Notification.referral_id))
        .where(col(Notification.recipient).startswith("employer:"))
    )
    count = 0
    for notification, person_id in session.execute(query).all():
        employer = notification.recipient.removeprefix("employer:")
        before = old.pseudonym(person_id, employer_bin=employer)
        after = new.pseudonym(person_id, employer_bin=employer)
        if before in notification.subject or before in notification.body:
            notification.subject = notification.subject.replace(before, after)
            notification.body = notification.body.replace(before, after)
            session.add(notification)
            count += 1
    session.flush()
    return count


def _rechain(session: Session, key: bytes) -> int:
    """Chain the trail again, row by row, under ``key`` (rows from before the chain existed
    stay unchained, as ``verify`` expects)."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    update = sa.update(table).where(table.c.id == sa.bindparam("_id"))
    update = update.values(chain=sa.bindparam("_chain"))
    query = sa.select(table).where(table.c.chain.is_not(None)).order_by(table.c.id)
    previous, count, last = "", 0, 0
    while True:
        rows = session.execute(query.where(table.c.id > last).limit(BATCH)).all()
        if not rows:
            return count
        batch = []
        for row in rows:
            previous = audit.digest(key, previous, AuditEvent(**row._mapping))
            batch.append({"_id": row.id, "_chain": previous})
        session.execute(update, batch)
        count += len(rows)
        last = rows[-1].id
