"""Readings of written job titles and professions kept between processes: a JSON file of the
home holding ``(text, limit, cutoff, matches)`` under the fingerprint of the code and data that
made them. The engine build (``rows.remembered_readings``) and the one-person commands
(``service.serving.remembered``) keep theirs this way.

A file of another fingerprint, or a broken one, gives nothing (and is replaced at the next
write), so a reading is never stale. Written atomically with mode 0600 (a temporary name moved
into place); plain JSON, nothing in it can run. It holds texts and codes, never who wrote them.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from matcher import OccupationMatch

log = logging.getLogger("matcher.readings")

Reading = tuple[str, int, float, list[OccupationMatch]]


def load(path: Path, fingerprint: str) -> list[Reading]:
    """The readings kept in ``path`` under ``fingerprint`` (none when there are none)."""
    try:
        document = json.loads(path.read_text("utf-8"))
        if document.get("fingerprint") != fingerprint:
            return []
        return [
            (str(text), int(limit), float(cutoff), [OccupationMatch(*m) for m in found])
            for text, limit, cutoff, found in document["readings"]
        ]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        log.info("readings in %s ignored: %s", path, error)
        return []


def save(path: Path, fingerprint: str, readings: Iterable[Reading]) -> None:
    """Keep ``readings`` in ``path`` under ``fingerprint``, replacing what it held."""
    document = {
        "fingerprint": fingerprint,
        "readings": [
            [text, limit, cutoff, [[m.code, m.confidence, m.label] for m in found]]
            for text, limit, cutoff, found in readings
        ],
    }
    name = None
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".readings-")  # mode 0600
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False)
        os.replace(name, path)
    except OSError as error:
        log.info("readings not kept in %s: %s", path, error)
        if name is not None:
            Path(name).unlink(missing_ok=True)
