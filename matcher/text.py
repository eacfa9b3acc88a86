"""Understanding job titles and professions as people and employers write them.

Free text in Russian, Kazakh or English — with grades ("5 разряда", "4-ші разряд"), licence
categories ("кат. С"), abbreviations ("эл.газосварщик"), typos, Kazakh typed on a Russian
keyboard ("жургизуши") or in Latin letters ("svarshik", "júrgizýshi") — is mapped to ISCO-08
occupation codes with a confidence in [0, 1]:

- an exact match of the normalised text against a title or synonym of the occupation
  reference is certain (1.0);
- otherwise the text is compared with every title and synonym by RapidFuzz (``WRatio``, in
  one ``process.cdist`` call for a whole batch), on a "loose" form in which Kazakh letters are
  folded to their Russian look-alikes, and the best score of each code is its confidence.

The matcher is built from plain ``(code, label)`` pairs, so tests and other vocabularies can
use it without the shipped reference.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from catalogs.normalize import normalize_occupation

if TYPE_CHECKING:
    from matcher.reader import TitleReader

_KAZAKH_LOOSE = str.maketrans("әғқңөұүһі", "агкноуухи")
_LATIN = re.compile(r"[a-zá-ýıǵńóúý]", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
_TRANSLIT = (
    ("shch", "щ"), ("sch", "щ"), ("tsh", "тш"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("ye", "е"), ("iy", "ий"),
    ("ia", "я"), ("iu", "ю"), ("ie", "е"),
    ("á", "а"), ("ǵ", "г"), ("ń", "н"), ("ó", "о"), ("ú", "у"), ("ý", "у"), ("ı", "ы"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "ы"), ("z", "з"),
)  # fmt: skip
_TRANSLIT_PATTERN = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)


STOP_WORDS = frozenset(
    {"на", "по", "в", "во", "и", "или", "за", "для", "с", "со", "к", "от", "до", "из", "при",
     "мен", "пен", "бен", "және", "немесе", "үшін", "a", "an", "the", "of", "and", "for", "in"}
)  # fmt: skip
"""Words that carry no trade: a shared "на" must not make two titles look alike."""


def fuzzy_key(text: str) -> str:
    """A loose form without stop words: what the fuzzy scorer compares."""
    return " ".join(word for word in text.split() if word not in STOP_WORDS)


def loose(text: str) -> str:
    """The matching key: ``normalize_occupation``, then Kazakh letters folded to Russian
    look-alikes (ә→а, қ→к, ү→у, і→и ...), as Kazakh typed on a Russian keyboard reads."""
    return normalize_occupation(text).translate(_KAZAKH_LOOSE)


def _fold(normalized: str) -> str:
    """``loose`` of a text that ``normalize_occupation`` has normalised already."""
    return normalized.translate(_KAZAKH_LOOSE)


_WORD = re.compile(r"\w{2,}")


def transliterate(text: str) -> str:
    """Latin letters to Cyrillic (Russian-style and Kazakh Latin 2021): "svarshik" → "сварщик".

    Approximate by nature (the fuzzy matcher absorbs the rest). Single letters stay as they are:
    they are licence categories ("voditel kat. C").
    """

    def word(match: re.Match[str]) -> str:
        return _TRANSLIT_PATTERN.sub(lambda m: _TRANSLIT_MAP[m.group(0)], match.group(0))

    return _WORD.sub(word, text.casefold())


def _variants(text: str) -> list[str]:
    """The loose forms of ``text`` worth comparing: as written, and transliterated when it is
    written in Latin letters only (an English title stays a candidate too)."""
    forms = [loose(text)]
    if _LATIN.search(text) and not _CYRILLIC.search(text):
        forms.append(loose(transliterate(text)))
    return [form for form in dict.fromkeys(forms) if form]


@dataclass(frozen=True, slots=True)
class OccupationMatch:
    """An occupation a text was read as: its code, how sure, and the label that matched."""

    code: str
    confidence: float
    label: str


class OccupationMatcher:
    """Maps free-text job titles to occupation codes, one text or a batch at a time."""

    def __init__(
        self,
        labels: Iterable[tuple[str, str]],
        *,
        exact: Callable[[str], str | None] | None = None,
        normalized: bool = False,
    ) -> None:
        """``normalized``: the labels are ``normalize_occupation``'s output already, which
        normalising again would not change (it applies its rules until nothing changes)."""
        fold: Callable[[str], str] = _fold if normalized else loose
        pairs = list(dict.fromkeys((code, fold(label)) for code, label in labels))
        pairs = [(code, label) for code, label in pairs if label]
        self.codes = np.array([code for code, _ in pairs])
        self.labels = [label for _, label in pairs]
        self.keys = [fuzzy_key(label) for label in self.labels]
        self._by_label: dict[str, str] = {}
        for code, label in pairs:
            self._by_label.setdefault(label, code)
        self._exact = exact
        self._remembered: dict[tuple[str, int, float], list[OccupationMatch]] = {}

    def match(self, text: str, *, limit: int = 3, cutoff: float = 0.8) -> list[OccupationMatch]:
        """Up to ``limit`` occupations for ``text``, most likely first, none below ``cutoff``.
        Texts are remembered: a person's professions are read at every query."""
        return self.match_many([text], limit=limit, cutoff=cutoff)[0]

    def match_many(
        self, texts: Sequence[str], *, limit: int = 3, cutoff: float = 0.8
    ) -> list[list[OccupationMatch]]:
        """``match`` for every text, with one ``cdist`` call for the whole batch (each distinct
        text is matched once: vacancy titles repeat a lot; a text read before, with the same
        ``limit`` and ``cutoff``, is not read again). An exact hit comes first with confidence
        1.0; when ``limit`` allows, the closest other occupations follow it."""
        known = {text: self._remembered.get((text, limit, cutoff)) for text in dict.fromkeys(texts)}
        distinct = [text for text, found in known.items() if found is None]
        found = self._read(distinct, limit=limit, cutoff=cutoff) if distinct else {}
        self._remember({(text, limit, cutoff): found[text] for text in distinct})
        found.update((text, reading) for text, reading in known.items() if reading is not None)
        return [list(found[text]) for text in texts]

    def _read(
        self, distinct: list[str], *, limit: int, cutoff: float
    ) -> dict[str, list[OccupationMatch]]:
        """Read texts not read before: exact look-ups, then one fuzzy batch."""
        certain = {text: self._certain(text) for text in distinct}
        queries: list[str] = []
        owners: list[str] = []
        for text in distinct:
            if certain[text] is not None and limit == 1:
                continue
            for form in _variants(text):
                queries.append(form)
                owners.append(text)
        fuzzy = self._fuzzy(queries, owners, cutoff=cutoff) if queries and self.labels else {}
        found: dict[str, list[OccupationMatch]] = {}
        for text in distinct:
            exact = certain[text]
            ranked = fuzzy.get(text, [])
            if exact is not None:
                ranked = [exact] + [
                    OccupationMatch(m.code, min(m.confidence, 0.99), m.label)
                    for m in ranked
                    if m.code != exact.code
                ]
            found[text] = ranked[:limit]
        return found

    def _remember(self, readings: dict[tuple[str, int, float], list[OccupationMatch]]) -> None:
        if len(self._remembered) + len(readings) > 100_000:
            self._remembered.clear()
        self._remembered.update(readings)

    @property
    def fingerprint(self) -> str:
        """What every reading depends on besides the text, the limit and the cutoff: the labels
        and codes, how texts are normalised and compared (the source of this module and of
        ``catalogs.normalize``) and the RapidFuzz version. Readings kept under one fingerprint
        are this matcher's own readings, whatever process made them."""
        import hashlib
        import inspect

        import rapidfuzz

        from catalogs import normalize

        digest = hashlib.sha256()
        for part in (
            rapidfuzz.__version__,
            inspect.getsource(sys.modules[__name__]),
            inspect.getsource(normalize),
            # the exact lookup's code (its data are the labels')
            "" if self._exact is None else inspect.getsource(inspect.getmodule(self._exact) or sys),
        ):
            digest.update(part.encode())
        digest.update(
            "\x00".join(
                f"{c}\x01{label}" for c, label in zip(self.codes, self.labels, strict=True)
            ).encode()
        )
        return digest.hexdigest()

    def readings(self) -> list[tuple[str, int, float, list[OccupationMatch]]]:
        """Every text read so far, with its limit, cutoff and reading (to keep elsewhere)."""
        remembered = self._remembered.copy()  # one step: other threads may be reading texts
        return [(t, limit, cutoff, list(found)) for (t, limit, cutoff), found in remembered.items()]

    def remember(self, readings: Iterable[tuple[str, int, float, list[OccupationMatch]]]) -> None:
        """Take readings made earlier by a matcher with the same ``fingerprint``: those texts
        are not read again."""
        self._remember({(t, limit, cutoff): list(found) for t, limit, cutoff, found in readings})

    def _fuzzy(
        self, queries: list[str], owners: list[str], *, cutoff: float
    ) -> dict[str, list[OccupationMatch]]:
        """Score every query against every label in one call; keep each code's best label.

        Codes are ordered by a blend of two RapidFuzz scorers, 0.6 × ``WRatio`` (forgives typos
        and extra words) + 0.4 × ``token_sort_ratio`` (rewards a label that covers the query as a
        whole, so a specific title, "водитель погрузчика", beats a generic word it contains,
        "водитель"). The confidence reported, and held against ``cutoff``, is ``WRatio`` alone:
        a qualifier in brackets ("Грузчик (ночные смены)") must not make a title unreadable.
        """
        keys = [fuzzy_key(query) for query in queries]
        lenient = process.cdist(keys, self.keys, scorer=fuzz.WRatio, dtype=np.float32, workers=-1)
        strict = process.cdist(
            keys, self.keys, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1
        )
        order = 0.6 * lenient + 0.4 * strict
        keep = min(64, len(self.labels))
        best: dict[str, dict[str, tuple[float, float, str]]] = {}
        for row, owner in enumerate(owners):
            per_code = best.setdefault(owner, {})
            for column in np.argpartition(order[row], -keep)[-keep:]:
                rank = float(order[row, column])
                confidence = round(float(lenient[row, column]) / 100, 4)
                code = str(self.codes[column])
                if confidence >= cutoff and rank > per_code.get(code, (0.0, 0.0, ""))[0]:
                    per_code[code] = (rank, confidence, self.labels[column])
        return {
            owner: [
                OccupationMatch(code, confidence, label)
                for code, (_, confidence, label) in sorted(
                    per_code.items(), key=lambda item: (-item[1][0], item[0])
                )
            ]
            for owner, per_code in best.items()
        }

    def _certain(self, text: str) -> OccupationMatch | None:
        """An exact match of the normalised text, before any fuzzy work."""
        if self._exact is not None:
            code = self._exact(text)
            if code is not None:
                return OccupationMatch(code, 1.0, normalize_occupation(text))
        for form in _variants(text):
            code = self._by_label.get(form)
            if code is not None:
                return OccupationMatch(code, 1.0, form)
        return None


