"""Kazakhstan's places: every KATO unit with coordinates, and a resolver for place names.

The shipped tables (``data/places.csv``, ``data/place_aliases.csv``) are built by
``tools/reference/build_places.py`` from the official KATO classifier and the Countries States
Cities Database (ODbL: see ``data/ATTRIBUTION-places.md``). Every row has coordinates: its own
when known, else its district centre's, else its region centre's (``coord_source``).

Names resolve in Russian or Kazakh, with or without the type words KATO embeds ("г.", "с.",
"ауданы", "облысы", ...), old names and aliases included. The type word, when given, narrows the
candidates ("г.Атырау" is the city, "Атырау облысы" the region); when several places still share
the name the highest level wins, then a town, then the largest population.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from catalogs.normalize import fold

_LEVELS = ("region", "district", "sub_district", "settlement")
_LEVEL_RANK = {level: rank for rank, level in enumerate(_LEVELS)}

# Regions carved out of older ones: a location written before the split (an old document
# saying "ВКО, г.Семей") still finds the place in its new region.
_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "11": ("71",),  # Astana left Akmola region (1997)
    "19": ("33", "75"),  # Jetisu region (2022), Almaty city
    "35": ("62",),  # Ulytau region (2022)
    "61": ("79",),  # Shymkent city (2018)
    "63": ("10",),  # Abai region (2022)
}

# Type words. A hint says what kind of place the word names; None only strips the word.
_TOWN, _VILLAGE, _DISTRICT, _REGION, _OKRUG = "town", "village", "district", "region", "okrug"
_LEADING: dict[str, str | None] = {
    "г": _TOWN, "гор": _TOWN, "город": _TOWN, "қ": _TOWN, "қала": _TOWN, "city": _TOWN,
    "с": _VILLAGE, "село": _VILLAGE, "п": _VILLAGE, "пос": _VILLAGE, "поселок": _VILLAGE,
    "пгт": _VILLAGE, "а": _VILLAGE, "аул": _VILLAGE, "ауыл": _VILLAGE, "к": _VILLAGE,
    "кент": _VILLAGE, "ст": _VILLAGE, "станция": _VILLAGE, "рзд": _VILLAGE,
    "разъезд": _VILLAGE, "village": _VILLAGE,
    "район": _DISTRICT, "district": _DISTRICT,
    "область": _REGION, "обл": _REGION, "region": _REGION, "oblast": _REGION,
    "им": None, "имени": None,
}  # fmt: skip
_TRAILING: dict[str, str | None] = {
    "г": _TOWN, "город": _TOWN, "қ": _TOWN, "қала": _TOWN, "қаласы": _TOWN, "city": _TOWN,
    "town": _TOWN, "а": _VILLAGE, "с": _VILLAGE, "село": _VILLAGE, "п": _VILLAGE,
    "поселок": _VILLAGE, "к": _VILLAGE, "ауыл": _VILLAGE,
    "ауылы": _VILLAGE, "кент": _VILLAGE, "кенті": _VILLAGE, "village": _VILLAGE,
    "ауданы": _DISTRICT, "аудан": _DISTRICT, "ауд": _DISTRICT, "район": _DISTRICT,
    "district": _DISTRICT,
    "облысы": _REGION, "облыс": _REGION, "обл": _REGION, "область": _REGION,
    "области": _REGION, "region": _REGION, "oblast": _REGION, "province": _REGION,
    "атын": None, "ат": None, "атындағы": None, "имени": None,
}  # fmt: skip
# Two-letter abbreviations: "Г.А." / "Қ.Ә." (a city administration: the city), and the
# rural okrug kinds ("с.о.", "с.а.", "п.а.", "а.о.", "а.ә.", "к.ә.", "р.а.").
_PAIRS: dict[str, str] = {
    "г а": _TOWN, "қ ә": _TOWN,
    "с о": _OKRUG, "с а": _OKRUG, "п а": _OKRUG, "р а": _OKRUG, "а о": _OKRUG,
    "а ә": _OKRUG, "к ә": _OKRUG,
}  # fmt: skip
# Spelled-out forms of the abbreviations above.
_PHRASES = re.compile(
    r"\b(?:р н|сельск(?:ий|ого) округ\w*|сельская администрация|поселковая администрация|"
    r"ауылдық округ\w*|ауылдық әкімдігі|кенттік әкімдігі)\b"
)
_CITY_ADMIN = re.compile(r"\s*(?:Г\.А\.?|Қ\.Ә\.?)$")
_RU_PREFIX = re.compile(r"^(?:г|с|п|а)\.(?!а\.|о\.)\s*")
_KK_SUFFIX = re.compile(r"\s+(?:а|қ|к)\.?$")


# The last resort: Kazakh letters read as Russian ones, і/ы and е/э alike, no soft signs or
# spaces ("Актөбе" for Ақтөбе, "Усть Каменогорск", "Жетысу" for Жетісу).
_LOOSE = str.maketrans(
    "әғқңөұүһіыэ",
    "агкноуухиие",
    " ьъ",
)


def _loose(key: str) -> str:
    return key.translate(_LOOSE)


def _phrase(match: re.Match[str]) -> str:
    return "район" if match.group(0) == "р н" else "с о"


def _key(name: str) -> tuple[str, str | None]:
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
            return _CITY_ADMIN.search(name) is not None
        return name.startswith("г.") and not name.startswith("г.а.")

    def name(self, lang: str) -> str:
        """The display name without KATO's abbreviations ('ru', 'kk'; 'en' falls back to ru)."""
        if lang == "kk":
            name = _KK_SUFFIX.sub("", self.name_kk)
            return _CITY_ADMIN.sub("", name) if self.level == "district" else name
        name = _RU_PREFIX.sub("", self.name_ru)
        return _CITY_ADMIN.sub("", name) if self.level == "district" else name

    @property
    def _kinds(self) -> frozenset[str]:
        if self.is_town:  # Astana, Almaty and Shymkent too: "Алматы облысы" is not the city
            return frozenset({_TOWN})
        if self.level == "region":
            return frozenset({_REGION})
        name = self.name_ru.lower()
        if self.level == "district" or name.startswith("район") or name.endswith(" район"):
            return frozenset({_DISTRICT})
        return frozenset({_VILLAGE})

    @property
    def _is_okrug(self) -> bool:
        return self.level == "sub_district" and not self.is_town and _DISTRICT not in self._kinds


