"""Where the quota ledger counts: an area's KATO prefix, the levels its rows are grouped by,
and the roll-up of an employer's line (one BIN in one district) to its district, its region
and the total."""

from __future__ import annotations

import re
from typing import Any

from catalogs.reference.places import places

LEVELS = ("total", "region", "district", "employer")
Key = tuple[Any, ...]
"""A row's key within its level: ``()`` for the total, ``(region prefix,)``, ``(district
prefix,)``, ``(BIN, district prefix)``; prefixes are 2 and 4 digits of KATO."""
_SCOPE_DIGITS = {"region": 2, "district": 4, "sub_district": 6, "settlement": 9}
_DIGITS = re.compile(r"^\d{2,9}$")


class UnknownArea(ValueError):
    """A ``kato`` that names no KATO place (nor a prefix of one)."""

    def __init__(self, kato: str) -> None:
        super().__init__(kato)
        self.kato = kato


def area_prefix(kato: str | None) -> str:
    """The significant prefix of an area code: '' for the whole country, the first 2 digits
    of a region, 4 of a district, 6 of a rural okrug, all 9 of a settlement. A code shorter
    than 9 digits is read padded with zeros ("47" is Mangystau region)."""
    if kato is None:
        return ""
    code = kato.strip()
    if not _DIGITS.match(code):
        raise UnknownArea(kato)
    place = places().get(code.ljust(9, "0"))
    if place is None:
        raise UnknownArea(kato)
    return place.kato[: _SCOPE_DIGITS[place.level]]


def district_of(kato: str) -> str:
    """The district a place is counted in: the unit of its first four digits
    (``XXYY00000``); for a city district of Astana, Almaty or Shymkent, which KATO codes
    below the city with no such unit (Алмалинский район is 751110000), that city district."""
    code = kato[:4] + "00000"
    if code in places():
        return code
    for place in places().under(region_of(kato)):
        if place.kato[:4] == kato[:4]:
            return place.kato
    return code


def region_of(kato: str) -> str:
    return kato[:2] + "0000000"


def place_name(kato: str, lang: str) -> str:
    """A place's display name in ``lang`` (its code when KATO does not know it)."""
    place = places().get(kato)
    return kato if place is None else place.name(lang)


def keys_of(employer_bin: str, district: str) -> dict[str, Key]:
    """The key of an employer's line (``district``: 4 digits) at every level."""
    return {
        "total": (),
        "region": (district[:2],),
        "district": (district,),
        "employer": (employer_bin, district),
    }
