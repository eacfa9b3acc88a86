"""Official occupation classifiers: Kazakhstan's NKZ and Uzbekistan's KODP-2020 titles.

The data are the shipped ``data/nkz_occupations.csv``, ``data/kodp_titles.csv`` and
``data/nkz4_isco08.csv``, built by ``tools/reference/build_classifiers.py`` (sources, licences
and the crosswalk method in ``data/ATTRIBUTION-classifiers.md``).

An NKZ code (``7212-2-005``) names one occupation; its first four digits are an NKZ unit group,
which is *not* an ISCO-08 code. Every NKZ occupation carries the ISCO-08 unit group the project
uses (``isco08``), taken from its title in KODP-2020 or from the reviewed crosswalk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from catalogs.reference import read_csv

__all__ = [
    "NKZ_CODE",
    "NkzOccupation",
    "NkzRegistry",
    "is_nkz",
    "nkz_occupations",
    "training_titles",
]

NKZ_CODE = re.compile(r"^\d{4}-\d-\d{3}$")


def is_nkz(text: str) -> bool:
    """True when ``text`` (spaces around it ignored) is written like an NKZ occupation code."""
    return bool(NKZ_CODE.match(text.strip()))


@dataclass(frozen=True, slots=True)
class NkzOccupation:
    """One NKZ occupation with the ISCO-08 unit group it belongs to."""

    nkz: str
    isco08: str
    title_ru: str
    title_kk: str

    def title(self, lang: str) -> str:
        """The title in ``lang``; NKZ has Russian and Kazakh, so Russian stands in for the rest."""
        if lang == "kk" and self.title_kk:
            return self.title_kk
        return self.title_ru


class NkzRegistry:
    """The NKZ occupations by code, and by ISCO-08 unit group."""

    __slots__ = ("_by_code", "_by_isco")

    def __init__(self, items: list[NkzOccupation]) -> None:
        self._by_code: dict[str, NkzOccupation] = {o.nkz: o for o in items}
        self._by_isco: dict[str, list[NkzOccupation]] = {}
        for item in items:
            self._by_isco.setdefault(item.isco08, []).append(item)

    def get(self, nkz: str) -> NkzOccupation | None:
        return self._by_code.get(nkz.strip())

    def isco_of(self, nkz: str) -> str | None:
        """The ISCO-08 unit group of an NKZ code, or None for a code NKZ does not have."""
        item = self.get(nkz)
        return item.isco08 if item else None

    def under(self, isco08: str) -> list[NkzOccupation]:
        """The NKZ occupations of one ISCO-08 unit group, in NKZ code order."""
        return list(self._by_isco.get(isco08, ()))

    def __contains__(self, nkz: object) -> bool:
        return isinstance(nkz, str) and nkz.strip() in self._by_code

    def __iter__(self) -> Iterator[NkzOccupation]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


@functools.cache
def nkz_occupations() -> NkzRegistry:
    """The shipped NKZ occupations, loaded once."""
    items = [
        NkzOccupation(
            nkz=row["nkz"],
            isco08=row["isco08"],
            title_ru=row["title_ru"],
            title_kk=row["title_kk"],
        )
        for row in read_csv("nkz_occupations.csv")
    ]
    return NkzRegistry(items)


@functools.cache
def _training_titles() -> tuple[tuple[str, str, str, str], ...]:
    out: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(isco08: str, lang: str, title: str, source: str) -> None:
        key = (isco08, lang, title.casefold())
        if title and key not in seen:
            seen.add(key)
            out.append((isco08, lang, title, source))

    for row in read_csv("kodp_titles.csv"):
        add(row["isco08"], "ru", row["title_ru"], "kodp")
    for item in nkz_occupations():
        add(item.isco08, "ru", item.title_ru, "nkz")
        if item.title_kk != item.title_ru:  # some NKZ rows repeat the Russian name
            add(item.isco08, "kk", item.title_kk, "nkz")
    return tuple(out)


def training_titles() -> list[tuple[str, str, str, str]]:
    """Every ``(isco08, lang, title, source)`` a title reader can learn from, without repeats.

    KODP-2020 titles (``ru``, source ``kodp``) come first, then NKZ titles in Russian and Kazakh
    (source ``nkz``). A title shipped by both sources under the same code is kept once, as
    ``kodp`` (compared without case); a Kazakh name that only repeats the Russian one is left
    out. A title may sit under several codes (KODP-2020 places some titles in more than
    one unit group): each pair is a row.
    """
    return list(_training_titles())
