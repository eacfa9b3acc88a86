"""What fitting the reader needs and reading does not: exact look-ups, and the held-out
entries (with one made-up noise each) that its confidence is calibrated on.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import numpy.typing as npt

from matcher.reader.normalise import Normaliser, loose
from matcher.reader.vocabulary import SOURCES, Entry, Vocabulary

OFFICIAL_EXACT = 0.97
"""The confidence of an exact match of an official (KODP, NKZ) title, shared equally among
its codes when it sits under several."""
TRUSTED = frozenset({"curated", "words", "activity"})
"""Sources whose exact matches are certain and whose rows are also compared letter by letter
(``fuzz.ratio``): typos in short titles («свращик», «курер») defeat n-grams but not an edit
distance."""
HELD_OUT_SHARE = 10
"""One entry in ``HELD_OUT_SHARE`` calibrates the confidence."""

_NOISES = (
    "старший {}", "ведущий {}", "{} 5 разряда", "senior {}", "{} в ТОО Береке",
    "{} (вахта)", "{}, Алматы", "помощник {}", "{} удаленно", "junior {}",
)  # fmt: skip
_KAZAKH_ENDINGS = ("сы", "сі", "ы", "і", "лар", "лер", "дар", "дер")


def exact_lookups(
    vocabulary: Vocabulary, forms: dict[str, str], full: dict[str, str], reduced: set[str]
) -> dict[str, tuple[tuple[str, ...], float]]:
    """Normalised text → its codes from the most trusted source that has it, and the
    confidence each of them gets. Every title is known as written («младший бухгалтер» is
    an accounting assistant); without its seniority words («бухгалтер») it counts only when
    no title of any source is that text as written."""
    tiers: dict[str, tuple[int, set[str]]] = {}
    keys = [(e, full[e.text], 0) for e in vocabulary.entries]  # «младший бухгалтер» as written
    keys += [(e, forms[e.text], len(SOURCES)) for e in vocabulary.entries if e.text in reduced]
    for e, form, lower in keys:
        if not form:
            continue
        tier = lower + SOURCES.index(e.source)
        known = tiers.get(form)
        if known is None or tier < known[0]:
            tiers[form] = (tier, {e.code})
        elif tier == known[0]:
            known[1].add(e.code)
    out: dict[str, tuple[tuple[str, ...], float]] = {}
    shared: dict[tuple[tuple[str, ...], float], tuple[tuple[str, ...], float]] = {}
    for form, (tier, codes) in tiers.items():
        certain = 1.0 if SOURCES[tier % len(SOURCES)] in TRUSTED else OFFICIAL_EXACT
        value = (tuple(sys.intern(code) for code in sorted(codes)), certain / len(codes))
        out[form] = shared.setdefault(value, value)  # one object for each answer: less memory
    return out


def held_out(form: str) -> bool:
    return int(hashlib.sha256(form.encode()).hexdigest()[:8], 16) % HELD_OUT_SHARE == 0


def noisy(text: str, lang: str) -> str:
    """One made-up noise, chosen by a hash of the text (deterministic)."""
    h = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    words = text.split()
    kind = h % 4
    if kind == 0 and words:  # a typo: a letter dropped from the longest word
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        if len(word) > 5:
            cut = 1 + (h // 4) % (len(word) - 2)
            words[longest] = word[:cut] + word[cut + 1 :]
        return " ".join(words)
    if kind == 1 and lang == "kk" and words:
        words[-1] += _KAZAKH_ENDINGS[(h // 4) % len(_KAZAKH_ENDINGS)]
        return " ".join(words)
    return _NOISES[(h // 4) % len(_NOISES)].format(text)


def held_out_queries(
    vocabulary: Vocabulary, normaliser: Normaliser, held_forms: set[str], forms: dict[str, str]
) -> tuple[list[str], list[set[str]]]:
    """The held-out entries to read, each as written and with one made-up noise, and the
    codes each of them is right for."""
    codes_of: dict[str, set[str]] = {}
    originals: dict[str, Entry] = {}
    for e in vocabulary.entries:
        if forms[e.text] in held_forms:
            codes_of.setdefault(forms[e.text], set()).add(e.code)
            originals[forms[e.text]] = e  # in order of first use, the last entry of a form
    queries: list[str] = []
    truth: list[set[str]] = []
    for form, entry in originals.items():
        for variant in (entry.text, noisy(entry.text, entry.lang)):
            query = loose(normaliser.words(variant))
            if query:
                queries.append(query)
                truth.append(codes_of[form])
    return queries, truth


def platt_weights(features: list[list[float]], right: list[int]) -> npt.NDArray[np.float64] | None:
    """A logistic regression of being right on the figures: its intercept, then one weight per
    figure (None when there is nothing to learn: a tiny vocabulary's score is trusted)."""
    if len(set(right)) < 2:
        return None
    from sklearn.linear_model import LogisticRegression  # fitting only: heavy to import

    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(np.array(features), np.array(right))
    return np.concatenate([model.intercept_, model.coef_[0]]).astype(np.float64)
