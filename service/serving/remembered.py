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

from collections.abc import Callable
from pathlib import Path

from matcher import OccupationMatch, OccupationMatcher, occupation_matcher
from service.store import readings as kept_readings
from service.store.readings import Reading

FILE = "readings-answered.json"
MOST = 50_000
"""Readings kept in the file at most (the oldest are let go)."""


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
        return kept_readings.load(self.path, self._fingerprint)

    def _keep(self, new: list[Reading]) -> None:
        """Add ``new`` to the file (as it is now: another process may have added to it)."""
        kept = {(t, limit, cutoff): found for t, limit, cutoff, found in self._kept()}
        kept.update({(t, limit, cutoff): found for t, limit, cutoff, found in new})
        latest = list(kept.items())[-MOST:]
        kept_readings.save(self.path, self._fingerprint, [(*key, found) for key, found in latest])
