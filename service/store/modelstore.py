"""Model versions: rankers and cards in the database, one active at a time.

A version is a ``model_versions`` row: its card (JSON) and its rankers as the bytes of a
joblib file (``artifact``), written in the same transaction, so every host that shares the
database serves the same rankers and no host keeps anything of its own. A copy of the file
and card is also written to ``MATCHER_HOME/models`` for people to look at; it is never loaded
(except for versions saved before the bytes were kept in the database); those files are
written durably (``_atomic``), and what a killed or failed write left is removed at the next
save (``clean``). Switching the active
version is one transaction, so every server process sees the old version or the new one.
The baseline is always there, as version ``BASELINE``: rolling back to it is always possible.

Unpickling runs code, so a version is loaded only from this project's own database, and only
when the SHA-256 of its bytes is the one recorded on its card when it was saved. A version
whose card names library versions that cannot read it (``compatible``) is refused: rolling
back to it fails with a clear message, and a server asked to serve it logs the refusal and
serves the baseline.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import logging
import os
import threading
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.i18n import messages
from matcher import FEATURES, Ranker, __version__
from matcher.rank import WEIGHTS, baseline_ranker
from service.store.tables import ModelVersion

log = logging.getLogger("matcher.models")
BASELINE = f"baseline-{__version__}"
RANKER_KINDS = ("vacancy", "candidate", "course", "shelter")

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
        return _words(f"api_{self.code}", lang, **self.params)


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


def baseline_card(*, active: bool = True) -> dict[str, Any]:
    return {
        "version": BASELINE,
        "kind": "baseline",
        "status": "active" if active else "inactive",
        "description": "Weighted sum of features in [0, 1]; weights and reasons in "
        "docs/algorithm.md.",
        "features": {kind: list(names) for kind, names in FEATURES.items()},
        "weights": {kind: dict(weights) for kind, weights in WEIGHTS.items()},
    }


def baseline_rankers() -> dict[str, Ranker]:
    return {kind: baseline_ranker(kind) for kind in RANKER_KINDS}


def new_version(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"learned-{moment:%Y%m%d-%H%M%S-%f}"[:-3]


def dump(rankers: Mapping[str, Ranker]) -> bytes:
    """The bytes of a joblib file holding the rankers by kind."""
    buffer = io.BytesIO()
    import joblib  # loaded only where a learned model is saved or read

    joblib.dump(dict(rankers), buffer, compress=3)
    return buffer.getvalue()


def save(
    session: Session,
    home: Path,
    version: str,
    rankers: Mapping[str, Ranker],
    card: dict[str, Any],
    *,
    data: bytes | None = None,
) -> ModelVersion:
    """Write the row with the rankers' bytes, their SHA-256 recorded on the card (not yet
    active; the caller commits), and a copy of the file and card under ``home`` to read.
    ``data``: the rankers already packed with ``dump`` (so that a caller holding a write
    lock does not compress while others wait)."""
    data = dump(rankers) if data is None else data
    card["artifact"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    card.setdefault("versions", installed_versions())
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = home / "models"
    folder.mkdir(exist_ok=True)
    clean(session, folder)
    path = folder / f"{version}.joblib"
    _atomic(path, data)
    text = json.dumps(card, ensure_ascii=False, indent=2, default=str)
    _atomic(folder / f"{version}.json", text.encode())
    row = ModelVersion(version=version, kind="learned", path=str(path), card=card, artifact=data)
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


def record_refusal(session: Session, version: str, card: dict[str, Any]) -> ModelVersion:
    """A challenger that was not promoted: its card and the reasons, no file."""
    row = ModelVersion(version=version, kind="learned", path=None, card=card)
    session.add(row)
    session.flush()
    return row


ORPHAN_AGE = timedelta(hours=1)
"""A model file older than this with no version in the database, or a temporary file of a
write this old, was left by a retraining that was killed or failed: ``clean`` removes it."""


def _atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, and durably: the bytes go to a temporary file of
    this process, synced to disk before it is renamed over ``path``, and the folder is synced
    after, so that a crash leaves the old file or the new one, never a torn one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clean(session: Session, folder: Path, *, now: datetime | None = None) -> list[Path]:
    """Remove what killed or failed writes left in ``folder`` (this host's copies of model
    files): temporary files of a process that is gone (or older than ``ORPHAN_AGE``), and
    ``.joblib``/``.json`` files older than ``ORPHAN_AGE`` whose version is not in the
    database (written by a retraining whose transaction never committed). Newer files are
    left: they may belong to a save in progress. Returns what was removed."""
    if not folder.is_dir():
        return []
    moment = (now or datetime.now(UTC)).timestamp()
    known: set[str] | None = None
    removed = []
    for path in folder.iterdir():
        try:
            age = moment - path.stat().st_mtime
        except OSError:
            continue
        old = age > ORPHAN_AGE.total_seconds()
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            pid = path.name.removesuffix(".tmp").rpartition(".")[2]
            orphan = old or not pid.isdigit() or not _alive(int(pid))
        elif path.suffix in (".joblib", ".json") and old:
            if known is None:
                known = set(session.scalars(sa.select(col(ModelVersion.version))))
            orphan = path.stem not in known
        else:
            orphan = False
        if orphan:
            with suppress(OSError):
                path.unlink()
                removed.append(path)
    if removed:
        log.info("removed %d file(s) left by interrupted model writes in %s", len(removed), folder)
    return removed


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


def card_of(row: ModelVersion) -> dict[str, Any]:
    """A version's card with its status as it is now."""
    return {**row.card, "status": status(row)}


def versions(session: Session) -> list[ModelVersion]:
    query = sa.select(ModelVersion).order_by(col(ModelVersion.created_at).desc())
    return list(session.scalars(query))


def card(session: Session) -> dict[str, Any]:
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
            else _words("api_unknown_version", "en", version=version)
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
            import joblib

            loaded: dict[str, Ranker] = joblib.load(io.BytesIO(_verified(row)))
            _cache[version] = {**baseline_rankers(), **loaded}
        return _cache[version]


def _words(code: str, lang: str, **params: object) -> str:
    return messages("service").text(code, lang, **params)


def reason_text(reason: dict[str, Any], lang: str) -> str:
    """One refusal reason of a model card, in the reader's words (CLI and API alike)."""
    params = {k: v for k, v in reason.items() if k != "code"}
    if "metric" in params:
        params["metric"] = _words(f"metric_{params['metric']}", lang)
    if "attribute" in params:
        if "group" in params:
            params["group"] = group_label(str(params["attribute"]), str(params["group"]), lang)
        params["attribute"] = _words(f"attribute_{params['attribute']}", lang)
    return _words(f"refused_{reason['code']}", lang, **params)


def group_label(attribute: str, group: str, lang: str) -> str:
    """A group as a reader knows it: a region by its name."""
    if attribute == "region":
        from catalogs.reference.places import places

        place = places().get(group.ljust(9, "0"))
        return place.name(lang) if place is not None else group
    if attribute == "age_band" and group != "unknown":
        return group
    return _words(f"group_{group}", lang)
