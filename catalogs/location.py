"""Turn a row's location columns into one KATO code and coordinates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from catalogs.schema import Problem, Record, RowCheck

# Kazakhstan's extent with a margin: coordinates outside it are a typo (swapped lat/lon, say).
LAT_RANGE = (40.0, 56.0)
LON_RANGE = (46.0, 88.0)
_KATO = re.compile(r"^\d{9}$")


def resolve_location(*, required: bool) -> RowCheck:
    """A row check: fill ``kato``, ``lat`` and ``lon`` from whatever location the row gives.

    ``kato`` wins when present; otherwise ``region`` and ``locality`` names are looked up
    (Russian or Kazakh, with or without prefixes, old names too). Given coordinates are kept
    but must lie in Kazakhstan; missing ones come from the place.
    """

    def check(record: Record) -> Iterator[Problem]:
        from catalogs.reference.places import AmbiguousPlace, places

        registry = places()
        kato, region, locality = record.get("kato"), record.get("region"), record.get("locality")
        lat, lon = record.get("lat"), record.get("lon")
        place = None
        if kato:
            if not _KATO.match(kato):
                yield Problem("kato", "expected_kato", {"value": kato})
                return
            place = registry.get(kato)
            if place is None:
                yield Problem("kato", "unknown_kato", {"value": kato, "kato": kato})
                return
        elif region or locality:
            try:
                place = registry.resolve_location(region=region, locality=locality, strict=True)
            except AmbiguousPlace as error:
                yield Problem(
                    "locality",
                    "ambiguous_place",
                    {"value": locality, "name": locality, "count": len(error.places)},
                )
                return
            if place is None:
                column = "locality" if locality else "region"
                name = locality or region
                yield Problem(column, "unknown_place", {"value": name, "name": name})
                return
        elif required:
            yield Problem("kato", "location_required")
            return
        if (lat is None) != (lon is None):
            yield Problem("lat" if lat is None else "lon", "coordinates_pair")
            return
        inside = (
            lat is None
            or lon is None
            or (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1])
        )
        if not inside:
            yield Problem("lat", "outside_kazakhstan", {"lat": lat, "lon": lon})
            return
        if place is not None:
            record["kato"] = place.kato
            if lat is None:
                record["lat"], record["lon"] = place.lat, place.lon

    return check
