"""Model versions: files on disk, cards in the database, one active at a time.

A version is a joblib file (the rankers by kind) and a JSON card beside it in
``MATCHER_HOME/models``, and a ``model_versions`` row holding the same card. Files are written
to a temporary name and renamed, so a reader never sees half a file; switching the active
version is one transaction, so every server process sees the old version or the new one.
The baseline is always there, as version ``BASELINE``: rolling back to it is always possible.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.i18n import messages
from matcher import __version__
from matcher.engine import Ranker
from matcher.features.pairs import FEATURES
from matcher.rank.baseline import WEIGHTS, baseline
from service.store.tables import ModelVersion

BASELINE = f"baseline-{__version__}"
RANKER_KINDS = ("vacancy", "candidate", "course", "shelter")


class UnknownVersion(LookupError):
    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.version = version


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
    return {kind: baseline(kind) for kind in RANKER_KINDS}


def new_version(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"learned-{moment:%Y%m%d-%H%M%S-%f}"[:-3]


def save(
    session: Session, home: Path, version: str, rankers: Mapping[str, Ranker], card: dict[str, Any]
) -> ModelVersion:
    """Write the files and the row (not yet active); the caller commits."""
    folder = home / "models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}.joblib"
    _atomic(path, lambda tmp: joblib.dump(dict(rankers), tmp, compress=3))
    text = json.dumps(card, ensure_ascii=False, indent=2, default=str)
    _atomic(folder / f"{version}.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    row = ModelVersion(version=version, kind="learned", path=str(path), card=card)
    session.add(row)
    session.flush()
    return row


def record_refusal(session: Session, version: str, card: dict[str, Any]) -> ModelVersion:
    """A challenger that was not promoted: its card and the reasons, no file."""
    row = ModelVersion(version=version, kind="learned", path=None, card=card)
    session.add(row)
    session.flush()
    return row


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(str(tmp))
    os.replace(tmp, path)


def activate(session: Session, version: str) -> ModelVersion | None:
    """Make ``version`` the one that serves (``BASELINE`` for the baseline); the caller
    commits. Returns the row (None for the baseline)."""
    row = None
    if version != BASELINE:
        row = session.get(ModelVersion, version)
        if row is None or row.path is None or not Path(row.path).is_file():
            raise UnknownVersion(version)
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
    """The rankers of ``version`` (the active one by default), loaded once per process."""
    version = version or active_version(session)
    if version == BASELINE:
        return version, baseline_rankers()
    with _lock:
        if version not in _cache:
            row = session.get(ModelVersion, version)
            if row is None or row.path is None:
                raise UnknownVersion(version)
            loaded: dict[str, Ranker] = joblib.load(row.path)
            _cache[version] = {**baseline_rankers(), **loaded}
        return version, _cache[version]


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
    if attribute == "age_band":
        return group
    return _words(f"group_{group}", lang)
