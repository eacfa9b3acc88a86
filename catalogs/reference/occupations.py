"""Occupations: ISCO-08 unit groups with Russian, Kazakh and English titles and job-title synonyms.

The data are the shipped ``data/occupations.csv`` and ``data/occupation_synonyms.csv``, built by
``tools/reference/build_occupations.py`` (sources in ``data/ATTRIBUTION-occupations.md``).

``lookup`` is an exact match of ``normalize_occupation(text)`` against every title and synonym;
the build guarantees that no normalised form belongs to two codes, so the answer is unique.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from catalogs.normalize import normalize_occupation
from catalogs.reference import read_csv

__all__ = ["Occupation", "Occupations", "occupations"]

_LANGS = ("ru", "kk", "en")


@dataclass(frozen=True, slots=True)
class Occupation:
    """One ISCO-08 unit group (4-digit code, kept as a string with leading zeros)."""

    code: str
    title_ru: str
    title_kk: str
    title_en: str
    priority: bool
    synonyms: tuple[str, ...]

    def title(self, lang: str) -> str:
        """The title in ``lang`` ('ru', 'kk' or 'en'); Russian when that one is missing."""
        if lang == "kk" and self.title_kk:
            return self.title_kk
        if lang == "en" and self.title_en:
            return self.title_en
        return self.title_ru

    @property
    def minor_group(self) -> str:
        """The ISCO-08 minor group: the first three digits of the code."""
        return self.code[:3]


class Occupations:
    """The occupation classifier with a lookup from free-text job titles to codes."""

    __slots__ = ("_by_code", "_index", "_labels")

    def __init__(self, items: list[Occupation], synonyms: list[tuple[str, str]]) -> None:
        """``synonyms`` are (code, surface form) pairs in the order they are shipped."""
        self._by_code: dict[str, Occupation] = {o.code: o for o in items}
        self._index: dict[str, str] = {}
        self._labels: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        surfaces = [(o.code, t) for o in items for t in (o.title_ru, o.title_kk, o.title_en) if t]
        for code, surface in [*surfaces, *synonyms]:
            key = normalize_occupation(surface)
            if not key:
                continue
            owner = self._index.setdefault(key, code)
            if owner != code:
                raise ValueError(
                    f"{surface!r} normalises to {key!r}, claimed by {owner} and {code}"
                )
            if (code, key) not in seen:
                seen.add((code, key))
                self._labels.append((code, key))

    def get(self, code: str) -> Occupation | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Occupation]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def lookup(self, text: str) -> str | None:
        """The code whose title or synonym equals ``text`` after normalisation, else None."""
        return self._index.get(normalize_occupation(text))

    def priority(self) -> list[Occupation]:
        """Occupations most relevant to people leaving prison, in code order."""
        return [o for o in self._by_code.values() if o.priority]

    def labels(self) -> list[tuple[str, str]]:
        """(code, normalised surface form) for every title and synonym, without repeats."""
        return list(self._labels)


@functools.cache
def occupations() -> Occupations:
    """The shipped classifier, loaded once."""
    by_code: dict[str, list[str]] = {}
    synonym_pairs: list[tuple[str, str]] = []
    for row in read_csv("occupation_synonyms.csv"):
        if row["lang"] not in _LANGS:
            raise ValueError(f"occupation_synonyms.csv: unknown language {row['lang']!r}")
        by_code.setdefault(row["code"], []).append(row["synonym"])
        synonym_pairs.append((row["code"], row["synonym"]))
    items = [
        Occupation(
            code=row["code"],
            title_ru=row["title_ru"],
            title_kk=row["title_kk"],
            title_en=row["title_en"],
            priority=row["priority"] == "true",
            synonyms=tuple(by_code.get(row["code"], ())),
        )
        for row in read_csv("occupations.csv")
    ]
    unknown = set(by_code) - {o.code for o in items}
    if unknown:
        raise ValueError(f"occupation_synonyms.csv: unknown codes {sorted(unknown)}")
    return Occupations(items, synonym_pairs)
