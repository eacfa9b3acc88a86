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
import sys
from collections import Counter
from pathlib import Path

from place_attribution import write_attribution  # the sibling script, run beside it
from place_sources import (  # the sibling script, run beside it
    AGREE_KM,
    EXPECTED_ROWS,
    GLYPHS,
    HERE,
    KAZAKH_LETTERS,
    KK_TO_RU,
    LAT_MAX,
    LAT_MIN,
    LON_MAX,
    LON_MIN,
    MAX_CENTRE_KM,
    ROOT,
    Centre,
    City,
    Row,
    centre_of,
    km,
    latin,
    match_cities,
    read_centres,
    read_cities,
    read_csv,
    read_kato,
)

from catalogs.normalize import fold
from catalogs.reference.place import name_key as _key

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
