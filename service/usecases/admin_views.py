"""What the administrator's pages read that no other use case gives: the accounts, the audit
trail filtered by person, account and dates (a page at a time), the trail's chain check, and
the jobs. Administrators only, like the rest of ``service.usecases.admin``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import col

from service.runtime import Runtime
from service.store import audit
from service.store.tables import Account, AuditEvent, Job
from service.usecases import access
from service.usecases.accounts import AccountUnknown
from service.usecases.actor import Actor

AUDIT_PAGE = 50
JOBS_SHOWN = 100


def list_accounts(rt: Runtime, actor: Actor) -> Sequence[Account]:
    """Every account, by login (disabled ones too: they can be reset)."""
    access.admin_only(actor)
    with rt.session() as session:
        return session.scalars(sa.select(Account).order_by(col(Account.login))).all()


@dataclass(frozen=True)
class TrailPage:
    events: Sequence[AuditEvent]
    page: int
    more: bool
    logins: dict[int, str]
    """The login of each account named on the page."""


def trail(
    rt: Runtime,
    actor: Actor,
    *,
    person_id: str | None = None,
    login: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> TrailPage:
    """The trail newest first, ``AUDIT_PAGE`` events a page, of one person (or subject such
    as ``#token:3``), one account (by login: an unknown login is 404), between two days
    (both included, UTC)."""
    access.admin_only(actor)
    page = max(1, page)
    query = sa.select(AuditEvent).order_by(col(AuditEvent.id).desc())
    with rt.session() as session:
        if login is not None:
            account = session.scalar(sa.select(Account).where(col(Account.login) == login))
            if account is None:
                raise AccountUnknown("unknown", login=login)
            query = query.where(col(AuditEvent.account_id) == account.id)
        if person_id is not None:
            query = query.where(col(AuditEvent.person_id) == person_id)
        if since is not None:
            query = query.where(col(AuditEvent.at) >= datetime.combine(since, time(), UTC))
        if until is not None:
            end = datetime.combine(until + timedelta(days=1), time(), UTC)
            query = query.where(col(AuditEvent.at) < end)
        query = query.offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)
        found = session.scalars(query).all()
        ids = {e.account_id for e in found if e.account_id is not None}
        named = sa.select(col(Account.id), col(Account.login)).where(col(Account.id).in_(ids))
        logins = {row[0]: row[1] for row in session.execute(named)} if ids else {}
    return TrailPage(found[:AUDIT_PAGE], page, len(found) > AUDIT_PAGE, logins)


def verify_trail(rt: Runtime, actor: Actor) -> audit.Verdict:
    """``matcher audit verify``: the chain holds, or the first row where it breaks."""
    access.admin_only(actor)
    with rt.session() as session:
        return audit.verify(session, key=rt.protector.audit_key())


def list_jobs(rt: Runtime, actor: Actor) -> Sequence[Job]:
    """The latest jobs, newest first (their uploads are not read)."""
    access.admin_only(actor)
    with rt.session() as session:
        query = sa.select(Job).order_by(col(Job.created_at).desc()).limit(JOBS_SHOWN)
        found = session.scalars(query).all()
        for job in found:
            session.expunge(job)
        return found
