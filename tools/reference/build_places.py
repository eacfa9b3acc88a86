"""Build the shipped places tables from KATO, the city coordinates and the project's own tables.

Usage (from the repository root)::

    python tools/reference/build_places.py [DATA_DIR] [--out catalogs/reference/data] [--report]

DATA_DIR (default ``../shared/data``) holds ``kato/kato.csv`` (KATO NK RK 11-2025) and
``kz-cities-coords/`` (Countries States Cities Database: ``KZ_cities.json``, ``KZ_states.csv``,
``LICENSE.ODbL``). The project's hand-written tables sit next to this script:

- ``region_centres.csv``       region -> administrative centre and its coordinates;
- ``district_centres.csv``     each of the 209 districts -> centre settlement, coordinates;
- ``place_coord_matches.csv``  source city records linked by hand (renamed towns, wrong
  names) or skipped (district centroids, wrong records);
- ``place_name_fixes.csv``     proper Russian names where KATO's name_ru is in Kazakh;
- ``place_aliases.csv``        old and alternative names (Гурьев, Нур-Султан, ВКО, Almaty...);
- ``place_population_fixes.csv`` the few plainly wrong population figures of the database.

Writes ``places.csv``, ``place_aliases.csv``, ``ATTRIBUTION-places.md``, ``LICENSE.kato-MIT``
and ``LICENSE.ODbL``. The output is deterministic: running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import shutil
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from catalogs.normalize import fold
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


# -- build ------------------------------------------------------------------------------------


def build(data: Path, out: Path, report: bool) -> None:
    fix_rows = read_csv(HERE / "place_name_fixes.csv")
    fixes = {r["kato"]: r["name_ru"] for r in fix_rows}
    rows = read_kato(data / "kato" / "kato.csv", fixes)
    for fix in fix_rows:  # a fix is for the name it was written against
        if fix["kato"] not in rows or rows[fix["kato"]].raw_ru != fix["kato_name_ru"]:
            raise SystemExit(
                f"place_name_fixes.csv: {fix['kato']} is no longer {fix['kato_name_ru']!r}"
            )
    if len(rows) != EXPECTED_ROWS:
        raise SystemExit(f"expected {EXPECTED_ROWS} KATO rows, got {len(rows)}")
    regions = read_centres(HERE / "region_centres.csv", "region")
    districts = read_centres(HERE / "district_centres.csv", "district")
    check_centres(rows, regions, districts)

    coords = data / "kz-cities-coords"
    cities = read_cities(coords)
    manual_rows = read_csv(HERE / "place_coord_matches.csv")
    manual = {r["source_id"]: r["kato"] for r in manual_rows}
    no_alias = {r["source_id"] for r in manual_rows if r["aliases"] == "no"}
    matched, skipped = match_cities(cities, rows, manual, districts, regions)

    # Coordinates: own (source city, or a hand-made centre), else district, else region.
    centres_by_code: dict[str, Centre] = {}
    for centre in (*regions.values(), *districts.values()):
        centres_by_code.setdefault(centre.centre, centre)
    for row in rows.values():
        city = matched.get(row.kato)
        if row.level == "region":
            row.lat, row.lon, row.coord_source = regions[row.kato].lat, regions[row.kato].lon, "own"
        elif row.level == "district":
            centre = districts[row.kato]
            row.lat, row.lon, row.coord_source = centre.lat, centre.lon, "own"
        elif city is not None:
            row.lat, row.lon, row.coord_source = city.lat, city.lon, "own"
        elif row.kato in centres_by_code:
            centre = centres_by_code[row.kato]
            row.lat, row.lon, row.coord_source = centre.lat, centre.lon, "own"
        else:
            centre = centre_of(row, districts, regions)
            row.lat, row.lon = centre.lat, centre.lon
            row.coord_source = "district" if row.district else "region"
        if city is not None and city.population:
            row.population = city.population
    for fix in read_csv(HERE / "place_population_fixes.csv"):
        rows[fix["kato"]].population = int(fix["population"]) if fix["population"] else None
    # A city administration (and a city of national significance) is its city.
    for row in rows.values():
        if row.level in ("region", "district") and row.is_town and row.population is None:
            centre = (regions if row.level == "region" else districts)[row.kato]
            if centre.centre in rows and centre.centre != row.kato:
                row.population = rows[centre.centre].population
    states = {r["iso2"]: r for r in read_csv(coords / "KZ_states.csv")}
    for row in rows.values():
        state = states.get(row.kato[:2])
        if row.level == "region" and row.is_town and row.population is None and state:
            row.population = int(state["population"]) if state["population"] else None

    # Sanity: the match must agree with the hand-made centres where both exist.
    for centre in (*regions.values(), *districts.values()):
        city = matched.get(centre.centre)
        if city is not None:
            gap = km(city.lat, city.lon, centre.lat, centre.lon)
            if gap > AGREE_KM:
                print(
                    f"warning: centre {centre.code} {centre.name}: source {city.name} "
                    f"{gap:.0f} km away",
                    file=sys.stderr,
                )
    check_rows(rows)

    aliases = build_aliases(rows, matched, no_alias)
    write(out, rows, aliases)
    write_attribution(out, data, rows, districts, regions, matched)
    if report:
        print_report(rows, matched, skipped, districts, aliases)


def check_centres(
    rows: dict[str, Row], regions: dict[str, Centre], districts: dict[str, Centre]
) -> None:
    expected_regions = {c for c, r in rows.items() if r.level == "region"}
    expected_districts = {c for c, r in rows.items() if r.level == "district"}
    if set(regions) != expected_regions:
        raise SystemExit(f"region_centres.csv: {sorted(set(regions) ^ expected_regions)}")
    if set(districts) != expected_districts:
        raise SystemExit(f"district_centres.csv: {sorted(set(districts) ^ expected_districts)}")
    for centre in (*regions.values(), *districts.values()):
        if centre.centre not in rows:
            raise SystemExit(f"{centre.code}: unknown centre {centre.centre}")
        if not (LAT_MIN <= centre.lat <= LAT_MAX and LON_MIN <= centre.lon <= LON_MAX):
            raise SystemExit(f"{centre.code}: centre outside Kazakhstan")
        if centre.source not in ("csc", "own"):
            raise SystemExit(f"{centre.code}: source must be csc or own")
    for centre in districts.values():
        region = regions[centre.code[:2] + "0000000"]
        distance = km(centre.lat, centre.lon, region.lat, region.lon)
        if distance > MAX_CENTRE_KM:
            raise SystemExit(f"{centre.code}: {distance:.0f} km from its region centre")


def check_rows(rows: dict[str, Row]) -> None:
    levels = Counter(r.level for r in rows.values())
    if levels["region"] != 20 or levels["district"] != 209:
        raise SystemExit(f"unexpected levels {levels}")
    for row in rows.values():
        if not (LAT_MIN <= row.lat <= LAT_MAX and LON_MIN <= row.lon <= LON_MAX):
            raise SystemExit(f"{row.kato}: {row.lat},{row.lon} outside Kazakhstan")
        if KAZAKH_LETTERS.search(row.name_ru):
            raise SystemExit(f"{row.kato}: Kazakh letters left in {row.name_ru!r}")


def build_aliases(
    rows: dict[str, Row], matched: dict[str, City], no_alias: set[str]
) -> list[tuple[str, str, str]]:
    hand = read_csv(HERE / "place_aliases.csv")
    found: dict[tuple[str, str], tuple[str, str, str]] = {}

    def add(code: str, lang: str, alias: str, *, always: bool = False) -> None:
        alias = " ".join(alias.split())
        if not alias:
            return
        row = rows[code]
        key, _ = _key(alias)
        if not key or (not always and key in row.keys):
            return
        found.setdefault((code, fold(alias)), (code, lang, alias))

    for entry in hand:
        if entry["kato"] not in rows:
            raise SystemExit(f"place_aliases.csv: unknown KATO {entry['kato']}")
        add(entry["kato"], entry["lang"], entry["alias"], always=True)
    for code, city in matched.items():
        if city.id in no_alias:
            continue
        # The source names a city administration's city: the alias goes to the higher unit.
        parent = rows.get(rows[code].parent)
        target = parent.kato if parent is not None and parent.is_town else code
        add(target, "ru", city.ru)
        add(target, "kk", city.native)
        add(target, "en", latin(city.name))
    for row in rows.values():
        if row.raw_ru != row.name_ru and KAZAKH_LETTERS.search(row.raw_ru):
            add(row.kato, "ru", " ".join(row.raw_ru.translate(GLYPHS).split()))
            add(row.kato, "ru", " ".join(row.raw_ru.translate(GLYPHS).translate(KK_TO_RU).split()))
    return sorted(found.values())


def write(out: Path, rows: dict[str, Row], aliases: list[tuple[str, str, str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "places.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "kato",
                "level",
                "parent",
                "region",
                "district",
                "name_ru",
                "name_kk",
                "lat",
                "lon",
                "coord_source",
                "population",
            ]
        )
        for code in sorted(rows):
            r = rows[code]
            writer.writerow(
                [
                    r.kato,
                    r.level,
                    r.parent,
                    r.region,
                    r.district,
                    r.name_ru,
                    r.name_kk,
                    f"{r.lat:.4f}",
                    f"{r.lon:.4f}",
                    r.coord_source,
                    "" if r.population is None else r.population,
                ]
            )
    with (out / "place_aliases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["kato", "lang", "alias"])
        writer.writerows(aliases)


def write_attribution(
    out: Path,
    data: Path,
    rows: dict[str, Row],
    districts: dict[str, Centre],
    regions: dict[str, Centre],
    matched: dict[str, City],
) -> None:
    shutil.copyfile(data / "kato" / "LICENSE.upstream", out / "LICENSE.kato-MIT")
    shutil.copyfile(data / "kz-cities-coords" / "LICENSE.ODbL", out / "LICENSE.ODbL")
    copyright_line = next(
        line.strip()
        for line in (data / "kato" / "LICENSE.upstream").read_text(encoding="utf-8").splitlines()
        if line.strip().lower().startswith("copyright")
    )
    sources = Counter(r.coord_source for r in rows.values())
    own_source = sum(
        1 for r in rows.values() if r.kato in matched and r.level in ("sub_district", "settlement")
    )
    own_hand = sum(
        1
        for r in rows.values()
        if r.coord_source == "own"
        and r.level in ("sub_district", "settlement")
        and r.kato not in matched
    )
    hand_districts = sorted(c.code for c in districts.values() if c.source == "own")
    hand_regions = sorted(c.code for c in regions.values() if c.source == "own")
    text = ATTRIBUTION.format(
        copyright=copyright_line,
        rows=len(rows),
        own=sources["own"],
        own_source=own_source,
        own_hand=own_hand,
        district=sources["district"],
        region=sources["region"],
        hand_districts=len(hand_districts),
        csc_districts=len(districts) - len(hand_districts),
        hand_regions=", ".join(f"{c} ({regions[c].name})" for c in hand_regions) or "none",
        pop_fixes=len(read_csv(HERE / "place_population_fixes.csv")),
    )
    (out / "ATTRIBUTION-places.md").write_text(text, encoding="utf-8")


ATTRIBUTION = """\
# Places reference data: sources, licences, attribution

