"""The secret key's record in the database.

Every process that opens a database compares the fingerprint of its key
(``Protector.fingerprint``: derived from the key, not the key) with the one the database
records; the first process records it. A process with another key is refused before it does
anything (``KeyMismatch``): with another key it could read nothing, would find no one by IIN,
and would write records no one else could read.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from catalogs.i18n import messages
from service.store import db
from service.store.protect import Protector
from service.store.tables import KeyFingerprint


class KeyMismatch(RuntimeError):
    """The process's secret key is not the one the database was written with."""

    def __init__(self) -> None:
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return messages("service").text("key_mismatch", lang)


def recorded(session: Session) -> str | None:
    return session.scalar(sa.select(col(KeyFingerprint.fingerprint)))


def check(bind: Engine | sa.Connection, protector: Protector) -> None:
    """Raise ``KeyMismatch`` unless the database is written under ``protector``'s key; a
    database that records no key yet records this one (the first process to open it)."""
    mine = protector.fingerprint()
    with db.session_scope(bind) as session:
        found = recorded(session)
    if found is None:
        try:
            with db.session_scope(bind, write=True) as session:
                found = recorded(session)  # under the write lock now: another may have won
                if found is None:
                    session.add(KeyFingerprint(fingerprint=mine))
                    session.commit()
                    return
        except sa.exc.IntegrityError:  # PostgreSQL: another process recorded it first
            with db.session_scope(bind) as session:
                found = recorded(session)
    if found != mine:
        raise KeyMismatch
