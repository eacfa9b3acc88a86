"""One place (a KATO unit) and how place names are keyed for lookup: type words ("г.",
"ауданы", "с.о.", ...) stripped and read as a hint of the kind of place, Kazakh and Russian
spellings folded, a loose key as the last resort; and the regions carved out of older ones,
whose old names still find places in the new. ``catalogs.reference.places`` loads them all and
resolves names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalogs.normalize import fold

# Regions carved out of older ones: a location written before the split (an old document
# saying "ВКО, г.Семей") still finds the place in its new region.
SUCCESSORS: dict[str, tuple[str, ...]] = {
    "11": ("71",),  # Astana left Akmola region (1997)
    "19": ("33", "75"),  # Jetisu region (2022), Almaty city
    "35": ("62",),  # Ulytau region (2022)
    "61": ("79",),  # Shymkent city (2018)
    "63": ("10",),  # Abai region (2022)
}

# Type words. A hint says what kind of place the word names; None only strips the word.
TOWN, VILLAGE, DISTRICT, REGION, OKRUG = "town", "village", "district", "region", "okrug"
_LEADING: dict[str, str | None] = {
    "г": TOWN, "гор": TOWN, "город": TOWN, "қ": TOWN, "қала": TOWN, "city": TOWN,
    "с": VILLAGE, "село": VILLAGE, "п": VILLAGE, "пос": VILLAGE, "поселок": VILLAGE,
    "пгт": VILLAGE, "а": VILLAGE, "аул": VILLAGE, "ауыл": VILLAGE, "к": VILLAGE,
    "кент": VILLAGE, "ст": VILLAGE, "станция": VILLAGE, "рзд": VILLAGE,
    "разъезд": VILLAGE, "village": VILLAGE,
    "район": DISTRICT, "district": DISTRICT,
    "область": REGION, "обл": REGION, "region": REGION, "oblast": REGION,
    "им": None, "имени": None,
}  # fmt: skip
_TRAILING: dict[str, str | None] = {
    "г": TOWN, "город": TOWN, "қ": TOWN, "қала": TOWN, "қаласы": TOWN, "city": TOWN,
    "town": TOWN, "а": VILLAGE, "с": VILLAGE, "село": VILLAGE, "п": VILLAGE,
    "поселок": VILLAGE, "к": VILLAGE, "ауыл": VILLAGE,
    "ауылы": VILLAGE, "кент": VILLAGE, "кенті": VILLAGE, "village": VILLAGE,
    "ауданы": DISTRICT, "аудан": DISTRICT, "ауд": DISTRICT, "район": DISTRICT,
    "district": DISTRICT,
    "облысы": REGION, "облыс": REGION, "обл": REGION, "область": REGION,
    "области": REGION, "region": REGION, "oblast": REGION, "province": REGION,
    "атын": None, "ат": None, "атындағы": None, "имени": None,
}  # fmt: skip
# Two-letter abbreviations: "Г.А." / "Қ.Ә." (a city administration: the city), and the
# rural okrug kinds ("с.о.", "с.а.", "п.а.", "а.о.", "а.ә.", "к.ә.", "р.а.").
_PAIRS: dict[str, str] = {
    "г а": TOWN, "қ ә": TOWN,
    "с о": OKRUG, "с а": OKRUG, "п а": OKRUG, "р а": OKRUG, "а о": OKRUG,
    "а ә": OKRUG, "к ә": OKRUG,
}  # fmt: skip
# Spelled-out forms of the abbreviations above.
_PHRASES = re.compile(
    r"\b(?:р н|сельск(?:ий|ого) округ\w*|сельская администрация|поселковая администрация|"
    r"ауылдық округ\w*|ауылдық әкімдігі|кенттік әкімдігі)\b"
)
CITY_ADMIN = re.compile(r"\s*(?:Г\.А\.?|Қ\.Ә\.?)$")
RU_PREFIX = re.compile(r"^(?:г|с|п|а)\.(?!а\.|о\.)\s*")
KK_SUFFIX = re.compile(r"\s+(?:а|қ|к)\.?$")


# The last resort: Kazakh letters read as Russian ones, і/ы and е/э alike, no soft signs or
# spaces ("Актөбе" for Ақтөбе, "Усть Каменогорск", "Жетысу" for Жетісу).
_LOOSE = str.maketrans(
    "әғқңөұүһіыэ",
    "агкноуухиие",
    " ьъ",
)


def loose_key(key: str) -> str:
    return key.translate(_LOOSE)


def _phrase(match: re.Match[str]) -> str:
    return "район" if match.group(0) == "р н" else "с о"


def name_key(name: str) -> tuple[str, str | None]:
    """The lookup key of a place name and the kind its type words point at (None if none)."""
    tokens = _PHRASES.sub(_phrase, fold(name)).split()
    hint: str | None = None
    while len(tokens) > 1:
        if len(tokens) > 2 and " ".join(tokens[-2:]) in _PAIRS:
            hint = hint or _PAIRS[" ".join(tokens[-2:])]
            del tokens[-2:]
        elif tokens[-1] in _TRAILING:
            hint = hint or _TRAILING[tokens[-1]]
            del tokens[-1]
        else:
            break
    while len(tokens) > 1:
        if len(tokens) > 2 and " ".join(tokens[:2]) in _PAIRS:
            hint = hint or _PAIRS[" ".join(tokens[:2])]
            del tokens[:2]
        elif tokens[0] in _LEADING:
            hint = hint or _LEADING[tokens[0]]
            del tokens[0]
        else:
            break
    return " ".join(tokens), hint


LEVELS = ("region", "district", "sub_district", "settlement")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True, slots=True)
class Place:
    """One KATO unit: its code, level, ancestors, names and coordinates."""

    kato: str
    level: str
    """``region``, ``district``, ``sub_district`` or ``settlement``."""
    parent: str | None
    """The nearest existing ancestor's code (None for a region)."""
    region: str
    district: str | None
    """None for regions and for the city districts of Astana, Almaty and Shymkent."""
    name_ru: str
    name_kk: str
    lat: float
    lon: float
    coord_source: str
    """``own`` (this place's coordinates), ``district`` or ``region`` (its centre's)."""
    population: int | None

    @property
    def is_town(self) -> bool:
        """A city or town (г. / қ. / a city administration), not a village or an okrug."""
        name = self.name_ru
        if self.level == "district":
            return CITY_ADMIN.search(name) is not None
        return name.startswith("г.") and not name.startswith("г.а.")

    def name(self, lang: str) -> str:
        """The display name without KATO's abbreviations ('ru', 'kk'; 'en' falls back to ru)."""
        if lang == "kk":
            name = KK_SUFFIX.sub("", self.name_kk)
            return CITY_ADMIN.sub("", name) if self.level == "district" else name
        name = RU_PREFIX.sub("", self.name_ru)
        return CITY_ADMIN.sub("", name) if self.level == "district" else name

    @property
    def _kinds(self) -> frozenset[str]:
        if self.is_town:  # Astana, Almaty and Shymkent too: "Алматы облысы" is not the city
            return frozenset({TOWN})
        if self.level == "region":
            return frozenset({REGION})
        name = self.name_ru.lower()
        if self.level == "district" or name.startswith("район") or name.endswith(" район"):
            return frozenset({DISTRICT})
        return frozenset({VILLAGE})

    @property
    def _is_okrug(self) -> bool:
        return self.level == "sub_district" and not self.is_town and DISTRICT not in self._kinds


class AmbiguousPlace(LookupError):
    """A name that several places share equally (``strict`` look-ups only)."""

    def __init__(self, name: str, places: list[Place]) -> None:
        super().__init__(f"{len(places)} places are called {name!r}")
        self.name = name
        self.places = places
