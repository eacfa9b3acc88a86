"""Reading free-text job titles as ISCO-08 occupations, with an honest confidence.

>>> reader = title_reader()
>>> reading = reader.read("Жүргізушісі С санаты")
>>> reading.recognised, reading.codes[0].code
(True, '8332')

A text is normalised (``reader.normalise``), looked up exactly, and otherwise read by the
learned model (``reader.model``): the nearest titles of the vocabularies
(``reader.vocabulary``) with a calibrated confidence. A reading whose best code is below
``TitleReader.threshold`` is *not recognised*: its codes are only suggestions. A title written
as alternatives («Администратор / офис-менеджер») is read whole and part by part, and the most
confident reading is kept. The fitted model is kept on disk (``reader.cache``).

See ``docs/algorithm.md``, "Reading job titles".
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.reader.answers import Ranked
from matcher.reader.cache import code_fingerprint, default_cache_dir, load_or_fit
from matcher.reader.calibration import Calibration, shipped_calibration
from matcher.reader.forms import Forms
from matcher.reader.model import ReaderModel
from matcher.reader.normalise import normaliser
from matcher.reader.search import SearchIndex
from matcher.reader.vocabulary import Vocabulary, shipped_fingerprint, shipped_vocabulary

__all__ = ["THRESHOLD", "Code", "Reading", "TitleReader", "load_reader", "title_reader"]

THRESHOLD = 0.5
"""A best code below this confidence is a suggestion, not a reading (``docs/algorithm.md``),
when no calibration says otherwise: the shipped reader takes its threshold from
``reader_calibration.json`` (``reader.calibration``)."""

MAX_CODES = 3
_NAME = re.compile(r"(?<![\w-])[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w]*(?![\w-])")

Titles = Callable[[str, "str | None", str], str]
"""(ISCO code, NKZ code or None, lang) → the title to show."""


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    """ISCO-08 unit group, 4 digits."""
    nkz: str | None
    """The best-matching NKZ occupation code (XXXX-X-XXX) under it, when one is known."""
    title: str
    """The occupation's title in the requested language."""
    confidence: float
    """Calibrated probability that this code is right, in [0, 1]."""


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    recognised: bool
    """The best code's confidence is at least the reader's threshold."""
    codes: tuple[Code, ...]
    """Best first, at most 3 (when not recognised: the closest suggestions)."""


class TitleReader:
    """Reads job titles; one per process is enough (``title_reader()``)."""

    def __init__(
        self,
        model: ReaderModel,
        *,
        vocabulary: Callable[[], Vocabulary],
        titles: Titles | None = None,
        threshold: float = THRESHOLD,
        fingerprint: str = "",
        fitted: bool = False,
        calibration: Calibration | None = None,
    ) -> None:
        self.model = model
        self.threshold = threshold
        self.calibration = calibration
        """Maps the best code's raw confidence to the probability that it is right."""
        self.fingerprint = fingerprint
        self.fitted = fitted
        """Whether the model was fitted when this reader was made (not loaded from disk)."""
        self._normaliser = normaliser()
        self._normaliser.seed(model.lemmas_)
        self._vocabulary = vocabulary
        self._titles = titles
        self._search: SearchIndex | None = None
        self._lock = threading.Lock()

    # --- reading ------------------------------------------------------------------------

    def read(self, text: str, *, lang: str = "ru") -> Reading:
        return self.read_many([text], lang=lang)[0]

    def read_many(self, texts: Sequence[str], *, lang: str = "ru") -> list[Reading]:
        ranked = self.rank(texts, limit=MAX_CODES)
        return [self._reading(text, found, lang) for text, found in zip(texts, ranked, strict=True)]

    def rank(self, texts: Sequence[str], *, limit: int) -> list[list[Ranked]]:
        """Up to ``limit`` codes for each text, most confident first (what ``read`` shows,
        with the scores and matched labels the engine's adapter keeps)."""
        candidates = [
            Forms.of(
                self._without_names(t), self._normaliser, self.model.lemmas_, self.model.exact_
            )
            for t in texts
        ]
        forms = list(dict.fromkeys(form for one in candidates for form in one.texts()))
        answers = dict(zip(forms, self.model.read(forms, limit=limit), strict=True))
        return [self._calibrated(one.choose(answers)) for one in candidates]

    def _calibrated(self, found: list[Ranked]) -> list[Ranked]:
        """The best code's confidence through the calibration; the others keep their share of
        what it leaves (never more than the best's)."""
        if not found or self.calibration is None:
            return found
        raw = found[0].confidence
        best = self.calibration(raw)
        scale = (1.0 - best) / (1.0 - raw) if raw < 1.0 else 1.0
        return [
            Ranked(
                r.code, r.score, best if i == 0 else min(r.confidence * scale, best), r.label, r.nkz
            )
            for i, r in enumerate(found)
        ]

    def _without_names(self, text: str) -> str:
        """``text`` without the words in capitals after its first that the vocabulary does not
        know: names of employers and brands («Барбер ТОПГАН»). Up to four letters they stay:
        licence categories and abbreviations of a trade («С», «ЧПУ», «АКПП», «ДВС»)."""
        known = self.model.lemmas_
        first = _NAME.search(text)

        def keep(match: re.Match[str]) -> str:
            word = match.group(0)
            if first is not None and match.start() == first.start():
                return word
            if len(word) <= 4 or not word.isupper() or word.casefold().replace("ё", "е") in known:
                return word
            return " "

        stripped = _NAME.sub(keep, text)
        return stripped if stripped.strip() else text

    def _reading(self, text: str, found: list[Ranked], lang: str) -> Reading:
        codes = tuple(
            Code(r.code, r.nkz, self.title(r.code, r.nkz, lang), round(r.confidence, 4))
            for r in found[:MAX_CODES]
        )
        recognised = bool(found) and found[0].confidence >= self.threshold  # before rounding
        return Reading(text, recognised, codes)

    def title(self, code: str, nkz: str | None, lang: str) -> str:
        """The title shown for a code: the NKZ occupation's when ``nkz`` is set, else the
        ISCO unit group's, in ``lang``."""
        if self._titles is not None:
            return self._titles(code, nkz, lang)
        return code

    # --- autocomplete -------------------------------------------------------------------

    def search(self, query: str, *, lang: str = "ru", limit: int = 10) -> list[Code]:
        """Occupations whose titles (NKZ ru/kk, ISCO titles, synonyms, English titles) start
        with or contain the typed words, best first; from 2 letters, in ru, kk and en."""
        with self._lock:
            if self._search is None:
                self._search = SearchIndex(self._vocabulary())
            index = self._search
        return [
            Code(hit.code, hit.nkz, self.title(hit.code, hit.nkz, lang), hit.quality)
            for hit in index.find(query, lang=lang, limit=limit)
        ]