`places.csv` and `place_aliases.csv` are generated by `tools/reference/build_places.py`;
do not edit them by hand.

## KATO (codes, levels, Russian and Kazakh names)

The classifier of administrative-territorial objects (KATO, NK RK 11-2025) is the official state
classifier of the Bureau of National Statistics of the Republic of Kazakhstan (stat.gov.kz,
workbook КАТО_17.07.2026.xlsx). It reached us through the machine-readable compilation at
https://github.com/siaarzh/kz-tax-rates (`data/kato.csv`, commit
88067ea4fd20eef4318ff2c257df78aa161b5810), published under the MIT licence:

    {copyright}

The full licence text is in `LICENSE.kato-MIT`.

Changes made by this project: level `oblast` renamed `region`; parent, region and district
codes derived from the code structure; the Russian names that KATO gives in Kazakh spelling
(192 rows) given a Russian spelling (`tools/reference/place_name_fixes.csv`, hand-written, for
regions and districts; letter-by-letter transliteration for the rest; the KATO spelling is kept
as an alias); spacing ("с. X" -> "с.X") and stray glyphs of old 8-bit fonts (ў, ќ, ї, ј) fixed.

## Coordinates and population: Countries States Cities Database

Data by Countries States Cities Database
https://github.com/dr5hn/countries-states-cities-database | ODbL v1.0

