"""Text folding shared by every name lookup (places, occupations, skills).

``fold`` is deliberately small and predictable: it is the key under which reference names
are indexed, so a change here changes what resolves.
"""

from __future__ import annotations

import re
import unicodedata

from catalogs.licence_categories import CATEGORY_PREPOSITIONS, categories

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


# --- occupation titles ---------------------------------------------------------------------
#
# ``normalize_occupation`` is the key under which occupation titles and synonyms are indexed.
# It works on the tokens ``fold`` produces and is applied until nothing changes, so it is
# idempotent by construction (see the end of ``normalize_occupation``). What it does, in order:
#   1. expands abbreviations ("эл. газосварщик" -> "электрогазосварщик", "пом. повара",
#      "монтажник м/к" -> "монтажник металлоконструкций");
#   (4. is applied here too, so that "с опытом" is gone before step 2 reads letters)
#   2. canonicalises driving-licence categories: "кат. С", "категории «C»", "С категории",
#      "В санатты" all become "кат <latin letters>" ("кат c", "кат bc", "кат c1e"), put at
#      the end so that word order does not matter ("С санатты жүргізуші" = "жүргізуші С санаты");
#      qualification categories ("высшей категории", "жоғары санатты") are dropped;
#   3. strips grade suffixes ("5 разряда", "5-го разряда", "разряд 5", "IV разряда",
#      "4-ші разряд", "4 разрядты", "1 класса", "III группа допуска");
#   4. strips words that never change the occupation ("требуется", "опытный",
#      "квалифицированный", "тәжірибелі", "қажет" ...). Words that do change it are kept:
#      "помощник" (помощник повара is a kitchen helper), "старший", "младший", "главный".

_ORDINAL_SUFFIX = r"(?:го|ого|й|ой|ый|ий|ші|шы|нші|ншы|інші|ыншы)"
_NUMBER = re.compile(rf"^(?:\d{{1,2}}|i{{1,3}}|iv|vi{{0,3}}|ix|x){_ORDINAL_SUFFIX}?$")
_SUFFIX_TOKEN = re.compile(rf"^{_ORDINAL_SUFFIX}$")
_GRADE_WORD = re.compile(r"^(?:разр|разряд\w*|класс|класса|классов)$")
_GRADE_FILLERS = frozenset({"от", "до", "не", "ниже", "выше", "с", "со", "и", "или", "по"})

_NOISE_WORDS = frozenset(
    {
        "требуется", "требуются", "требуем", "срочно", "срочная", "вакансия", "ищем",
        "квалифицированный", "квалифицированная", "квалифицированные", "квалифицированного",
        "квалифицированных", "высококвалифицированный", "высококвалифицированная",
        "высококвалифицированные", "квалификационного", "квалификационный",
        "опытный", "опытная", "опытные", "опытного",
        "мужчина", "женщина", "мужчины", "женщины",
        "тәжірибелі", "білікті", "қажет", "керек", "шұғыл", "тәжірибесіз",
    }
)  # fmt: skip
_NOISE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("с", "опытом", "работы"),
    ("без", "опыта", "работы"),
    ("с", "опытом"),
    ("без", "опыта"),
    ("опыт", "работы"),
    ("талап", "етіледі"),
    ("вахтовым", "методом"),
)

_JOIN_PREFIXES = frozenset({"электро", "газо", "электрогазо", "газоэлектро", "авто", "мото"})
_ABBREVIATIONS = {"эл": "электро", "пом": "помощник", "зав": "заведующий", "мл": "младший"}
_PAIRS = {("с", "х"): "сельхоз", ("ж", "д"): "жд", ("м", "к"): "металлоконструкций"}
_WORD_ABBREVIATIONS = {"мк": "металлоконструкций"}
"""Abbreviations that stand for a whole word wherever they are: «монтажник МК», «сварщик м/к»."""
_NO_JOIN = frozenset({"и", "или", "және", "мен", "а"})


def _is_word(token: str) -> bool:
    return token.isalpha() and token not in _NO_JOIN


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and (tok, nxt) in _PAIRS:
            out.append(_PAIRS[(tok, nxt)])
            i += 2
            continue
        if nxt is not None and _is_word(nxt):
            if tok == "эл":
                out.append("электро" + nxt)
                i += 2
                continue
            if tok in _JOIN_PREFIXES:
                out.append(tok + nxt)
                i += 2
                continue
            if tok in _ABBREVIATIONS:
                out.append(_ABBREVIATIONS[tok])
                i += 1
                continue
        out.append(_WORD_ABBREVIATIONS.get(tok, tok))
        i += 1
    return out


