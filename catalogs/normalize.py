"""Text folding shared by every name lookup (places, occupations, skills).

``fold`` is deliberately small and predictable: it is the key under which reference names
are indexed, so a change here changes what resolves.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\"'`«»“”„()\[\]{}.,;:!?/\\|+*_#№]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212-]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, map ё to е, turn punctuation and dashes into spaces, collapse white space.

    Kazakh letters are kept as they are (ә, ғ, қ, ң, ө, ұ, ү, һ, і): they distinguish words.
    """
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = _DASHES.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