Used: `contributions/cities/KZ.json` (commit 3361f7c792eded83907b94f306aa46879580bb17) and the
Kazakhstan rows of `csv/states.csv` (commit 9070bca65e8a7501c6066b339536bf2ca120b57d). The
database is licensed under the Open Database License v1.0 (full text in `LICENSE.ODbL`), its
contents under the Database Contents License.

**Share-alike.** `places.csv` (its coordinates and population columns) and `place_aliases.csv`
(the English, Russian and Kazakh city names taken from that database) are derived databases of
the Countries States Cities Database and are therefore made available under the ODbL v1.0 as
well; anyone may copy, adapt and redistribute them on the same terms, keeping this notice. The
KATO part remains under the MIT licence above.

## The project's own approximations

Coordinates not found in the database above are the project's own approximations, written by
hand from general geographic knowledge of Kazakhstan (not surveyed; typically within a few
kilometres of the settlement, sometimes more):

- `tools/reference/district_centres.csv`: the administrative centre of every district;
  {hand_districts} of the 209 are own approximations (rows with source `own`), the other
  {csc_districts} copy the database's coordinates of the centre (source `csc`);
- `tools/reference/region_centres.csv`: the regional capitals; own approximations:
  {hand_regions}; the others copy the database;
- the matching of database records to KATO codes (`tools/reference/place_coord_matches.csv` and
  name + region matching in the build script);