class ReaderMatcher(OccupationMatcher):
    """The engine's matcher backed by the learned title reader (``matcher.reader``).

    Same calls, same remembering, same ``OccupationMatch``es; the confidence is the reader's
    calibrated one, and a text whose best code is below the reader's threshold is not
    recognised: it gets no match at a ``cutoff`` of that threshold or more (the engine's
    ``TITLE_CUTOFF``), so the person or vacancy has no known occupation. With a lower
    ``cutoff`` the reader's suggestions are given (the relevance benchmark reads ten)."""

    def __init__(self, reader: TitleReader) -> None:
        super().__init__(())
        self.reader = reader

    def _read(
        self, distinct: list[str], *, limit: int, cutoff: float
    ) -> dict[str, list[OccupationMatch]]:
        found: dict[str, list[OccupationMatch]] = {}
        ranked = self.reader.rank(distinct, limit=limit)
        for text, codes in zip(distinct, ranked, strict=True):
            if codes and cutoff > 0 and codes[0].confidence < self.reader.threshold:
                codes = []  # not recognised: no occupation, whatever the cutoff
            found[text] = [
                OccupationMatch(r.code, round(r.confidence, 4), r.label)
                for r in codes
                if r.confidence >= cutoff
            ]
        return found

    @property
    def fingerprint(self) -> str:
        """The reader's fingerprint (its vocabulary, its code, the libraries) with this
        module's code, the reader's calibration and threshold: readings kept under it are this
        matcher's own."""
        import hashlib
        import inspect

        digest = hashlib.sha256(self.reader.fingerprint.encode())
        digest.update(inspect.getsource(sys.modules[__name__]).encode())
        digest.update(repr(self.reader.calibration).encode())
        digest.update(str(self.reader.threshold).encode())
        return digest.hexdigest()


@cache
def occupation_matcher() -> OccupationMatcher:
    """The matcher over the shipped vocabularies: the learned title reader (``title_reader``)."""
    from matcher.reader import title_reader

    return ReaderMatcher(title_reader())
