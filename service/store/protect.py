"""Protection of sensitive person data at rest: IINs, names and offence categories.

An IIN is stored twice, neither in clear: a keyed hash (HMAC-SHA256) to find a person by IIN,
and a Fernet ciphertext to show it to those allowed to see it. Names and offences are stored
encrypted only. A database dump without the key reveals none of them. The other sensitive
values (a person's institution and needs, plans, notes) are sealed with the same ``Protector``
by ``service.store.sealed``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class Protector:
    """Hashes and encrypts with two keys derived from one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the secret key must be at least 16 bytes")
        self._lookup_key = _derive(secret, b"matcher iin lookup")
        self._pseudonym_key = _derive(secret, b"matcher employer pseudonym")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"matcher encryption")))

    def lookup_hash(self, iin: str) -> str:
        """A stable keyed hash of an IIN, for finding a person by IIN."""
        return hmac.new(self._lookup_key, iin.encode(), hashlib.sha256).hexdigest()

    def pseudonym(self, person_id: str, *, employer_bin: str) -> str:
        """A stable code that stands for a person wherever one employer could see them: 64
        bits of a keyed hash of the employer and the person, so two employers who compare
        their lists cannot link their codes, and codes do not collide at national scale."""
        message = f"{employer_bin}\x00{person_id}".encode()
        digest = hmac.new(self._pseudonym_key, message, hashlib.sha256).hexdigest()
        return "C-" + digest[:16].upper()

    def audit_key(self) -> bytes:
        """The key of the audit trail's hash chain (``service.store.audit``), derived from
        the secret key and never stored."""
        return _derive(self._lookup_key, b"matcher audit chain")

    def fingerprint(self) -> str:
        """Names the secret key without revealing it: a value derived from the key (as the
        other keys are), recorded in the database (``service.store.keys``) so that a process
        started with another key is refused."""
        return _derive(self._lookup_key, b"matcher key fingerprint").hex()

    def encrypt(self, value: str | None) -> str | None:
        return None if value is None else self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("data was encrypted with another key") from None


def mask_iin(iin: str) -> str:
    """``900101300123`` → ``********0123``: enough to tell two people apart on a screen."""
    return "*" * 8 + iin[-4:]
