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
from importlib import resources

from catalogs.reference.place import (
    LEVEL_RANK,
    OKRUG,
    SUCCESSORS,
    AmbiguousPlace,
    Place,
    loose_key,
    name_key,
)

__all__ = ["AmbiguousPlace", "Place", "Places", "places"]


def _rank(place: Place, *, locality: bool) -> tuple[int, int, int, int, str]:
    demote = int(locality and place.level == "region" and not place.is_town)
    population = place.population if place.population is not None else -1
    return (demote, LEVEL_RANK[place.level], int(not place.is_town), -population, place.kato)


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

    def under(self, parent: str) -> list[Place]:
        """The places directly under ``parent`` (a region's districts, or the city districts of
        Astana, Almaty and Shymkent, which KATO puts directly under the city), by code."""
        return list(self._children.get(parent, ()))

    @functools.cached_property
    def _children(self) -> dict[str, list[Place]]:
        children: dict[str, list[Place]] = {}
        for place in self._sorted:
            if place.parent:
                children.setdefault(place.parent, []).append(place)
        return children

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
        """Name key -> codes, for places and aliases; okrugs apart; loose keys (``loose_key``)."""
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
                key, _ = name_key(name)
                if key:
                    add(table, key, place.kato)
                    if table is main:
                        add(loose, loose_key(key), place.kato)
        for code, _lang, alias in self._aliases:
            target = self._by_code.get(code)
            if target is not None:
                key, _ = name_key(alias)
                if key and target._is_okrug:
                    add(okrugs, key, code)
                elif key:
                    add(main, key, code)
                    add(loose, loose_key(key), code)
        return main, okrugs, loose

    def _candidates(self, name: str) -> tuple[list[Place], str | None]:
        key, hint = name_key(name)
        if not key:
            return [], hint
        main, okrugs, loose = self._index
        codes: list[str] = []
        if hint == OKRUG:
            codes = okrugs.get(key, [])
        if not codes:
            codes = main.get(key) or loose.get(loose_key(key), [])
        if not codes and hint != OKRUG:
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
        if hint is not None and hint != OKRUG:
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
                scopes += SUCCESSORS.get(within.kato[:2], ())
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
