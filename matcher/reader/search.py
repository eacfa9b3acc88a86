"""Autocomplete for a profession field: occupations whose titles match the typed words.

Every title of the vocabulary (ISCO titles, synonyms, English titles, activities, KODP and NKZ
titles in Russian and Kazakh) is folded (``catalogs.normalize.fold``, Kazakh letters to their
Russian look-alikes, so «жургиз» finds «жүргізуші»). A title matches when every typed word
(two letters at least in all) begins one of its words, or failing that occurs inside it.
Matches are ordered: the title begins with the query, then every word a prefix, then
contained; within each, titles in the requested language first, then by the trust of their
source, then shorter titles first. One hit per (ISCO code, NKZ code).

The index keeps, for every character n-gram of two or three letters within a word, the rows
whose title has it (one ``numpy`` array of row numbers sorted by n-gram, about 10 MB): a query's candidates are the rows that
have all the n-grams of its words (the rarest first), and only they are checked; a title that
contains the typed words has all their n-grams, so nothing is missed. A call takes well under
a millisecond where a scan of every title took 25 ms.

A hit's ``quality`` says which of the three kinds it is (1.0, 0.9, 0.8), less 0.05 for a
title in another language: it orders, it is not a probability.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalogs.normalize import fold
from matcher.reader.vocabulary import SOURCES, Vocabulary

_KAZAKH_LOOSE = str.maketrans("әғқңөұүһі", "агкноуухи")
MIN_LETTERS = 2
GRAM = 3


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
        rows: list[tuple[str, str, str, str | None, str, str, int]] = []
        for e in vocabulary.entries:
            folded = _folded(e.text)
            if not folded or (e.code, e.nkz, folded) in seen:
                continue
            seen.add((e.code, e.nkz, folded))
            rows.append(
                (
                    folded,
                    " " + " ".join(folded.split()),
                    e.code,
                    e.nkz,
                    e.text,
                    e.lang,
                    SOURCES.index(e.source),
                )
            )
        self._rows = [(code, nkz, title) for _, _, code, nkz, title, _, _ in rows]
        gram_ids: dict[str, int] = {}
        grams, of_row = array("i"), array("i")
        for i, row in enumerate(rows):
            for gram in _grams(tuple(row[1].split())):
                grams.append(gram_ids.setdefault(gram, len(gram_ids)))
                of_row.append(i)
        by_gram = np.frombuffer(grams, dtype=np.int32)
        order = np.argsort(by_gram, kind="stable")  # rows stay ascending within a gram
        self._gram_ids = gram_ids
        self._gram_rows = np.frombuffer(of_row, dtype=np.int32)[order].copy()
        self._gram_start = np.searchsorted(by_gram[order], np.arange(len(gram_ids) + 1))
        strings = np.dtypes.StringDType()
        self._texts = np.array([row[0] for row in rows], dtype=strings)
        self._padded = np.array([row[1] for row in rows], dtype=strings)
        self._langs = np.array([row[5] for row in rows], dtype=strings)
        self._tiers = np.array([row[6] for row in rows], dtype=np.int16)
        self._lengths = np.array([len(row[0]) for row in rows], dtype=np.int32)
        self._text_rank = np.empty(len(rows), dtype=np.int32)
        self._text_rank[sorted(range(len(rows)), key=lambda i: rows[i][0])] = np.arange(len(rows))

    def _candidates(self, words: list[str]) -> npt.NDArray[np.int32]:
        """The rows that have every n-gram of the typed words (a superset of the matches)."""
        lists = []
        for gram in _grams(tuple(words), whole=True):
            gid = self._gram_ids.get(gram)
            if gid is None:
                return np.empty(0, dtype=np.int32)
            lists.append(self._gram_rows[self._gram_start[gid] : self._gram_start[gid + 1]])
        if not lists:  # only one-letter words
            return np.empty(0, dtype=np.int32)
        lists.sort(key=len)
        out = lists[0]
        for other in lists[1:]:
            if len(out) == 0:
                break
            out = np.intersect1d(out, other, assume_unique=True)
        return out

    def find(self, query: str, *, lang: str, limit: int) -> list[Hit]:
        folded = _folded(query)
        words = folded.split()
        if len(folded.replace(" ", "")) < MIN_LETTERS or limit <= 0:
            return []
        rows = self._candidates(words)
        texts, padded = self._texts[rows], self._padded[rows]
        prefix = np.ones(len(rows), dtype=bool)
        inside = np.ones(len(rows), dtype=bool)
        for w in words:
            prefix &= np.strings.find(padded, " " + w) >= 0  # the word begins a word
            inside &= np.strings.find(texts, w) >= 0
        kind = np.where(
            np.strings.startswith(texts, folded), 0, np.where(prefix, 1, np.where(inside, 2, 3))
        )
        other = (self._langs[rows] != lang).astype(np.int8)
        order = np.lexsort(
            (self._text_rank[rows], self._lengths[rows], self._tiers[rows], other, kind)
        )
        order = order[kind[order] < 3]
        out: list[Hit] = []
        taken: set[tuple[str, str | None]] = set()
        for j in order.tolist():
            code, nkz, title = self._rows[int(rows[j])]
            if (code, nkz) in taken:
                continue
            taken.add((code, nkz))
            quality = round(1.0 - 0.1 * int(kind[j]) - 0.05 * int(other[j]), 2)
            out.append(Hit(code, nkz, title, quality))
            if len(out) == limit:
                break
        return out


def _grams(words: tuple[str, ...], *, whole: bool = False) -> set[str]:
    """The n-grams of two and three letters within the words: all of them for a title; for a
    query (``whole``), those of ``GRAM`` letters, or a two-letter word itself (a one-letter
    word gives none: it is only checked on the candidates)."""
    out: set[str] = set()
    for word in words:
        if whole:
            if len(word) == 2:
                out.add(word)
            elif len(word) > 2:
                out.update(word[i : i + GRAM] for i in range(len(word) - GRAM + 1))
            continue
        for n in range(2, GRAM + 1):
            out.update(word[i : i + n] for i in range(len(word) - n + 1))
    return out
