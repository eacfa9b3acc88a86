"""Driving-licence categories in occupation titles: "кат. С", "категории «C»", "С категории",
"В санатты" all read as one canonical run of latin letters ("c", "bc", "c1e"), so that
``catalogs.normalize.normalize_occupation`` can put them at the end of a title as "кат ..."."""

from __future__ import annotations

import re

_LETTER_TO_LATIN = str.maketrans({"а": "a", "в": "b", "с": "c", "д": "d", "е": "e"})
_CATEGORY_TOKEN = re.compile(r"^(?:[a-eавсде]1?){1,5}$")
_CATEGORY_UNIT = re.compile(r"[a-e]1?")
_CATEGORY_JOINERS = frozenset({"и", "или", "және", "мен", "немесе"})
CATEGORY_PREPOSITIONS = frozenset({"с", "со", "в"})
_QUALIFICATION_WORDS = frozenset(
    {
        "высшей", "высшая", "высшую", "первой", "первая", "второй", "вторая", "третьей",
        "1", "2", "3", "i", "ii", "iii", "1й", "2й", "1ой", "2ой",
        "жоғары", "бірінші", "екінші", "үшінші",
    }
)  # fmt: skip


def _is_category_keyword(token: str) -> bool:
    return token == "кат" or token.startswith("категор") or token.startswith("санат")


def _units(run: list[str]) -> set[str]:
    units: set[str] = set()
    for tok in run:
        if tok not in _CATEGORY_JOINERS:
            units.update(_CATEGORY_UNIT.findall(tok.translate(_LETTER_TO_LATIN)))
    return units


def _preposition_here(tokens: list[str], j: int, start: int) -> bool:
    """True when the Cyrillic "с"/"в"/"а" at ``j`` opens a phrase: "категории B с опытом"."""
    if j == start or tokens[j] not in CATEGORY_PREPOSITIONS | {"а"} or j + 1 >= len(tokens):
        return False
    following = tokens[j + 1]
    return (
        following.isalpha()
        and not _CATEGORY_TOKEN.match(following)
        and following not in _CATEGORY_JOINERS
        and not _is_category_keyword(following)
    )


def _run_after(tokens: list[str], start: int) -> int:
    """End (exclusive) of the run of category letters starting at ``start``."""
    end = start
    j = start
    while j < len(tokens):
        if _CATEGORY_TOKEN.match(tokens[j]) and not _preposition_here(tokens, j, start):
            j += 1
            end = j
        elif tokens[j] in _CATEGORY_JOINERS and j + 1 < len(tokens) and j > start:
            j += 1
        else:
            break
    return end


def _run_before(tokens: list[str], stop: int) -> int:
    """Start of the run of category letters ending just before ``stop``."""
    start = stop
    j = stop - 1
    while j >= 0:
        if _CATEGORY_TOKEN.match(tokens[j]):
            start = j
            j -= 1
        elif tokens[j] in _CATEGORY_JOINERS and j > 0 and j < stop - 1:
            j -= 1
        else:
            break
    return start


def _is_driver(token: str) -> bool:
    return token.startswith(("водител", "жүргізуші", "экспедитор"))


def _bare_run_after(tokens: list[str], start: int) -> int:
    """Category letters right after a driver word without "кат": "водитель C", "водитель CE".

    Latin letters always count; a Cyrillic one only at the very end of the text, because
    inside a phrase "с" and "в" are prepositions ("водитель с опытом").
    """
    end = start
    while end < len(tokens) and _CATEGORY_TOKEN.match(tokens[end]):
        if not (tokens[end].isascii() or end == len(tokens) - 1):
            break
        end += 1
    return end


def categories(tokens: list[str]) -> list[str]:
    """Licence categories, wherever they stand, become one "кат <letters>" at the end."""
    out: list[str] = []
    units: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if _is_driver(tok):
            end = _bare_run_after(tokens, i + 1)
            if end > i + 1:
                out.append(tok)
                units |= _units(tokens[i + 1 : end])
                i = end
                # "водитель CE кат." - the keyword adds nothing unless letters follow it
                if (
                    i < len(tokens)
                    and _is_category_keyword(tokens[i])
                    and _run_after(tokens, i + 1) == i + 1
                ):
                    i += 1
                continue
        if not _is_category_keyword(tok):
            out.append(tok)
            i += 1
            continue
        end = _run_after(tokens, i + 1)
        if end > i + 1:
            if out and out[-1] in CATEGORY_PREPOSITIONS:
                out.pop()
            units |= _units(tokens[i + 1 : end])
            i = end
            continue
        # letters before the keyword: "С категории", "В санатты"
        start = _run_before(out, len(out))
        if start < len(out):
            units |= _units(out[start:])
            del out[start:]
        elif out and out[-1] in _QUALIFICATION_WORDS:
            out.pop()  # "высшей категории", "жоғары санатты": a qualification, not a licence
        else:
            out.append(tok)
        i += 1
    if units:
        out.extend(["кат", "".join(sorted(units))])
    return out
