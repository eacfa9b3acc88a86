"""Model versions: rankers and cards in the database, one active at a time.

A version is a ``model_versions`` row: its card (JSON) and its rankers' bytes (``artifact``),
written in the same transaction, so every host that shares the database serves the same
rankers and no host keeps anything of its own. The bytes are a zip archive of two files
(``dump``): the rankers' joblib file, which holds the scikit-learn estimators that retraining
uses, and their light form (``light.npz``: NumPy arrays, ``matcher.rank.trees``), which a
command or a server scores with, the same scores, without importing scikit-learn or joblib
(seconds of a command's start). A version saved before the light form existed is the joblib
file alone (its card's ``artifact`` has no ``form``) and loads as it did.

A copy of the joblib file and the card is also written to ``MATCHER_HOME/models`` for people
to look at; it is never loaded (except for versions saved before the bytes were kept in the
database); those files are written durably, and what a killed or failed write left is removed
at the next save (``service.store.model_files``). The card's shape is
``service.store.model_card``. Switching the active version is one transaction, so every
server process sees the old version or the new one. The baseline is always there, as version
``BASELINE``: rolling back to it is always possible.

Unpickling runs code, so a version is loaded only from this project's own database, and only
when the SHA-256 of its bytes is the one recorded on its card when it was saved (the light
form is read with ``allow_pickle=False``, and checked the same way). A version whose card
names library versions that cannot read it (``compatible``; its light form too, since
retraining still needs its estimators) is refused: rolling back to it fails with a clear
message, and a server asked to serve it logs the refusal and serves the baseline.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import logging
import threading
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, col

from matcher import Ranker, __version__
from matcher.rank import baseline_ranker, pack_light, unpack_light
from service.store.model_card import (
    BASELINE,
    ModelCard,
    baseline_card,
    group_label,
    reason_text,
    stored,
    words,
)
from service.store.model_files import ORPHAN_AGE, atomic, clean
from service.store.tables import ModelVersion

__all__ = [
    "BASELINE", "ORPHAN_AGE", "RANKER_KINDS", "Incompatible", "ModelCard", "Refused",
    "Tampered", "UnknownVersion", "activate", "active", "active_version", "baseline_card",
    "baseline_rankers", "card", "card_of", "clean", "compatible", "dump", "group_label",
    "installed_versions", "new_version", "rankers", "reason_text", "record_refusal", "save",
    "status", "versions",
]  # fmt: skip

log = logging.getLogger("matcher.models")
RANKER_KINDS = ("vacancy", "candidate", "course", "shelter")

ESTIMATORS, LIGHT = "rankers.joblib", "light.npz"
"""The two files of a version's zip archive (``dump``)."""
LIGHT_FORM = "joblib+light"
"""The card's ``artifact.form`` of a version saved as that archive (none: the joblib file)."""

SAME_PARTS = {"scikit-learn": 2, "numpy": 1, "joblib": 1, "matcher": 1}
"""How many leading parts of a library's version must match the card's for its pickle to be
read: scikit-learn does not promise that an estimator pickled by one minor release loads (or
predicts the same) in another, so major.minor; numpy keeps its pickles within a major release
(2.0 moved ``numpy.core``), joblib its file format, and matcher its ranker classes, so major."""


class UnknownVersion(LookupError):
    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.version = version


class Refused(Exception):
    """A version that must not be loaded here; ``code`` names its message (``api_<code>``),
    which the API answers with 409 and the command line prints."""

    code = ""

    def __init__(self, version: str, **params: object) -> None:
        super().__init__(version)
        self.version = version
        self.params: dict[str, Any] = {"version": version, **params}

    def message(self, lang: str) -> str:
        return words(f"api_{self.code}", lang, **self.params)


class Incompatible(Refused):
    """The card names a library version that cannot read this version's rankers."""

    code = "model_incompatible"

    def __init__(self, version: str, library: str, recorded: str, installed: str) -> None:
        super().__init__(version, library=library, recorded=recorded, installed=installed)


class Tampered(Refused):
    """The stored bytes are not the ones saved: their SHA-256 differs from the card's."""

    code = "model_artifact_mismatch"


def installed_versions() -> dict[str, str]:
    """The versions of the libraries a version's rankers were pickled with, installed here."""
    return {
        "matcher": __version__,
        **{name: importlib.metadata.version(name) for name in ("scikit-learn", "numpy", "joblib")},
    }


