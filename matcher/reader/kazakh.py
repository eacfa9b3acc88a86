"""Kazakh endings set aside, so that an inflected title reads as its dictionary form.

Kazakh adds endings to a stem in a fixed order: plural, then possessive, then case
(жұмысшы + лар + ы + на). Job titles carry mostly the possessive of a compound
(«аспаз көмекшісі», «жүргізушісі»), the plural («аспаздар») and now and then a case. A word
loses its endings from the outside in, one rule at a time, each rule at most once:

=====  ============================================  ==========================================
step   endings (either vowel harmony)                 example
=====  ============================================  ==========================================
case   -ның -нің -дың -дің -тың -тің (genitive)       жүргізушінің → жүргізуші
       -дан -ден -тан -тен -нан -нен (ablative)       зауыттан → зауыт
       -мен -бен -пен (instrumental)                  бухгалтермен → бухгалтер
       -нда -нде (locative after a possessive)        цехында → цехы → цех
       -ға -ге -қа -ке (dative)                       аспазға → аспаз
poss.  -сы -сі (after a vowel)                        жүргізушісі → жүргізуші, жұмысшысы → жұмысшы
       -ы -і (after a consonant)                      операторы → оператор, бухгалтері → бухгалтер
plural -лар -лер -дар -дер -тар -тер                  аспаздар → аспаз, тігіншілер → тігінші
=====  ============================================  ==========================================

Guards, so that a stem is never cut into: a rule applies only when at least three letters
remain and the remainder still ends like a Kazakh word may (after -сы/-сі a vowel, after -ы/-і
a consonant); the bare -ы/-і is never taken from an agent noun in -шы/-ші/-чы/-чі (жүргізуші,
тігінші, жұмысшы are dictionary forms). Locative -да/-де, accusative -ны/-ді and the like are
not stripped: they are too short to tell from the end of a stem («көмекші», «мұғалім»).

Only words that are not Russian are given to these rules: a word with a Kazakh letter
(ә ғ қ ң ө ұ ү һ і), or one that the Russian dictionary does not know (``reader.normalise``
decides).
"""

from __future__ import annotations

from collections.abc import Callable

VOWELS = frozenset("аәеёиоөуұүыіэюя")

CASE_ENDINGS: tuple[str, ...] = (
    "ның", "нің", "дың", "дің", "тың", "тің",
    "дан", "ден", "тан", "тен", "нан", "нен",
    "мен", "бен", "пен",
    "нда", "нде",
    "ға", "ге", "қа", "ке",
)  # fmt: skip
"""Case endings, longest first within each case (the first that fits is taken)."""

POSSESSIVE_AFTER_VOWEL = ("сы", "сі")
POSSESSIVE_AFTER_CONSONANT = ("ы", "і")
PLURAL_ENDINGS = ("лар", "лер", "дар", "дер", "тар", "тер")
AGENT_ENDINGS = ("шы", "ші", "чы", "чі")
MIN_STEM = 3


def _cut(word: str, endings: tuple[str, ...]) -> str | None:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return None


def strip_case(word: str) -> str:
    """One case ending off, when one fits: «аспазға» → «аспаз»."""
    return _cut(word, CASE_ENDINGS) or word


def strip_possessive(word: str) -> str:
    """The third-person possessive off: «жүргізушісі» → «жүргізуші», «операторы» → «оператор»."""
    stem = _cut(word, POSSESSIVE_AFTER_VOWEL)
    if stem is not None and stem[-1] in VOWELS:
        return stem
    if word.endswith(AGENT_ENDINGS):
        return word
    stem = _cut(word, POSSESSIVE_AFTER_CONSONANT)
    if stem is not None and stem[-1] not in VOWELS:
        return stem
    return word


def strip_plural(word: str) -> str:
    """The plural off: «аспаздар» → «аспаз», «тігіншілер» → «тігінші»."""
    return _cut(word, PLURAL_ENDINGS) or word


def kazakh_stem(word: str, *, known: Callable[[str], bool] = lambda _: False) -> str:
    """``word`` (lower case) without its case, possessive and plural endings, in that order.

    ``known`` stops the cutting at a word that is already a dictionary form of its own (a
    Russian loan: «бухгалтері» → «бухгалтер», not «бухгал» with -тер taken for a plural)."""
    for step in (strip_case, strip_possessive, strip_plural):
        if known(word):
            return word
        word = step(word)
    return word