- `tools/reference/place_population_fixes.csv`: {pop_fixes} population figures of the database
  replaced or blanked where they are plainly wrong (Astana's is the project's own rounded
  estimate).

## What the coordinates mean

Of {rows} rows, {own} have their own coordinates (`coord_source` = `own`): the 20 regions and
209 districts (their administrative centres), {own_source} settlements found in the database
and {own_hand} district centres known only from the hand-made table. {district} rows carry
their district centre's coordinates (`district`) and {region} their region centre's (`region`:
the city districts of Astana, Almaty and Shymkent). A `district`/`region` coordinate tells where
the unit's centre is, not where the settlement is. Population figures come from the database
and are often old; empty means unknown.
"""


def print_report(
    rows: dict[str, Row],
    matched: dict[str, City],
    skipped: list[tuple[City, str]],
    districts: dict[str, Centre],
    aliases: list[tuple[str, str, str]],
) -> None:
    sources = Counter(r.coord_source for r in rows.values())
    print(f"rows {len(rows)}; coord_source {dict(sorted(sources.items()))}")
    print(f"source cities matched {len(matched)}, left out {len(skipped)}")
    for city, why in skipped:
        print(f"  left out {city.id} {city.name} / {city.ru} / {city.native} ({city.state}): {why}")
    hand = sum(1 for c in districts.values() if c.source == "own")
    print(f"district centres: {hand} hand-made, {len(districts) - hand} from the source")
    print(f"aliases {len(aliases)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default="../shared/data", type=Path)
    parser.add_argument("--out", default=ROOT / "catalogs" / "reference" / "data", type=Path)
    parser.add_argument("--report", action="store_true", help="print matching statistics")
    args = parser.parse_args(argv)
    build(args.data, args.out, args.report)


if __name__ == "__main__":
    main()