class AmbiguousPlace(LookupError):
    """A name that several places share equally (``strict`` look-ups only)."""

    def __init__(self, name: str, places: list[Place]) -> None:
        super().__init__(f"{len(places)} places are called {name!r}")
        self.name = name
        self.places = places


def _rank(place: Place, *, locality: bool) -> tuple[int, int, int, int, str]:
    demote = int(locality and place.level == "region" and not place.is_town)
    population = place.population if place.population is not None else -1
    return (demote, _LEVEL_RANK[place.level], int(not place.is_town), -population, place.kato)


_SCOPE_DIGITS = {"region": 2, "district": 4, "sub_district": 6, "settlement": 9}
_SEPARATORS = re.compile(r"[,;]")


class Places:
    """All KATO places, by code, by hierarchy and by name."""

    def __init__(self, rows: Iterable[Place], aliases: Iterable[tuple[str, str, str]]) -> None:
        self._by_code: dict[str, Place] = {p.kato: p for p in rows}
        self._aliases = list(aliases)
        self._sorted = sorted(self._by_code.values(), key=lambda p: p.kato)

    # -- codes and hierarchy ---------------------------------------------------------------

    def get(self, kato: str) -> Place | None:
        return self._by_code.get(kato)

    def __contains__(self, kato: object) -> bool:
        return isinstance(kato, str) and kato in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def regions(self) -> list[Place]:
        """The 20 top-level units (17 regions and Astana, Almaty, Shymkent), by code."""
        return [p for p in self._sorted if p.level == "region"]

    def districts(self, region: str) -> list[Place]:
        """The districts (and city administrations) of a region, by code."""
        return list(self._groups[0].get(region, ()))

    def towns(self, region: str | None = None) -> list[Place]:
        """Towns and cities (each once), largest population first, unknown population last.

        A city administration stands for its city: the city's own unit inside it is not
        listed again.
        """
        found = []
        for place in self._sorted:
            if not place.is_town or (region is not None and place.region != region):
                continue
            parent = self._by_code.get(place.parent) if place.parent else None
            if parent is not None and parent.is_town:
                continue
            found.append(place)
        return sorted(found, key=lambda p: (p.population is None, -(p.population or 0), p.kato))

    def settlements(self, district: str) -> list[Place]:
        """The settlements of a district (through its okrugs too), by code."""
        return list(self._groups[1].get(district, ()))

    @functools.cached_property
    def _groups(self) -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
        """Districts by region, settlements by district (each in code order)."""
        districts: dict[str, list[Place]] = {}
        settlements: dict[str, list[Place]] = {}
        for place in self._sorted:
            if place.level == "district":
                districts.setdefault(place.region, []).append(place)
            elif place.level == "settlement" and place.district is not None:
                settlements.setdefault(place.district, []).append(place)
        return districts, settlements

    # -- names -----------------------------------------------------------------------------

    @functools.cached_property
    def _index(self) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
        """Name key -> codes, for places and aliases; okrugs apart; loose keys (``_loose``)."""
        main: dict[str, list[str]] = {}
        okrugs: dict[str, list[str]] = {}
        loose: dict[str, list[str]] = {}

        def add(table: dict[str, list[str]], key: str, code: str) -> None:
            codes = table.setdefault(key, [])
            if code not in codes:
                codes.append(code)

        for place in self._sorted:
            table = okrugs if place._is_okrug else main
            for name in (place.name_ru, place.name_kk):
                key, _ = _key(name)
                if key:
                    add(table, key, place.kato)
                    if table is main:
                        add(loose, _loose(key), place.kato)
        for code, _lang, alias in self._aliases:
            target = self._by_code.get(code)
            if target is not None:
                key, _ = _key(alias)
                if key and target._is_okrug:
                    add(okrugs, key, code)
                elif key:
                    add(main, key, code)
                    add(loose, _loose(key), code)
        return main, okrugs, loose

    def _candidates(self, name: str) -> tuple[list[Place], str | None]:
        key, hint = _key(name)
        if not key:
            return [], hint
        main, okrugs, loose = self._index
        codes: list[str] = []
        if hint == _OKRUG:
            codes = okrugs.get(key, [])
        if not codes:
            codes = main.get(key) or loose.get(_loose(key), [])
        if not codes and hint != _OKRUG:
            codes = okrugs.get(key, [])
        return [self._by_code[c] for c in codes], hint

    def _pick(
        self,
        name: str,
        scopes: tuple[str, ...] | None,
        *,
        exclude: str | None = None,
        level: str | None = None,
        locality: bool = False,
        strict: bool = False,
    ) -> Place | None:
        """The best place for one name among the codes starting with one of ``scopes``."""
        name = name.strip()
        if len(name) == 9 and name.isdigit():
            place = self._by_code.get(name)
            if place is None or (scopes is not None and not name.startswith(scopes)):
                return None
            return None if name == exclude else place
        found, hint = self._candidates(name)
        found = [
            p
            for p in found
            if (scopes is None or p.kato.startswith(scopes))
            and p.kato != exclude
            and (level is None or p.level == level)
        ]
        if hint is not None and hint != _OKRUG:
            found = [p for p in found if hint in p._kinds] or found
        if not found:
            return None
        found.sort(key=lambda p: _rank(p, locality=locality))
        if strict and len(found) > 1:
            best = _rank(found[0], locality=locality)[:4]
            tied = [p for p in found if _rank(p, locality=locality)[:4] == best]
            if len(tied) > 1:
                raise AmbiguousPlace(name, tied)
        return found[0]

    def _scoped(
        self,
        name: str,
        within: Place | None,
        *,
        successors: bool,
        locality: bool,
        strict: bool = False,
    ) -> Place | None:
        """One name inside ``within`` (None: anywhere); "обл., р-н, с." lists part by part.

        With ``successors`` the scope takes in the regions carved out of it, and the scope
        itself is a candidate (a locality naming its own city); without, only descendants.
        """
        scopes: tuple[str, ...] | None = None
        if within is not None:
            scopes = (within.kato[: _SCOPE_DIGITS[within.level]],)
            if successors and within.level == "region":
                scopes += _SUCCESSORS.get(within.kato[:2], ())
        exclude = None if successors or within is None else within.kato
        place = self._pick(name, scopes, exclude=exclude, locality=locality, strict=strict)
        if place is None and _SEPARATORS.search(name):
            # "Алматинская обл., Илийский р-н, с.Отеген батыр": narrow down part by part.
            current = within
            for part in _SEPARATORS.split(name):
                if part.strip():
                    found = self._scoped(
                        part, current, successors=successors, locality=locality, strict=strict
                    )
                    if found is None:
                        return None
                    place = current = found
        return place

    def resolve(self, name: str, *, within: str | None = None) -> Place | None:
        """The place a Russian or Kazakh name (old names and aliases too) stands for.

        Prefixes and type words are optional ("г.Семей", "Семей", "Семей қ."); when given they
        narrow the choice ("г.Атырау" is the city, "Атырау облысы" the region). ``within``
        limits the search to the descendants of that code. When several places share the
        name: the highest level, then a town, then the largest population. None when nothing
        matches (or ``within`` is not a known code).
        """
        scope = None
        if within is not None:
            scope = self._by_code.get(within)
            if scope is None:
                return None
        return self._scoped(name, scope, successors=False, locality=False)

    def resolve_location(
        self, *, region: str | None, locality: str | None, strict: bool = False
    ) -> Place | None:
        """CONTRACT: a location given as ``region`` + ``locality`` names (either may be missing).

        - region only: that region (a top-level unit is preferred for the name; any other
          place name is accepted too);
        - locality only: the locality anywhere; a region only when nothing else bears the
          name ("Түркістан" gives the city here, while ``resolve`` gives the region);
        - both: the locality inside that region, or inside a region carved out of it since
          (Восточно-Казахстанская + Семей -> Semey, in Abai region since 2022; Алматинская +
          Талдыкорган -> Jetisu region); the region itself when the locality names it.

        None when nothing given, when the region is not recognised, or when the locality is
        not found (inside the region and its successors, when a region is given): a wrong
        locality is reported rather than silently widened to its region. With ``strict``, a
        locality that several places share equally (35 villages are called Жамбыл) raises
        ``AmbiguousPlace`` instead of picking one.
        """
        region = region.strip() if region else None
        locality = locality.strip() if locality else None
        scope = None
        if region:
            scope = self._pick(region, None, level="region") or self.resolve(region)
            if scope is None:
                return None
            if not locality:
                return scope
        if not locality:
            return None
        return self._scoped(locality, scope, successors=True, locality=True, strict=strict)


def _read(name: str) -> str:
    return resources.files("catalogs.reference").joinpath("data", name).read_text("utf-8")


def _load() -> Places:
    rows = csv.reader(io.StringIO(_read("places.csv")))
    next(rows)
    places = []
    for row in rows:
        kato, level, parent, region, district, name_ru, name_kk, lat, lon, source, people = row
        places.append(
            Place(
                kato,
                level,
                parent or None,
                region,
                district or None,
                name_ru,
                name_kk,
                float(lat),
                float(lon),
                source,
                int(people) if people else None,
            )
        )
    alias_rows = csv.reader(io.StringIO(_read("place_aliases.csv")))
    next(alias_rows)
    aliases = [(kato, lang, alias) for kato, lang, alias in alias_rows]
    return Places(places, aliases)


@functools.cache
def places() -> Places:
    """Every KATO place, loaded once from the shipped tables."""
    return _load()
