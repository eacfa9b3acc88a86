"""Protection of sensitive person data at rest: IINs, names and offence categories.

An IIN is stored twice, neither in clear: a keyed hash (HMAC-SHA256) to find a person by IIN,
and a Fernet ciphertext to show it to those allowed to see it. Names and offences are stored
encrypted only. A database dump without the key reveals none of them. The other sensitive
values (a person's institution and needs, plans, notes) are sealed with the same ``Protector``
by ``service.store.sealed``; a queued import's body (``job_uploads.body``) by ``seal_upload``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

UPLOAD_MAGIC = b"matcher-sealed-upload-1\n"
"""The first bytes of a sealed upload body (a body from before they were sealed has none)."""
UPLOAD_CHUNK = 1 << 20
"""Clear bytes per sealed chunk of an upload body."""
_NONCE = 12
_TAG = 16


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
        self._upload = AESGCM(_derive(secret, b"matcher upload encryption"))

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

    def seal_upload(self, source: IO[bytes] | bytes | bytearray) -> bytearray:
        """A large body (an import's file), encrypted chunk by chunk as it is read from
        ``source`` (AES-256-GCM, a fresh nonce per chunk, the chunk's place and whether it
        is the last bound to it, so chunks cannot be moved, dropped or cut off unnoticed).
        Only the sealed result is held whole: the clear body is never held twice."""
        chunks = _chunks(source)
        sealed = bytearray(UPLOAD_MAGIC)
        index, chunk = 0, next(chunks, b"")
        while True:
            following = next(chunks, None)
            last = following is None
            nonce = os.urandom(_NONCE)
            sealed += nonce
            sealed += self._upload.encrypt(nonce, chunk, _place(index, last))
            if following is None:
                return sealed
            index, chunk = index + 1, following

    def open_upload(self, sealed: bytes | bytearray) -> bytearray:
        """The clear body of ``seal_upload``'s result; ``ValueError`` when it was sealed
        under another key or was changed."""
        view = memoryview(sealed)
        if not is_sealed_upload(sealed):
            raise ValueError("not a sealed body")
        clear = bytearray()
        at, index = len(UPLOAD_MAGIC), 0
        while True:
            end = min(at + _NONCE + UPLOAD_CHUNK + _TAG, len(view))
            last = end == len(view)
            try:
                clear += self._upload.decrypt(
                    bytes(view[at : at + _NONCE]),
                    bytes(view[at + _NONCE : end]),
                    _place(index, last),
                )
            except InvalidTag:
                raise ValueError("data was encrypted with another key, or changed") from None
            if last:
                return clear
            at, index = end, index + 1


def is_sealed_upload(body: bytes | bytearray) -> bool:
    return bytes(body[: len(UPLOAD_MAGIC)]) == UPLOAD_MAGIC


def _chunks(source: IO[bytes] | bytes | bytearray) -> Iterator[bytes]:
    """``source`` in chunks of ``UPLOAD_CHUNK`` bytes (the last one shorter), read as they
    are needed."""
    if isinstance(source, bytes | bytearray):
        view = memoryview(source)
        for at in range(0, len(view), UPLOAD_CHUNK):
            yield bytes(view[at : at + UPLOAD_CHUNK])
        return
    while chunk := _fill(source):
        yield chunk
        if len(chunk) < UPLOAD_CHUNK:
            return


def _fill(stream: IO[bytes]) -> bytes:
    """The next ``UPLOAD_CHUNK`` bytes of ``stream`` (fewer only at its end)."""
    chunk = stream.read(UPLOAD_CHUNK)
    while 0 < len(chunk) < UPLOAD_CHUNK:
        more = stream.read(UPLOAD_CHUNK - len(chunk))
        if not more:
            break
        chunk += more
    return chunk


def _place(index: int, last: bool) -> bytes:
    return index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def mask_iin(iin: str) -> str:
    """``900101300123`` → ``********0123``: enough to tell two people apart on a screen."""
    return "*" * 8 + iin[-4:]
