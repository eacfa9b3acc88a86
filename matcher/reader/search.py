"""Autocomplete for a profession field: occupations whose titles match the typed words.

Every title of the vocabulary (ISCO titles, synonyms, English titles, activities, KODP and NKZ
titles in Russian and Kazakh) is folded (``catalogs.normalize.fold``, Kazakh letters to their
Russian look-alikes, so «жургиз» finds «жүргізуші»). A title matches when every typed word
(two letters at least in all) begins one of its words, or failing that occurs inside it.
Matches are ordered: the title begins with the query, then every word a prefix, then
contained; within each, titles in the requested language first, then by the trust of their
source, then shorter titles first. One hit per (ISCO code, NKZ code).

A hit's ``quality`` says which of the three kinds it is (1.0, 0.9, 0.8), less 0.05 for a
title in another language: it orders, it is not a probability.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogs.normalize import fold
from matcher.reader.vocabulary import SOURCES, Vocabulary

_KAZAKH_LOOSE = str.maketrans("әғқңөұүһі", "агкноуухи")
MIN_LETTERS = 2


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    nkz: str | None
    title: str
    quality: float


def _folded(text: str) -> str:
    return fold(text).translate(_KAZAKH_LOOSE)


class SearchIndex:
    """The folded titles of a vocabulary, searched by prefix."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        seen: set[tuple[str, str | None, str]] = set()
        rows: list[tuple[str, tuple[str, ...], str, str | None, str, str, int]] = []
        for e in vocabulary.entries:
            folded = _folded(e.text)
            if not folded or (e.code, e.nkz, folded) in seen:
                continue
            seen.add((e.code, e.nkz, folded))
            rows.append(
                (
                    folded,
                    tuple(folded.split()),
                    e.code,
                    e.nkz,
                    e.text,
                    e.lang,
                    SOURCES.index(e.source),
                )
            )
        self._rows = rows

    def find(self, query: str, *, lang: str, limit: int) -> list[Hit]:
        folded = _folded(query)
        words = folded.split()
        if len(folded.replace(" ", "")) < MIN_LETTERS or limit <= 0:
            return []
        found: list[tuple[tuple[int, int, int, int, str], Hit]] = []
        first = words[0]
        for text, tokens, code, nkz, title, title_lang, tier in self._rows:
            if first not in text:
                continue
            if text.startswith(folded):
                kind = 0
            elif all(any(t.startswith(w) for t in tokens) for w in words):
                kind = 1
            elif all(w in text for w in words):
                kind = 2
            else:
                continue
            other = int(title_lang != lang)
            quality = round(1.0 - 0.1 * kind - 0.05 * other, 2)
            found.append(((kind, other, tier, len(text), text), Hit(code, nkz, title, quality)))
        found.sort(key=lambda item: item[0])
        out: list[Hit] = []
        taken: set[tuple[str, str | None]] = set()
        for _, hit in found:
            if (hit.code, hit.nkz) in taken:
                continue
            taken.add((hit.code, hit.nkz))
            out.append(hit)
            if len(out) == limit:
                break
        return out