_ADMISSION = ("допуска", "допуском")
_ADMISSION_TAIL = ("по", "электробезопасности")


def _merge_admission(tokens: list[str]) -> list[str]:
    """ "IV группа допуска (по электробезопасности)" becomes a grade: "IV разряд"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("групп") and i + 1 < len(tokens) and tokens[i + 1] in _ADMISSION:
            out.append("разряд")
            i += 2
            if tuple(tokens[i : i + 2]) == _ADMISSION_TAIL:
                i += 2
            continue
        out.append(tok)
        i += 1
    return out


def _strip_grades(tokens: list[str]) -> list[str]:
    tokens = _merge_admission(tokens)
    keep = [True] * len(tokens)
    for k, tok in enumerate(tokens):
        if not _GRADE_WORD.match(tok):
            continue
        is_class = tok.startswith("класс")
        left = k
        while left > 0 and (
            _NUMBER.match(tokens[left - 1])
            or _SUFFIX_TOKEN.match(tokens[left - 1])
            or (tokens[left - 1] in _GRADE_FILLERS and left < k)
        ):
            left -= 1
        right = k + 1
        while (
            not is_class  # "разряд 5" is a grade, "классов 1" is not
            and right < len(tokens)
            and (_NUMBER.match(tokens[right]) or _SUFFIX_TOKEN.match(tokens[right]))
        ):
            right += 1
        has_number = any(_NUMBER.match(t) for t in tokens[left:right])
        if is_class and not has_number:
            continue  # "класса" on its own is a word, not a grade
        # fillers go only when they sit next to a number; "с разрядом" loses its "с"
        while left < k and tokens[left] in _GRADE_FILLERS:
            left += 1
        while left > 0 and tokens[left - 1] in _GRADE_FILLERS and has_number:
            left -= 1
        if left > 0 and left == k and tokens[left - 1] in CATEGORY_PREPOSITIONS - {"в"}:
            left -= 1
        for j in range(left, right):
            keep[j] = False
    return [t for t, flag in zip(tokens, keep, strict=True) if flag]


_NOISE_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(p for p in _NOISE_PHRASES if p[0] == first) for first, *_ in _NOISE_PHRASES
}


def _strip_noise(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        for phrase in _NOISE_BY_FIRST.get(tok, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            if tok not in _NOISE_WORDS:
                out.append(tok)
            i += 1
    return out


_TRIGGERS = frozenset(
    {first for first, _ in _PAIRS} | {"эл", "кат"} | _JOIN_PREFIXES | set(_ABBREVIATIONS)
    | set(_WORD_ABBREVIATIONS) | _NOISE_WORDS | set(_NOISE_BY_FIRST)
)  # fmt: skip
_TRIGGER_PREFIXES = (
    "водител", "жүргізуші", "экспедитор", "категор", "санат", "групп", "разр", "класс",
)  # fmt: skip
"""A token that one of the steps below may change or read (abbreviations, noise, licence
categories, grades): a title with none of them is its folded text (most titles are)."""


def _untouched(tokens: list[str]) -> bool:
    return not any(t in _TRIGGERS or t.startswith(_TRIGGER_PREFIXES) for t in tokens)


def _normalize_once(text: str) -> str:
    folded = fold(text)
    if not folded:
        return ""
    tokens = folded.split(" ")
    if _untouched(tokens):
        return folded
    tokens = _expand(tokens)
    tokens = _strip_noise(tokens)  # first, so that "с опытом" is gone before categories
    tokens = categories(tokens)
    tokens = _strip_grades(tokens)
    tokens = _strip_noise(tokens)
    return " ".join(tokens)


def normalize_occupation(text: str) -> str:
    """The lookup key of an occupation title or synonym (see the notes above).

    >>> normalize_occupation("Эл.газосварщик 5-го разряда")
    'электрогазосварщик'
    >>> normalize_occupation("Водитель кат. «С»")
    'водитель кат c'
    >>> normalize_occupation("В санатты жүргізуші")
    'жүргізуші кат b'
    """
    # Apply the rules until nothing changes. Should some input ever make them cycle, the
    # smallest member of the cycle is returned: every member leads to the same one, so the
    # result stays idempotent.
    seen: dict[str, int] = {}
    sequence: list[str] = []
    current = _normalize_once(text)
    while current not in seen and len(sequence) < 64:
        seen[current] = len(sequence)
        sequence.append(current)
        current = _normalize_once(current)
    if current in seen:
        return min(sequence[seen[current] :])
    return current