def compatible(version: str, card: Mapping[str, Any]) -> None:
    """Raise ``Incompatible`` when the card's library versions cannot be read here (a card
    without versions, from before they were recorded, is taken as it is)."""
    recorded = card.get("versions")
    if not isinstance(recorded, Mapping):
        return
    installed = installed_versions()
    for library, parts in SAME_PARTS.items():
        then, now = recorded.get(library), installed.get(library)
        if not then or not now:
            continue
        if str(then).split(".")[:parts] != str(now).split(".")[:parts]:
            raise Incompatible(version, library, str(then), str(now))


def baseline_rankers() -> dict[str, Ranker]:
    return {kind: baseline_ranker(kind) for kind in RANKER_KINDS}


def new_version(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"learned-{moment:%Y%m%d-%H%M%S-%f}"[:-3]


def dump(rankers: Mapping[str, Ranker]) -> bytes:
    """The bytes that hold the rankers by kind: a zip archive of their joblib file (the
    scikit-learn estimators, which retraining uses) and their light form (NumPy arrays that a
    command or a server scores with, without importing scikit-learn); the joblib file alone
    when one of them has no light form. A light ranker is written as the estimator it was
    loaded with."""
    import joblib  # loaded only where a learned model is saved or read in full

    buffer = io.BytesIO()
    joblib.dump({kind: _estimator(r) for kind, r in rankers.items()}, buffer, compress=3)
    light = pack_light(rankers)
    if light is None:
        return buffer.getvalue()
    arrays = io.BytesIO()
    np.savez_compressed(arrays, allow_pickle=False, **light)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        for name, data in ((ESTIMATORS, buffer), (LIGHT, arrays)):
            # a fixed date (the zip format's first), so the same rankers give the same bytes
            packed.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data.getvalue())
    return archive.getvalue()


def _estimator(ranker: Ranker) -> Ranker:
    """The ranker itself, or, for a light one, the estimator it was loaded with."""
    if not hasattr(ranker, "full"):
        return ranker
    full = getattr(ranker, "full", None)
    if full is None:
        raise ValueError("a light ranker's scikit-learn estimator is not at hand")
    found: Ranker = full()
    return found


