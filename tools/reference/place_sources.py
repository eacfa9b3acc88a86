"""The sources of the places tables, read: KATO rows with their names cleaned, the hand-made
region and district centres, the Countries States Cities Database's cities, and the matching
of those cities to KATO units (``build_places.py`` builds and writes the tables).

Imported by its sibling scripts, run beside them (``tools/reference`` is not a package)."""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from catalogs.reference.place import SUCCESSORS as _SUCCESSORS
from catalogs.reference.place import name_key as _key

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

LEVELS = {
    "oblast": "region",
    "district": "district",
    "sub_district": "sub_district",
    "settlement": "settlement",
}
EXPECTED_ROWS = 15_594
# Kazakhstan's bounding box (the checks in tests/catalogs/test_places.py use the same).
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 40.5, 55.5, 46.4, 87.4
MAX_CENTRE_KM = 600.0  # a district centre this far from its region centre is a typo
MAX_MATCH_KM = 200.0  # a source city this far from its district's centre is another place
MAX_UNIQUE_KM = 300.0  # ... unless it is the only namesake in its region
AGREE_KM = 5.0  # hand-made centre vs the source's coordinates for the same place

KK_TO_RU = str.maketrans(
    {
        "ә": "а",
        "Ә": "А",
        "ғ": "г",
        "Ғ": "Г",
        "қ": "к",
        "Қ": "К",
        "ң": "н",
        "Ң": "Н",
        "ө": "о",
        "Ө": "О",
        "ұ": "у",
        "Ұ": "У",
        "ү": "у",
        "Ү": "У",
        "һ": "х",
        "Һ": "Х",
        "і": "и",
        "І": "И",
    }
)
# Glyphs of the old Kazakh 8-bit fonts left in KATO (Macedonian/Belarusian/Ukrainian letters).
GLYPHS = str.maketrans(
    {"ў": "ұ", "Ў": "Ұ", "ќ": "қ", "Ќ": "Қ", "ї": "ү", "Ї": "Ү", "ј": "ә", "Ј": "Ә", "\xa0": " "}
)
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# -- names -----------------------------------------------------------------------------------


def clean_ru(name: str) -> str:
    """KATO's Russian name with its known defects fixed (spacing, Kazakh letters, glyphs)."""
    name = " ".join(name.translate(GLYPHS).split())
    name = re.sub(r"^Район ", "район ", name)
    # "с. X" -> "с.X" (and the okrug abbreviations): KATO writes both.
    name = re.sub(r"^((?:с|п|г|с\.о|с\.а|п\.а|г\.а|р\.а|с\.о\.им|с\.о\.имени)\.)\s+", r"\1", name)
    name = re.sub(r"^с\.\s*им\.\s*", "с.им.", name)
    name = re.sub(r"^(с\.|п\.)\"([^\"]+)\"$", r"\1\2", name)
    name = re.sub(r"\s(с\.о|с\.а|п\.а|г\.а)$", r" \1.", name)
    # Roman numerals typed with the Kazakh letter І ("зимовка Мектеп ІІ").
    name = re.sub(r"(?<!\w)І{1,3}(?!\w)", lambda m: "I" * len(m.group(0)), name)
    if KAZAKH_LETTERS.search(name):
        # Russian renders көл as "коль" (Анаркөл -> Анарколь, Сұлукөлский -> Сулукольский).
        name = re.sub(r"([Кк])өл(?=$|[\s\-]|ск)", r"\1оль", name)
        name = name.translate(KK_TO_RU)
    return name


def clean_kk(name: str, level: str) -> str:
    name = " ".join(name.translate(GLYPHS).split())
    name = re.sub(r"\s+\.", ".", name)  # "Бурыл а.о ." -> "Бурыл а.о."
    name = re.sub(r"\s(а\.о|а\.ә|к\.ә|қ\.ә)$", r" \1.", name)
    name = re.sub(r"\s(а|қ|к)$", r" \1.", name)  # "Шілікті а" -> "Шілікті а."
    if level == "district":
        name = re.sub(r"\sГ\.А\.$", " Қ.Ә.", name)  # "Ақтау Г.А."
    return name


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Row:
    kato: str
    level: str
    type_code: str
    name_ru: str
    name_kk: str
    raw_ru: str
    parent: str = ""
    region: str = ""
    district: str = ""
    lat: float = 0.0
    lon: float = 0.0
    coord_source: str = ""
    population: int | None = None
    keys: set[str] = field(default_factory=set)

    @property
    def is_town(self) -> bool:
        if self.level == "district":
            return self.name_ru.endswith("Г.А.")
        if self.level == "region":
            return self.type_code == "1"
        return self.name_ru.startswith("г.") and not self.name_ru.startswith("г.а.")

    @property
    def is_urban(self) -> bool:
        return self.type_code == "1"

    @property
    def is_okrug(self) -> bool:
        name = self.name_ru.lower()
        return (
            self.level == "sub_district"
            and not self.is_town
            and not (name.startswith("район") or name.endswith(" район"))
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if not row[next(iter(row))].startswith("#")]


