"""Bearer tokens: made once, shown once, stored only as a hash, revocable."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from service.store.tables import ApiToken, utcnow

ROLES = ("officer", "inspector", "employer", "admin")
PREFIX = "mt_"


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
) -> tuple[str, ApiToken]:
    """A new token (returned once, in clear) and its stored record; ``email`` and ``lang``:
    where and in which language its holder's notifications go."""
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
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=digest(token),
        role=role,
        employer_bin=employer_bin,
        region_kato=region_kato,
        label=label,
        email=email,
        lang=lang,
    )
    session.add(record)
    session.commit()
    session.refresh(record)
    return token, record


def find(session: Session, token: str) -> ApiToken | None:
    """The live (not revoked) token record for a presented token."""
    record = session.scalars(
        sa.select(ApiToken).where(col(ApiToken.token_hash) == digest(token))
    ).first()
    return None if record is None or record.revoked_at is not None else record


def listing(session: Session) -> Sequence[ApiToken]:
    return session.scalars(sa.select(ApiToken).order_by(col(ApiToken.id))).all()


def revoke(session: Session, token_id: int) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None:
        raise TokenError("unknown_token", id=token_id)
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.commit()
        session.refresh(record)
    return record
