"""Synthetic temporary adaptation centres: at least one in every region (DOMAIN.md recommends
one per region), more in the big ones, in the regional centre or a big town.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

from catalogs import enums
from catalogs.demo.geo import RegionGeo, Spot, geography
from catalogs.demo.sampling import Weighted, chance, round_to
from catalogs.demo.tables import Region, tables

_SERVICE_RATES = {
    "psychologist": 0.7,
    "legal": 0.6,
    "employment": 0.8,
    "medical": 0.4,
    "laundry": 0.6,
    "training": 0.3,
    "documents": 0.5,
    "addiction": 0.25,
}
_ACCEPTS = Weighted([("men", 55.0), ("all", 40.0), ("women", 5.0)])
_STAY_DAYS = Weighted([(enums.MAX_SHELTER_STAY_DAYS, 75.0), (150, 8.0), (120, 10.0), (90, 7.0)])
_MOBILE = ("701", "702", "705", "707", "747", "771", "775", "777", "778")


def phone(rng: random.Random, region: Region) -> str:
    """``+7 7xx xxx xx xx``: a landline with the region's area code, or a mobile number."""
    prefix = rng.choice(_MOBILE) if chance(rng, 0.3) else region.phone_code
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(10 - len(prefix)))
    return f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"


def _where(geo: RegionGeo, index: int) -> Spot:
    """The first centre of a region in its capital, the second in the next big town."""
    others = [t for t in geo.towns if t.kato != geo.centre.kato and t.population >= 40_000]
    return others[0] if index == 1 and others else geo.centre


def _operator_and_name(rng: random.Random, spot: Spot, ngos: list[str]) -> tuple[str, str]:
    town, region = spot.name, spot.region
    if chance(rng, 0.6):
        operator = rng.choice(
            (
                f"ГУ «Отдел занятости и социальных программ города {town}»",
                "КГУ «Центр оказания специальных социальных услуг» управления координации "
                f"занятости и социальных программ {region.name_gen}",
            )
        )
        return operator, (
            f"Центр временной адаптации лиц, освободившихся из мест лишения свободы, г. {town}"
        )
    if not ngos:
        ngos.extend(tables().shelter_parts["ngo"])
        rng.shuffle(ngos)
    ngo = ngos.pop()  # each public foundation runs one centre, until the list runs out
    form = rng.choice(("ОФ", "ОО"))
    return (
        f"{form} «{ngo}» (государственный социальный заказ)",
        f"Центр временной адаптации «{ngo}» для лиц, освободившихся из мест лишения свободы "
        f"(г. {town})",
    )


def stream(*, seed: int) -> Iterator[dict[str, object]]:
    """About 30 centres, the same for the same seed."""
    rng = random.Random(f"matcher-demo:{seed}:shelters")
    geo = geography()
    streets = tables().shelter_parts["street"]
    number = 0
    names: Counter[str] = Counter()
    ngos: list[str] = []
    for region in tables().regions:
        for index in range(region.shelters):
            spot = _where(geo[region.kato], index)
            operator, name = _operator_and_name(rng, spot, ngos)
            names[name] += 1
            if names[name] > 1:
                name = f"{name} № {names[name]}"
            capacity = round_to(rng.uniform(25, 50) if region.is_city else rng.uniform(10, 40), 5)
            occupied = capacity if chance(rng, 0.2) else rng.randint(capacity // 3, capacity - 1)
            accepts = _ACCEPTS.pick(rng)
            if index == 0 and accepts == "women":
                accepts = "all"  # every region has a centre that takes men
            services = ["meals"] + [s for s, rate in _SERVICE_RATES.items() if chance(rng, rate)]
            number += 1
            yield {
                "shelter_id": f"S{number:03d}",
                "name": name,
                "operator": operator,
                "kato": spot.kato,
                "address": f"г. {spot.name}, ул. {rng.choice(streets)}, {rng.randint(1, 180)}",
                "capacity": capacity,
                "occupied": occupied,
                "max_stay_days": _STAY_DAYS.pick(rng),
                "accepts": accepts,
                "min_age": 18,
                "services": services,
                "admits_substance_use": chance(rng, 0.6 if "addiction" in services else 0.15),
                "phone": phone(rng, region),
            }