@functools.lru_cache(maxsize=65536)
def shipped_titles(code: str, nkz: str | None, lang: str) -> str:
    """Titles from the shipped registries (``catalogs.reference``), remembered: a batch asks for
    the same few hundred again and again. Both registries are loaded on the first call, so a
    reader's first reading pays for them, not a later batch."""
    from catalogs.reference.classifiers import nkz_occupations
    from catalogs.reference.occupations import occupations

    units = occupations()
    if nkz is not None:
        occupation = nkz_occupations().get(nkz)
        if occupation is not None:
            return occupation.title(lang)
    unit = units.get(code)
    return unit.title(lang) if unit is not None else code


def load_reader(
    *,
    vocabulary: Vocabulary | None = None,
    cache_dir: Path | None = None,
    titles: Titles | None = None,
    threshold: float | None = None,
    calibrated: bool = True,
) -> TitleReader:
    """A reader over ``vocabulary`` (the shipped one by default), its fitted model taken from
    ``cache_dir`` when it is there under the same fingerprint, else fitted (and kept there).
    ``cache_dir=None`` neither reads nor writes a cache. The shipped vocabulary's reader is
    calibrated on real titles (``reader_calibration.json``) unless ``calibrated=False``; its
    threshold is the calibration's unless ``threshold`` is given."""
    shipped = vocabulary is None
    calibration = shipped_calibration() if shipped and calibrated else None
    if threshold is None:
        threshold = calibration.threshold if calibration is not None else THRESHOLD
    data = shipped_fingerprint() if vocabulary is None else vocabulary.fingerprint
    fingerprint = hashlib.sha256(f"{data}:{code_fingerprint()}".encode()).hexdigest()
    given = vocabulary

    @functools.cache
    def words() -> Vocabulary:
        return shipped_vocabulary() if given is None else given

    def fit() -> ReaderModel:
        return ReaderModel().fit(words(), normaliser())

    model, fitted = load_or_fit(fingerprint, fit, cache_dir=cache_dir)
    return TitleReader(
        model,
        vocabulary=words,
        titles=titles if titles is not None else (shipped_titles if shipped else None),
        threshold=threshold,
        fingerprint=fingerprint,
        fitted=fitted,
        calibration=calibration,
    )


@functools.cache
def title_reader() -> TitleReader:
    """The process-wide reader over the shipped vocabulary, cached in ``default_cache_dir()``."""
    return load_reader(cache_dir=default_cache_dir())