def _zipped(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _estimators_file(data: bytes) -> bytes:
    """The joblib file of a version's bytes."""
    if not _zipped(data):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(ESTIMATORS)


def save(
    session: Session,
    home: Path,
    version: str,
    rankers: Mapping[str, Ranker],
    card: ModelCard,
    *,
    data: bytes | None = None,
) -> ModelVersion:
    """Write the row with the rankers' bytes, their SHA-256 recorded on the card (not yet
    active; the caller commits), and a copy of the file and card under ``home`` to read.
    ``data``: the rankers already packed with ``dump`` (so that a caller holding a write
    lock does not compress while others wait)."""
    data = dump(rankers) if data is None else data
    card["artifact"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if _zipped(data):
        card["artifact"]["form"] = LIGHT_FORM
    card.setdefault("versions", installed_versions())
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = home / "models"
    folder.mkdir(exist_ok=True)
    clean(session, folder)
    path = folder / f"{version}.joblib"
    atomic(path, _estimators_file(data))
    text = json.dumps(card, ensure_ascii=False, indent=2, default=str)
    atomic(folder / f"{version}.json", text.encode())
    row = ModelVersion(
        version=version, kind="learned", path=str(path), card=dict(card), artifact=data
    )
    session.add(row)
    session.flush()
    return row


def _stored(row: ModelVersion) -> bytes | None:
    """The rankers' bytes: from the database; for a version saved before they were kept
    there, from the file it was written to, if this host has it."""
    if row.artifact is not None:
        return bytes(row.artifact)
    if row.path is not None and Path(row.path).is_file():
        return Path(row.path).read_bytes()
    return None


def _verified(row: ModelVersion) -> bytes:
    """The bytes of a version that may be loaded here: known, readable by the installed
    libraries, and the very bytes saved (checked against the card's SHA-256)."""
    data = _stored(row)
    if data is None:
        raise UnknownVersion(row.version)
    compatible(row.version, row.card)
    recorded = row.card.get("artifact")
    expected = recorded.get("sha256") if isinstance(recorded, Mapping) else None
    if expected is None and row.artifact is not None:
        raise Tampered(row.version)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise Tampered(row.version)
    return data


def record_refusal(session: Session, version: str, card: ModelCard) -> ModelVersion:
    """A challenger that was not promoted: its card and the reasons, no file."""
    row = ModelVersion(version=version, kind="learned", path=None, card=dict(card))
    session.add(row)
    session.flush()
    return row


def activate(session: Session, version: str) -> ModelVersion | None:
    """Make ``version`` the one that serves (``BASELINE`` for the baseline); the caller
    commits. Returns the row (None for the baseline)."""
    row = None
    if version != BASELINE:
        row = session.get(ModelVersion, version)
        if row is None:
            raise UnknownVersion(version)
        _verified(row)
    session.execute(
        sa.update(ModelVersion).where(col(ModelVersion.is_active)).values(is_active=False)
    )
    if row is not None:
        row.is_active = True
        row.activated_at = datetime.now(UTC)
        card = dict(row.card)
        card["status"] = "active"
        row.card = card
        session.add(row)
    session.flush()
    return row


def active(session: Session) -> ModelVersion | None:
    return session.scalars(sa.select(ModelVersion).where(col(ModelVersion.is_active))).first()


def active_version(session: Session) -> str:
    return (
        session.scalar(sa.select(col(ModelVersion.version)).where(col(ModelVersion.is_active)))
        or BASELINE
    )


def status(row: ModelVersion) -> str:
    """``active``, ``refused`` (never served) or ``inactive`` (served once, not now)."""
    if row.is_active:
        return "active"
    return "refused" if row.card.get("status") == "refused" else "inactive"


def card_of(row: ModelVersion) -> ModelCard:
    """A version's card with its status as it is now."""
    return {**stored(row.card), "status": status(row)}


def versions(session: Session) -> list[ModelVersion]:
    query = sa.select(ModelVersion).order_by(col(ModelVersion.created_at).desc())
    return list(session.scalars(query))


def card(session: Session) -> ModelCard:
    """The active model's card."""
    row = active(session)
    return card_of(row) if row is not None else baseline_card()


_cache: dict[str, dict[str, Ranker]] = {}
_lock = threading.Lock()


def rankers(session: Session, version: str | None = None) -> tuple[str, dict[str, Ranker]]:
    """The rankers of ``version`` (the active one by default), loaded once per process from
    the database. The active version, when it cannot be loaded here (other library versions,
    bytes not the ones saved, no bytes), is logged and the baseline serves instead; a version
    asked for by name raises ``UnknownVersion`` or ``Refused`` (``Incompatible``, ``Tampered``)."""
    if version is not None:
        return version, _load(session, version)
    version = active_version(session)
    try:
        return version, _load(session, version)
    except (UnknownVersion, Refused) as error:
        reason = (
            error.message("en")
            if isinstance(error, Refused)
            else words("api_unknown_version", "en", version=version)
        )
        log.error("model %s refused, the baseline serves instead: %s", version, reason)
        return BASELINE, baseline_rankers()


def _load(session: Session, version: str) -> dict[str, Ranker]:
    if version == BASELINE:
        return baseline_rankers()
    row = session.get(ModelVersion, version)
    if row is None:
        raise UnknownVersion(version)
    compatible(version, row.card)  # every time: the card may have been corrected since
    with _lock:
        if version not in _cache:
            recorded = row.card.get("artifact")
            light = isinstance(recorded, Mapping) and recorded.get("form") == LIGHT_FORM
            data = _verified(row)
            loaded = _unpacked(data) if light else None
            _cache[version] = {**baseline_rankers(), **(loaded or _unpickled(data))}
        return _cache[version]


def _unpickled(data: bytes) -> dict[str, Ranker]:
    """The scikit-learn estimators of a version's bytes (seconds: scikit-learn is imported)."""
    import joblib

    loaded: dict[str, Ranker] = joblib.load(io.BytesIO(_estimators_file(data)))
    return loaded


def _unpacked(data: bytes) -> dict[str, Ranker] | None:
    """The light rankers of a version's bytes (no unpickling, no scikit-learn), each able to
    give its estimator back; None when their form is one this version does not read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        light = archive.read(LIGHT)
    with np.load(io.BytesIO(light), allow_pickle=False) as arrays:
        found = dict(arrays)
    estimators = cache(lambda: _unpickled(data))
    unpacked: dict[str, Ranker] | None = unpack_light(found, full=lambda k: estimators()[k])
    return unpacked
