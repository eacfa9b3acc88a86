"""The title reader as a process that answers for one person uses it: loaded only for a text
that no earlier process has read.

Loading the learned title reader (``matcher.reader``) takes longer than answering a command
that reads one person, and that person's professions were most often read by an earlier
command. ``Remembering`` holds the readings of earlier processes, kept in
``<home>/readings-answered.json`` under the fingerprint of the code and data they were made
by (``saved.code_fingerprint``: the reader's code, vocabulary and calibration, the libraries),
and hands a text not among them to the reader itself (``matcher.occupation_matcher``), which
is loaded then; what it reads is added to the file. A reading depends only on the text, the
limit, the cutoff and that fingerprint, so the answer is the reader's own either way.

The file holds written professions and job titles with their codes, never who wrote them
(the database holds the same texts, unprotected, in ``persons.professions``); it is written
like the other files of the home (mode 0600, a temporary name moved into place), and a file
that is broken or of another fingerprint is ignored and replaced.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from matcher import OccupationMatch, OccupationMatcher, occupation_matcher

log = logging.getLogger("matcher.readings")

FILE = "readings-answered.json"
MOST = 50_000
"""Readings kept in the file at most (the oldest are let go)."""
Reading = tuple[str, int, float, list[OccupationMatch]]


class Remembering(OccupationMatcher):
    """Readings kept in ``path`` under ``fingerprint``; any other text read by ``reader()``."""

    def __init__(
        self,
        path: Path,
        fingerprint: str,
        reader: Callable[[], OccupationMatcher] = occupation_matcher,
    ) -> None:
        super().__init__(())
        self.path = path
        self._fingerprint = fingerprint
        self._reader = reader
        self.remember(self._kept())

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def _read(
        self, distinct: list[str], *, limit: int, cutoff: float
    ) -> dict[str, list[OccupationMatch]]:
        found = self._reader().match_many(distinct, limit=limit, cutoff=cutoff)
        read = dict(zip(distinct, found, strict=True))
        self._keep([(text, limit, cutoff, codes) for text, codes in read.items()])
        return read

    def _kept(self) -> list[Reading]:
        try:
            document = json.loads(self.path.read_text("utf-8"))
            if document.get("fingerprint") != self._fingerprint:
                return []
            return [
                (str(text), int(limit), float(cutoff), [OccupationMatch(*m) for m in found])
                for text, limit, cutoff, found in document["readings"]
            ]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.info("readings in %s ignored: %s", self.path, error)
            return []

    def _keep(self, new: list[Reading]) -> None:
        """Add ``new`` to the file (as it is now: another process may have added to it)."""
        readings = {(t, limit, cutoff): found for t, limit, cutoff, found in self._kept()}
        readings.update({(t, limit, cutoff): found for t, limit, cutoff, found in new})
        kept = list(readings.items())[-MOST:]
        document = {
            "fingerprint": self._fingerprint,
            "readings": [
                [text, limit, cutoff, [[m.code, m.confidence, m.label] for m in found]]
                for (text, limit, cutoff), found in kept
            ],
        }
        name = None
        try:
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".readings-")  # 0600
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False)
            os.replace(name, self.path)
        except OSError as error:
            log.info("readings not kept in %s: %s", self.path, error)
            if name is not None:
                Path(name).unlink(missing_ok=True)
