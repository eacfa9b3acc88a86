"""Where demo rows are placed: real towns and villages of every region, from ``places()``.

Regions are weighted by the demo's own population figures (``data/regions.csv``), because the
coordinate source's populations are old or missing for several cities. Inside a region towns
are weighted by their population (with a floor for the regional centre, and the overrides of
``data/town_overrides.csv``) and villages by theirs (unknown = a small village).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from catalogs.demo.sampling import Weighted
from catalogs.demo.tables import Region, tables
from catalogs.reference.places import Place, places

_UNKNOWN_TOWN = 10_000
_UNKNOWN_VILLAGE = 300
_CENTRE_FLOOR = 100_000
_NOT_VILLAGES = frozenset(
    {"Бригада", "Отд", "Кордон", "Казарма", "Животноводческая", "Ферма", "Скважина",
     "Железнодорожный", "МТФ", "Разъезд", "Участок", "Зимовка", "Точка", "Пост"}
)  # fmt: skip


def _is_village(place: Place) -> bool:
    """A real village: an okrug's seat or a settlement of known size, not a wintering camp,
    a farm unit, a railway siding or a numbered "point"."""
    name = place.name("ru")
    if not name[:1].isupper() or any(ch.isdigit() for ch in name) or "." in name:
        return False
    if name.split()[0] in _NOT_VILLAGES:
        return False
    return place.population is not None or place.kato.endswith("100")


@dataclass(frozen=True, slots=True)
class Spot:
    """A place a row can point at: its KATO code and how to write it in a sentence."""

    kato: str
    name: str
    name_kk: str
    is_town: bool
    region: Region
    population: int

    @property
    def written(self) -> str:
        """``г. Кокшетау`` or ``с. Астраханка``."""
        return f"{'г.' if self.is_town else 'с.'} {self.name}"


@dataclass(frozen=True, slots=True)
class RegionGeo:
    region: Region
    centre: Spot
    towns: tuple[Spot, ...]
    """Largest first; the centre among them."""
    town_picker: Weighted[Spot]
    village_picker: Weighted[Spot] | None
    """None for Astana, Almaty and Shymkent."""

    def place(self, rng: random.Random, rural_share: float) -> Spot:
        """A village with probability ``rural_share`` (never in a city region), else a town."""
        if self.village_picker is not None and rng.random() < rural_share:
            return self.village_picker.pick(rng)
        return self.town_picker.pick(rng)


def _spot(place: Place, region: Region, population: int) -> Spot:
    return Spot(
        kato=place.kato,
        name=place.name("ru"),
        name_kk=place.name("kk"),
        is_town=place.is_town,
        region=region,
        population=population,
    )


def _region_geo(region: Region) -> RegionGeo:
    registry = places()
    overrides = tables().town_overrides
    towns: list[Spot] = []
    for place in registry.towns(region.kato):
        population = overrides.get(place.kato, place.population or _UNKNOWN_TOWN)
        if population > 0:
            towns.append(_spot(place, region, population))
    centre_place = registry.get(region.centre)
    if centre_place is None:
        raise LookupError(f"regional centre {region.centre} is not a known place")
    centre = next((t for t in towns if t.kato == centre_place.kato), None)
    if centre is None:
        centre = _spot(centre_place, region, centre_place.population or _CENTRE_FLOOR)
        towns.insert(0, centre)
    others = sum(t.population for t in towns if t is not centre)
    centre_weight = max(centre.population, _CENTRE_FLOOR, int(0.8 * others))
    town_picker = Weighted(
        (t, float(centre_weight if t is centre else t.population)) for t in towns
    )
    villages: list[tuple[Spot, float]] = []
    for district in registry.districts(region.kato):
        if district.is_town:
            continue
        for place in registry.settlements(district.kato):
            if place.is_town or overrides.get(place.kato) == 0 or not _is_village(place):
                continue
            population = place.population or _UNKNOWN_VILLAGE
            villages.append((_spot(place, region, population), float(population)))
    return RegionGeo(
        region=region,
        centre=centre,
        towns=tuple(sorted(towns, key=lambda t: -t.population)),
        town_picker=town_picker,
        village_picker=Weighted(villages) if villages else None,
    )


@functools.cache
def geography() -> dict[str, RegionGeo]:
    """Every top-level unit's towns and villages, keyed by the region's KATO code."""
    return {region.kato: _region_geo(region) for region in tables().regions}
