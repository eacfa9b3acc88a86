"""Persons in columns and buckets, for a vacancy's list of candidates; ``person_codes``: a
person's occupations from the professions as written (or as an officer confirmed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from matcher.index.buckets import TITLE_CUTOFF, Positions, offence_bit, positions
from matcher.profile import Person
from matcher.text import OccupationMatch, OccupationMatcher


class PersonIndex:
    """Persons in columns and buckets, for a vacancy's list of candidates."""

    def __init__(self, persons: Sequence[Person], *, matcher: OccupationMatcher):
        self.items = list(persons)
        self.position = {p.person_id: i for i, p in enumerate(self.items)}
        texts = list(dict.fromkeys(t for p in self.items for t in p.professions))
        read = dict(
            zip(texts, matcher.match_many(texts, limit=1, cutoff=TITLE_CUTOFF), strict=True)
        )
        n = len(self.items)
        self.codes: list[dict[str, float]] = []
        self.sources: list[dict[str, str]] = []
        self.lat = np.array([p.lat for p in self.items], dtype=np.float64)
        self.lon = np.array([p.lon for p in self.items], dtype=np.float64)
        self.commute = np.array([p.max_commute_km for p in self.items], dtype=np.float64)
        self.relocation = np.array([p.relocation_ok for p in self.items], dtype=bool)
        self.offence = np.zeros(n, dtype=np.int64)
        by_code: dict[object, list[int]] = defaultdict(list)
        by_minor: dict[object, list[int]] = defaultdict(list)
        without_trade: list[int] = []
        for i, person in enumerate(self.items):
            codes, sources = person_codes(
                person.professions,
                read,
                confirmed=person.confirmed_occupation,
                confirmed_text=person.confirmed_text,
            )
            self.codes.append(codes)
            self.sources.append(sources)
            self.offence[i] = offence_bit(person.offence_category)
            for code in codes:
                by_code[code].append(i)
                by_minor[code[:3]].append(i)
            if not codes:
                without_trade.append(i)
        self.by_code = positions(by_code)
        self.by_minor = positions(by_minor)
        self.without_trade = np.asarray(without_trade, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.items)

    def candidates(self, code: str | None, *, entry_level: bool) -> Positions:
        empty = np.empty(0, dtype=np.int64)
        parts = [empty]
        if code is not None:
            parts += [self.by_code.get(code, empty), self.by_minor.get(code[:3], empty)]
        if entry_level:
            parts.append(self.without_trade)
        return np.unique(np.concatenate(parts))


def person_codes(
    professions: Sequence[str],
    read: Mapping[str, list[OccupationMatch]] | None = None,
    matcher: OccupationMatcher | None = None,
    *,
    confirmed: str | None = None,
    confirmed_text: str | None = None,
) -> tuple[dict[str, float], dict[str, str]]:
    """The person's occupations (code → confidence) from the professions as written, and which
    text each code was read from; ``read`` holds texts already matched, else ``matcher`` reads
    them now. A ``confirmed`` code (an officer's) is certain and replaces the reading of the
    text it answers, ``confirmed_text``."""
    if confirmed is not None:
        professions = [text for text in professions if text != confirmed_text]
    if read is None:
        assert matcher is not None
        read = {text: matcher.match(text, limit=1, cutoff=TITLE_CUTOFF) for text in professions}
    codes: dict[str, float] = {} if confirmed is None else {confirmed: 1.0}
    sources: dict[str, str] = {}  # a confirmed code is shown by its title, not by the text
    for text in professions:
        for match in read.get(text, []):
            if match.confidence > codes.get(match.code, 0.0):
                codes[match.code] = match.confidence
                sources[match.code] = text
    return codes, sources
