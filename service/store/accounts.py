"""Accounts of the people who use the pages: a login, an Argon2 hash of the password, a role
and its scope (a region for staff, a BIN for employers); lockout after repeated failures."""

from __future__ import annotations

import re
import secrets
from contextlib import suppress
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col

from service.store.tables import Account, utcnow
from service.store.tokens import EMAIL, ROLES

MAX_FAILURES = 5
"""Wrong passwords in a row before the account is locked."""
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account request that cannot be honoured: ``code`` names the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def one_time_password() -> str:
    """Twelve letters and digits that are hard to confuse when read aloud or copied."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short", length=MIN_PASSWORD)
    return _hasher.hash(password)


def by_login(session: Session, login: str) -> Account | None:
    return session.scalars(
        sa.select(Account).where(col(Account.login) == login.strip().lower())
    ).first()


def create(
    session: Session,
    *,
    role: str,
    login: str,
    password: str,
    must_change_password: bool,
    region_kato: str | None = None,
    employer_bin: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    lang: str = "ru",
) -> Account:
    """A new account (the caller commits); scope checked as for API tokens."""
    from catalogs.identifiers import is_valid_12
    from catalogs.reference.places import places

    login = login.strip().lower()
    if not LOGIN.fullmatch(login):
        raise AccountError("bad_login")
    if role not in ROLES:
        raise AccountError("bad_role", roles=", ".join(ROLES))
    if role == "employer" and (employer_bin is None or not is_valid_12(employer_bin)):
        raise AccountError("employer_needs_bin")
    if role != "employer" and employer_bin is not None:
        raise AccountError("bin_only_for_employers")
    if region_kato is not None:
        place = places().get(region_kato)
        if place is None or place.level != "region":
            raise AccountError("bad_region")
        if role in ("employer", "admin"):
            raise AccountError("region_only_for_staff")
    if email is not None and not EMAIL.fullmatch(email):
        raise AccountError("bad_email", value=email)
    if lang not in ("kk", "ru", "en"):
        raise AccountError("bad_lang")
    if by_login(session, login) is not None:
        raise AccountError("login_taken", login=login)
    row = Account(
        login=login,
        password_hash=hash_password(password),
        role=role,
        region_kato=region_kato,
        employer_bin=employer_bin,
        display_name=display_name,
        email=email,
        lang=lang,
        must_change_password=must_change_password,
    )
    session.add(row)
    session.flush()
    return row


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def is_locked(row: Account, now: datetime) -> bool:
    until = _aware(row.locked_until)
    return until is not None and until > now


def check_password(session: Session, row: Account, password: str, *, now: datetime) -> bool:
    """Whether ``password`` is the account's; a failure counts towards the lockout, a success
    resets the count (the caller commits either way)."""
    ok: bool
    try:
        ok = _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok:
        row.failed_logins = 0
        row.locked_until = None
        row.last_login_at = now
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
    else:
        row.failed_logins += 1
        if row.failed_logins >= MAX_FAILURES:
            row.locked_until = now + LOCKOUT
            row.failed_logins = 0
    session.add(row)
    return ok


_DUMMY = _hasher.hash("not the password of anyone")


def spend_time(password: str) -> None:
    """Verify against a hash no login has, so that an unknown login takes as long to refuse
    as a wrong password (the answer time does not tell which logins exist)."""
    with suppress(VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY, password)


def set_password(session: Session, row: Account, password: str, *, must_change: bool) -> None:
    row.password_hash = hash_password(password)
    row.must_change_password = must_change
    row.failed_logins = 0
    row.locked_until = None
    session.add(row)


def disable(session: Session, row: Account) -> None:
    if row.disabled_at is None:
        row.disabled_at = utcnow()
        session.add(row)
