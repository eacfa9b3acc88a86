"""Accounts for the pages: administrators create, disable and reset them; people log in (locked
for 15 minutes after 5 wrong passwords), change their password and choose their language.

Refusals read their messages from the pages' locale files (``service/web/locales``,
``account_<code>``), where everything about accounts is worded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from catalogs.i18n import messages
from service.runtime import Runtime
from service.store import accounts as store
from service.store.tables import Account, utcnow
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, NotFound, Problem, Unauthorized

LANGS = ("kk", "ru", "en")


class _Worded(Problem):
    def message(self, lang: str) -> str:
        return messages("service.web").text(f"account_{self.code}", lang, **self.params)


class AccountInvalid(_Worded, Invalid):
    pass


class AccountUnknown(_Worded, NotFound):
    pass


class LoginRefused(_Worded, Unauthorized):
    """Wrong login or password, a locked or a disabled account: ``code`` says which."""


def _invalid(error: store.AccountError) -> AccountInvalid:
    problem = AccountInvalid(error.code)
    problem.params = dict(error.params)
    return problem


@dataclass(frozen=True)
class Created:
    account: Account
    password: str | None
    """The one-time password, when one was made (else the caller gave the password)."""


def create(
    rt: Runtime,
    actor: Actor,
    *,
    role: str,
    login: str,
    password: str | None = None,
    region_kato: str | None = None,
    employer_bin: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    lang: str = "ru",
) -> Created:
    """A new account. Without ``password`` a one-time password is made (and returned once):
    it must be changed at the first login; a password the administrator typed need not."""
    access.admin_only(actor)
    made = store.one_time_password() if password is None else None
    with rt.writing() as session:
        try:
            row = store.create(
                session, role=role, login=login, password=made or password or "",
                must_change_password=made is not None, region_kato=region_kato,
                employer_bin=employer_bin, display_name=display_name, email=email, lang=lang,
            )  # fmt: skip
        except store.AccountError as error:
            raise _invalid(error) from None
        session.commit()
        session.refresh(row)
        return Created(row, made)


def _find(session: Session, login: str) -> Account:
    row = store.by_login(session, login)
    if row is None:
        raise AccountUnknown("unknown", login=login)
    return row


def disable(rt: Runtime, actor: Actor, login: str) -> Account:
    """The account can no longer log in; its sessions end at their next request."""
    access.admin_only(actor)
    with rt.writing() as session:
        row = _find(session, login)
        store.disable(session, row)
        session.commit()
        session.refresh(row)
        return row


def reset(rt: Runtime, actor: Actor, login: str) -> str:
    """A new one-time password (to be changed at the next login); unlocks and re-enables."""
    access.admin_only(actor)
    password = store.one_time_password()
    with rt.writing() as session:
        row = _find(session, login)
        store.set_password(session, row, password, must_change=True)
        row.disabled_at = None
        session.commit()
    return password


def login(rt: Runtime, login: str, password: str) -> Account:
    """The account whose password this is, or a refusal: ``bad_credentials`` (the same for
    an unknown login and a wrong password), ``locked`` or ``disabled``."""
    now = utcnow()
    with rt.writing() as session:
        row = store.by_login(session, login)
        if row is None:
            store.spend_time(password)
            raise LoginRefused("bad_credentials")
        if row.disabled_at is not None:
            raise LoginRefused("disabled")
        if store.is_locked(row, now):
            raise LoginRefused("locked", minutes=int(store.LOCKOUT.total_seconds() // 60))
        ok = store.check_password(session, row, password, now=now)
        session.commit()
        if not ok:
            if store.is_locked(row, now):
                raise LoginRefused("locked", minutes=int(store.LOCKOUT.total_seconds() // 60))
            raise LoginRefused("bad_credentials")
        session.refresh(row)
        return row


def current(rt: Runtime, account_id: int) -> Account | None:
    """The account a session names, while it may still use the pages."""
    with rt.session() as session:
        row = session.get(Account, account_id)
    if row is None or row.disabled_at is not None:
        return None
    return row


def change_password(rt: Runtime, account_id: int, *, old: str, new: str, repeat: str) -> None:
    if new != repeat:
        raise AccountInvalid("passwords_differ")
    if new == old:
        raise AccountInvalid("password_same")
    with rt.writing() as session:
        row = session.get(Account, account_id)
        if row is None:
            raise AccountUnknown("unknown", login=str(account_id))
        if not store.check_password(session, row, old, now=utcnow()):
            session.commit()
            raise AccountInvalid("old_password_wrong")
        try:
            store.set_password(session, row, new, must_change=False)
        except store.AccountError as error:
            raise _invalid(error) from None
        session.commit()


def set_lang(rt: Runtime, account_id: int, lang: str) -> None:
    """The language of the pages (and of the account's notifications), remembered."""
    if lang not in LANGS:
        raise AccountInvalid("bad_lang")
    with rt.writing() as session:
        row = session.get(Account, account_id)
        if row is not None:
            row.lang = lang
            session.add(row)
            session.commit()
