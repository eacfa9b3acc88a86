"""What the title reader learns from: every title, synonym and activity with its ISCO-08 code.

Sources, from the most to the least trusted (an exact look-up takes the first that knows a
text, see ``Vocabulary.exact``):

1. ``curated`` — the project's occupation reference (``catalogs.reference.occupations``: ISCO
   titles in ru/kk/en and the hand-written synonyms);
2. ``words`` — ``data/title_words.csv``: common English, transliterated and job-board titles
   («backend developer», «смм менеджер», «бариста»), and the *generic* titles with no code
   («специалист», «менеджер», «сотрудник»), which name no occupation on their own;
3. ``activity`` — ``data/activities.csv``: how people name their trade by what they do
   («сварка», «шить умею», «крыши делаю»);
4. ``kodp`` and ``nkz`` — the official classifiers (``catalogs.reference.classifiers``):
   KODP-2020's Russian titles under their ISCO-08 codes and Kazakhstan's NKZ occupations in
   Russian and Kazakh, each NKZ title with its NKZ code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from catalogs.reference import read_csv

SOURCES = ("curated", "words", "activity", "kodp", "nkz")
"""Sources in order of trust (the order exact look-ups consult them)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One text the reader learns from."""

    code: str
    lang: str
    text: str
    source: str
    nkz: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The entries to learn from and the generic titles to refuse."""

    entries: tuple[Entry, ...]
    generic: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A digest of every entry and generic title, in order."""
        digest = hashlib.sha256()
        for e in self.entries:
            digest.update(f"{e.code}\x01{e.lang}\x01{e.text}\x01{e.source}\x01{e.nkz}\x00".encode())
        for text in self.generic:
            digest.update(f"generic\x01{text}\x00".encode())
        return digest.hexdigest()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], *, generic: Iterable[str] = ()) -> Vocabulary:
        """A vocabulary of plain ``(code, text)`` pairs (tests, other vocabularies)."""
        entries = tuple(Entry(code, "ru", text, "curated") for code, text in pairs)
        return cls(entries, tuple(generic))


SHIPPED_FILES = (
    "occupations.csv", "occupation_synonyms.csv", "title_words.csv", "activities.csv",
    "kodp_titles.csv", "nkz_occupations.csv", "nkz4_isco08.csv",
)  # fmt: skip
"""The data files ``shipped_vocabulary`` is made of."""


def shipped_fingerprint() -> str:
    """A digest of the shipped vocabulary's data files and of the code that reads them:
    cheap (no file is parsed), and it changes whenever ``shipped_vocabulary()`` may."""
    from catalogs.reference import classifiers, occupations

    digest = hashlib.sha256()
    data = resources.files("catalogs.reference").joinpath("data")
    for name in SHIPPED_FILES:
        digest.update(name.encode())
        digest.update(data.joinpath(name).read_bytes())
    for module in (classifiers, occupations):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def shipped_vocabulary() -> Vocabulary:
    """The vocabulary of the shipped reference data (``catalogs/reference/data``)."""
    from catalogs.reference.classifiers import nkz_occupations, training_titles
    from catalogs.reference.occupations import occupations

    registry = occupations()
    known = {o.code for o in registry}
    entries: list[Entry] = []
    for item in registry:
        for lang in ("ru", "kk", "en"):
            title = item.title(lang)
            if title and (lang == "ru" or title != item.title_ru):
                entries.append(Entry(item.code, lang, title, "curated"))
    entries.extend(Entry(code, "ru", label, "curated") for code, label in registry.labels())
    generic: list[str] = []
    for row in read_csv("title_words.csv"):
        if not row["isco"]:
            generic.append(row["title"])
        else:
            entries.append(Entry(row["isco"], row["lang"], row["title"], "words"))
    for row in read_csv("activities.csv"):
        entries.append(Entry(row["isco"], row["lang"], row["activity"], "activity"))
    entries.extend(
        Entry(code, lang, title, source)
        for code, lang, title, source in training_titles()
        if source != "nkz"
    )
    for occupation in nkz_occupations():
        for lang in ("ru", "kk"):
            title = occupation.title(lang)
            if lang == "ru" or title != occupation.title_ru:
                entries.append(Entry(occupation.isco08, lang, title, "nkz", occupation.nkz))
    unknown = {e.code for e in entries} - known
    if unknown:
        raise ValueError(
            f"reader vocabulary: codes not in the occupation reference: {sorted(unknown)}"
        )
    return Vocabulary(tuple(entries), tuple(generic))