def read_kato(path: Path, fixes: dict[str, str]) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for raw in read_csv(path):
        level = LEVELS[raw["level"]]
        name_ru = fixes.get(raw["kato"]) or clean_ru(raw["name_ru"])
        rows[raw["kato"]] = Row(
            kato=raw["kato"],
            level=level,
            type_code=raw["type_code"],
            name_ru=name_ru,
            name_kk=clean_kk(raw["name_kk"], level),
            raw_ru=raw["name_ru"],
        )
    for code, row in rows.items():
        ancestors = [code[:6] + "000", code[:4] + "00000", code[:2] + "0000000"]
        row.parent = next((a for a in ancestors if a != code and a in rows), "")
        if row.level != "region" and not row.parent:
            raise SystemExit(f"{code}: no ancestor")
        row.region = code[:2] + "0000000"
        district = code[:4] + "00000"
        row.district = district if row.level != "region" and district in rows else ""
        for name in (row.name_ru, row.name_kk):
            key, _ = _key(name)
            row.keys.add(key)
            row.keys.add(key.replace(" ", ""))
    return rows


@dataclass(frozen=True)
class Centre:
    code: str
    centre: str
    name: str
    lat: float
    lon: float
    source: str


def read_centres(path: Path, column: str) -> dict[str, Centre]:
    return {
        r[column]: Centre(
            r[column],
            r["centre_kato"],
            r["centre_name"],
            float(r["lat"]),
            float(r["lon"]),
            r["source"],
        )
        for r in read_csv(path)
    }


@dataclass(frozen=True)
class City:
    id: str
    name: str
    native: str
    ru: str
    state: str
    lat: float
    lon: float
    population: int | None


def read_cities(folder: Path) -> list[City]:
    records = json.loads((folder / "KZ_cities.json").read_text(encoding="utf-8"))
    return [
        City(
            id=str(r["id"]),
            name=r["name"],
            native=r.get("native") or "",
            ru=(r.get("translations") or {}).get("ru") or "",
            state=str(r["state_code"]),
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
            population=int(r["population"]) if r.get("population") else None,
        )
        for r in sorted(records, key=lambda r: int(r["id"]))
    ]


def latin(name: str) -> str:
    """An English/transliterated name without diacritics and typographic apostrophes."""
    name = unicodedata.normalize("NFKD", name.replace("’", "").replace("'", ""))
    return "".join(c for c in name if not unicodedata.combining(c))


# -- matching the coordinates source to KATO ---------------------------------------------------


def centre_of(row: Row, districts: dict[str, Centre], regions: dict[str, Centre]) -> Centre:
    return districts[row.district] if row.district else regions[row.region]


def match_cities(
    cities: list[City],
    rows: dict[str, Row],
    manual: dict[str, str],
    districts: dict[str, Centre],
    regions: dict[str, Centre],
) -> tuple[dict[str, City], list[tuple[City, str]]]:
    """KATO code -> its source city; and the cities left out, with the reason.

    A city matches a KATO settlement (or a town's own unit) of the same Russian or Kazakh name
    in its region, or in a region carved out of it since (the source predates 2022). Among
    namesakes: towns first, then urban settlements, then the nearest district centre; a
    namesake whose district centre is over MAX_MATCH_KM away is another place (up to
    MAX_UNIQUE_KM when it is the only namesake: large districts, exclaves). Pairs are taken
    best first, so two records of one place do not both land on it.
    """
    by_key: dict[str, list[Row]] = defaultdict(list)
    for row in rows.values():
        if row.level in ("sub_district", "settlement") and not row.is_okrug:
            for key in row.keys:
                by_key[key].append(row)
    matched: dict[str, City] = {}
    skipped: list[tuple[City, str]] = []
    pairs: list[tuple[tuple[int, bool, bool, float, str, str], City, Row]] = []
    for city in cities:
        if city.id in manual:
            code = manual[city.id]
            if code == "-":
                skipped.append((city, "skipped by place_coord_matches.csv"))
            elif code not in rows:
                raise SystemExit(f"place_coord_matches.csv: unknown KATO {code} for {city.name}")
            else:
                pairs.append(((0, False, False, 0.0, code, city.id), city, rows[code]))
            continue
        states = (city.state, *_SUCCESSORS.get(city.state, ()))
        found: dict[str, Row] = {}
        for name in (city.ru, city.native):
            key, hint = _key(name) if name else ("", None)
            if not key or hint == "district":
                continue
            for candidate in (*by_key.get(key, ()), *by_key.get(key.replace(" ", ""), ())):
                if candidate.kato[:2] in states:
                    found[candidate.kato] = candidate
        if not found:
            skipped.append((city, "no KATO place of that name in its region"))
            continue
        limit = MAX_UNIQUE_KM if len(found) == 1 else MAX_MATCH_KM
        near = 0
        for candidate in found.values():
            centre = centre_of(candidate, districts, regions)
            distance = km(city.lat, city.lon, centre.lat, centre.lon)
            if distance <= limit:
                near += 1
                rank = (
                    1,
                    not candidate.is_town,
                    not candidate.is_urban,
                    distance,
                    candidate.kato,
                    city.id,
                )
                pairs.append((rank, city, candidate))
        if not near:
            skipped.append((city, f"{len(found)} namesakes, all over {limit:.0f} km away"))
    done: set[str] = set()
    for _, city, row in sorted(pairs, key=lambda p: p[0]):
        if city.id in done or row.kato in matched:
            continue
        matched[row.kato] = city
        done.add(city.id)
    for city in cities:
        if city.id not in done and all(c.id != city.id for c, _ in skipped):
            skipped.append((city, "its namesakes were taken by closer records"))
    return matched, skipped
