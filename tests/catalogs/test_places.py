"""The shipped places reference (KATO + coordinates) and its name resolver."""

from __future__ import annotations

import dataclasses
import math
import re
from importlib import resources

import pytest

from catalogs.reference.places import Place, Places, places

LAT = (40.5, 55.5)
LON = (46.4, 87.4)
LEVELS = ("region", "district", "sub_district", "settlement")
KAZAKH = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def km(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def p() -> Places:
    return places()


@pytest.fixture(scope="module")
def rows(p: Places) -> list[Place]:
    return [place for place in (p.get(code) for code in _codes()) if place is not None]


def _codes() -> list[str]:
    text = resources.files("catalogs.reference").joinpath("data", "places.csv").read_text("utf-8")
    return [line.split(",", 1)[0] for line in text.splitlines()[1:]]


# -- the table ---------------------------------------------------------------------------------


def test_counts(p: Places, rows: list[Place]) -> None:
    assert len(p) == 15_594
    assert len(rows) == 15_594
    levels = {level: sum(1 for r in rows if r.level == level) for level in LEVELS}
    assert levels == {"region": 20, "district": 209, "sub_district": 2379, "settlement": 12986}
    regions = p.regions()
    assert len(regions) == 20
    assert [r.kato for r in regions] == sorted(r.kato for r in regions)
    assert {"710000000", "750000000", "790000000", "100000000", "330000000", "620000000"} <= {
        r.kato for r in regions
    }
    assert sum(len(p.districts(r.kato)) for r in regions) == 209
    assert p.districts("710000000") == []  # Astana's city districts are sub-districts in KATO


def test_every_row_has_coordinates_in_kazakhstan(rows: list[Place]) -> None:
    for row in rows:
        assert LAT[0] <= row.lat <= LAT[1], row
        assert LON[0] <= row.lon <= LON[1], row
        assert row.coord_source in ("own", "district", "region"), row
        assert row.population is None or row.population > 0, row


def test_regions_and_districts_have_their_own_centres(p: Places, rows: list[Place]) -> None:
    for row in rows:
        if row.level in ("region", "district"):
            assert row.coord_source == "own", row
    # Regional capitals, not centroids: Semey for Abai, Konaev for Almaty region, ...
    capitals = {
        "100000000": "101000000",  # Abai -> Semey
        "190000000": "191000000",  # Almaty region -> Konaev
        "330000000": "331000000",  # Jetisu -> Taldykorgan
        "610000000": "611000000",  # Turkestan
        "620000000": "621000000",  # Ulytau -> Zhezkazgan
        "630000000": "631000000",  # East Kazakhstan -> Oskemen
    }
    for region, capital in capitals.items():
        assert km(p.get(region), p.get(capital)) < 5  # type: ignore[arg-type]


def test_district_centres_are_near_their_region_centre(p: Places) -> None:
    for region in p.regions():
        for district in p.districts(region.kato):
            assert km(region, district) < 600, (region.kato, district.kato)


def test_districts_are_not_all_at_their_region_centre(p: Places) -> None:
    # The hand-made table gives real centres, not the region's point again.
    for region in p.regions():
        districts = p.districts(region.kato)
        away = [d for d in districts if km(region, d) > 20]
        assert len(away) >= len(districts) // 2, region.kato


def test_fallback_coordinates(p: Places, rows: list[Place]) -> None:
    for row in rows:
        if row.coord_source == "district":
            district = p.get(row.district or "")
            assert district is not None, row
            assert (row.lat, row.lon) == (district.lat, district.lon), row
        elif row.coord_source == "region":
            region = p.get(row.region)
            assert row.district is None, row
            assert region is not None, row
            assert (row.lat, row.lon) == (region.lat, region.lon), row
    # A village missing from the coordinates source sits at its district centre.
    village = p.get("104055400")  # с.Жарбулак, Бородулихинский район
    assert village is not None
    assert village.coord_source == "district"
    district = p.get("104000000")
    assert district is not None
    assert (village.lat, village.lon) == (district.lat, district.lon)


def test_own_coordinates_from_the_source(p: Places) -> None:
    semey = p.get("101010000")
    assert semey is not None
    assert semey.coord_source == "own"
    assert abs(semey.lat - 50.43) < 0.1
    assert abs(semey.lon - 80.27) < 0.1
    assert semey.population
    assert semey.population > 100_000
    # Zyryanovsk in the source is today's Altai (matched by hand).
    altai = p.get("634820100")
    assert altai is not None
    assert altai.coord_source == "own"


def test_hierarchy_is_consistent(p: Places, rows: list[Place]) -> None:
    rank = {level: i for i, level in enumerate(LEVELS)}
    for row in rows:
        assert re.fullmatch(r"\d{9}", row.kato)
        assert row.region == row.kato[:2] + "0000000"
        region = p.get(row.region)
        assert region is not None
        assert region.level == "region"
        if row.level == "region":
            assert row.parent is None
            assert row.district is None
            assert row.region == row.kato
            continue
        parent = p.get(row.parent or "")
        assert parent is not None, row
        assert rank[parent.level] < rank[row.level], row
        digits = {"region": 2, "district": 4, "sub_district": 6}[parent.level]
        assert row.kato.startswith(parent.kato[:digits]), row
        if row.level == "district":
            assert row.district == row.kato
        elif row.district is not None:
            district = p.get(row.district)
            assert district is not None
            assert district.level == "district"
            assert row.kato.startswith(row.district[:4])
        else:
            assert row.region in ("710000000", "750000000", "790000000"), row


def test_names_are_cleaned(rows: list[Place]) -> None:
    for row in rows:
        assert not KAZAKH.search(row.name_ru), row
        assert not row.name_ru.startswith(("с. ", "п. ")), row
        assert "  " not in row.name_ru, row
        assert "  " not in row.name_kk, row
        assert not re.search("[ўќїј\xa0]", row.name_ru + row.name_kk), row
    names = {row.kato: row.name_ru for row in rows}
    assert names["103400000"] == "Аксуатский район"
    assert names["100000000"] == "Абайская область"
    assert names["191010000"] == "г.Конаев"


def test_place_is_frozen_and_names_display_without_prefixes(p: Places) -> None:
    semey = p.get("101010000")
    assert semey is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        semey.lat = 0.0  # type: ignore[misc]
    assert semey.name("ru") == "Семей"
    assert semey.name("kk") == "Семей"
    assert semey.name("en") == semey.name("ru")
    city_admin = p.get("101000000")
    assert city_admin is not None
    assert city_admin.name("ru") == "Семей"
    village = p.get("103230100")
    assert village is not None
    assert village.name("ru") == "Карааул"
    assert village.name("kk") == "Қараауыл"
    district = p.get("103200000")
    assert district is not None
    assert district.name("ru") == "Абайский район"


def test_is_town(p: Places) -> None:
    def town(code: str) -> bool:
        place = p.get(code)
        assert place is not None
        return place.is_town

    assert town("710000000")
    assert town("750000000")
    assert town("101000000")
    assert town("101010000")
    assert town("113220100")  # г.Акколь
    assert not town("110000000")  # a region
    assert not town("103230100")  # с.Карааул
    assert not town("113220000")  # Аккольская г.а. (the town's administration, an okrug)
    assert not town("103200000")  # a district


def test_towns(p: Places) -> None:
    towns = p.towns()
    assert towns[0].kato == "750000000"  # Almaty, the largest
    populations = [t.population for t in towns]
    known = [n for n in populations if n is not None]
    assert known == sorted(known, reverse=True)
    assert populations.index(None) == len(known)  # unknown last
    codes = [t.kato for t in towns]
    assert "101000000" in codes
    assert "101010000" not in codes
    assert len(codes) == len(set(codes))
    assert all(t.is_town for t in towns)
    almaty_region = p.towns("190000000")
    assert {t.kato for t in almaty_region} >= {"191000000", "194020100"}  # Konaev, Esik
    assert all(t.region == "190000000" for t in almaty_region)


def test_settlements(p: Places) -> None:
    settlements = p.settlements("103200000")
    assert settlements
    assert all(s.level == "settlement" for s in settlements)
    assert all(s.district == "103200000" for s in settlements)
    assert "103230100" in {s.kato for s in settlements}


# -- resolving names ---------------------------------------------------------------------------


def code(place: Place | None) -> str | None:
    return None if place is None else place.kato


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Семей", "101000000"),
        ("г.Семей", "101000000"),
        ("г. Семей", "101000000"),
        ("Семей қ.", "101000000"),
        ("Семей қаласы", "101000000"),
        ("Карааул", "103230100"),
        ("с.Карааул", "103230100"),
        ("Қараауыл ауылы", "103230100"),
        ("Карааульский с.о.", "103230000"),
        ("Абайский район", "103200000"),
        ("Аксуатский р-н", "103400000"),
        ("Ақсуат ауданы", "103400000"),
        ("район Аксуат", "103400000"),
        ("Карагандинская область", "350000000"),
        ("Карагандинская обл.", "350000000"),
        ("Қарағанды облысы", "350000000"),
        ("Караганда", "351000000"),
        ("г.Астана", "710000000"),
        ("Астана", "710000000"),
        ("Астана қ.", "710000000"),
        ("Алматы", "750000000"),
        ("Алматинская", "190000000"),
        ("Алматы облысы", "190000000"),
        ("Шымкент", "790000000"),
        ("Бостандыкский район", "751410000"),
    ],
)
def test_resolve_with_and_without_prefixes(p: Places, name: str, expected: str) -> None:
    assert code(p.resolve(name)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Нур-Султан", "710000000"),
        ("Нұр-Сұлтан", "710000000"),
        ("Целиноград", "710000000"),
        ("Акмолинск", "710000000"),
        ("Акмола", "710000000"),
        ("Алма-Ата", "750000000"),
        ("Чимкент", "790000000"),
        ("Шевченко", "471000000"),
        ("Семипалатинск", "101000000"),
        ("Джамбул", "311000000"),
        ("Аулие-Ата", "311000000"),
        ("Усть-Каменогорск", "631000000"),
        ("Өскемен", "631000000"),
        ("Петропавловск", "591000000"),
        ("Петропавл", "591000000"),
        ("Уральск", "271000000"),
        ("Орал", "271000000"),
        ("Капшагай", "191000000"),
        ("Қонаев", "191000000"),
        ("Талды-Курган", "331000000"),
        ("Кзыл-Орда", "431000000"),
        ("Актюбинск", "151000000"),
        ("Кустанай", "391000000"),
        ("Караганды", "351000000"),
        ("Экибастуз", "552200000"),
        ("Жезказган", "621000000"),
        ("Джезказган", "621000000"),
        ("Щучинск", "117020100"),
        ("Туркестан", "611000000"),
        ("Туркистан", "611000000"),
        ("Зыряновск", "634820100"),
        ("Astana", "710000000"),
        ("Almaty", "750000000"),
        ("Shymkent", "790000000"),
        ("Aktau", "471000000"),
        ("Kokshetau", "111000000"),
        ("Акмолинская", "110000000"),
        ("Ақмола облысы", "110000000"),
        ("Мангистауская обл.", "470000000"),
        ("Маңғыстау", "470000000"),
        ("ВКО", "630000000"),
        ("СКО", "590000000"),
        ("ЗКО", "270000000"),
        ("ЮКО", "610000000"),
        ("Южно-Казахстанская область", "610000000"),
        ("область Абай", "100000000"),
        ("Жетісу облысы", "330000000"),
        ("Ұлытау облысы", "620000000"),
    ],
)
def test_resolve_old_names_and_aliases(p: Places, name: str, expected: str) -> None:
    assert code(p.resolve(name)) == expected


def test_old_name_gives_the_same_code_as_the_current_one(p: Places) -> None:
    atyrau = p.resolve("г.Атырау")
    assert atyrau is not None
    assert atyrau.region == "230000000"
    assert atyrau.is_town
    assert p.resolve("Гурьев") == atyrau
    assert p.resolve("Атырау облысы") == p.get("230000000")


def test_resolve_is_case_and_yo_insensitive(p: Places) -> None:
    assert code(p.resolve("АЛМАТЫ")) == code(p.resolve("алматы")) == "750000000"
    assert code(p.resolve("  г.  СЕМЕЙ ")) == "101000000"
    assert p.resolve("Фёдоровка") == p.resolve("Федоровка") is not None
    east = "630000000"  # KATO spells it Берёзовский
    assert code(p.resolve("Березовский с.о.", within=east)) == "634047000"
    assert code(p.resolve("БЕРЁЗОВСКИЙ с.о.", within=east)) == "634047000"
    assert code(p.resolve("Усть Каменогорск")) == "631000000"


def test_resolve_within(p: Places) -> None:
    # "с.Жамбыл" is in dozens of districts: any answer nationally, the right one inside one.
    villages = [
        pl for pl in (p.get(c) for c in _codes()) if pl is not None and pl.name_ru == "с.Жамбыл"
    ]
    assert len(villages) > 20
    assert p.resolve("с.Жамбыл") in villages
    assert code(p.resolve("с.Жамбыл", within="194200000")) == "194247100"
    assert code(p.resolve("Жамбыл", within="194200000")) == "194247100"
    other = p.resolve("с.Жамбыл", within="113600000")
    assert other is not None
    assert other.kato.startswith("1136")
    assert other.kato != "194247100"
    # within a region; the scope itself is not a descendant of itself
    assert code(p.resolve("Семей", within="100000000")) == "101000000"
    assert p.resolve("Семей", within="630000000") is None
    assert p.resolve("Абайская область", within="100000000") is None
    assert p.resolve("Семей", within="999999999") is None


def test_resolve_unknown(p: Places) -> None:
    assert p.resolve("Хогвартс") is None
    assert p.resolve("") is None
    assert p.resolve("   ") is None
    assert p.resolve("г.") is None


def test_resolve_prefers_higher_level_then_town(p: Places) -> None:
    # Алматы: the city (town, region level) over Almaty region's Kazakh name "Алматы облысы".
    assert code(p.resolve("Алматы")) == "750000000"
    # A type word narrows: "г.Атырау" the city, "Атырау облысы" the region.
    assert p.resolve("г.Атырау") != p.resolve("Атырау облысы")


def test_resolve_location(p: Places) -> None:
    loc = p.resolve_location
    assert code(loc(region="Восточно-Казахстанская область", locality="г.Усть-Каменогорск")) == (
        "631000000"
    )
    # An old document: Semey was in East Kazakhstan until 2022.
    assert code(loc(region="ВКО", locality="Семей")) == "101000000"
    assert code(loc(region="Абай облысы", locality="Семей")) == "101000000"
    assert code(loc(region="Алматинская обл.", locality="Талдыкорган")) == "331000000"
    assert code(loc(region="Алматинская область", locality="Илийский район")) == "196800000"
    assert code(loc(region="Алматинская", locality="с.Жамбыл")) == "194247100"
    assert code(loc(region="г.Алматы", locality="Бостандыкский район")) == "751410000"
    assert code(loc(region="г.Алматы", locality="Алматы")) == "750000000"
    assert code(loc(region="ЮКО", locality="Шымкент")) == "790000000"
    # region only / locality only
    assert code(loc(region="Акмолинская", locality=None)) == "110000000"
    assert code(loc(region="Алматы", locality=None)) == "750000000"
    assert code(loc(region=None, locality="Гурьев")) == "231000000"
    # a locality is a locality: the city of Turkistan, not the region of the same Kazakh name
    assert code(loc(region=None, locality="Түркістан")) == "611000000"
    assert code(p.resolve("Түркістан")) == "610000000"
    # a list of names
    assert code(loc(region=None, locality="Алматинская обл., Илийский р-н, с.Отеген батыра")) == (
        "196830100"
    )
    # unknown or inconsistent
    assert loc(region=None, locality=None) is None
    assert loc(region="", locality="  ") is None
    assert loc(region="Марсианская область", locality="Семей") is None
    assert loc(region="Атырауская область", locality="Хогвартс") is None
    assert loc(region="Мангистауская область", locality="Щучинск") is None


def test_kato_code_strings(p: Places) -> None:
    assert "710000000" in p
    assert "000000000" not in p
    assert 710000000 not in p
    assert p.get("123") is None
    assert code(p.resolve("710000000")) == "710000000"


def test_places_is_loaded_once() -> None:
    assert places() is places()


def test_attribution_ships_with_the_data() -> None:
    data = resources.files("catalogs.reference").joinpath("data")
    attribution = data.joinpath("ATTRIBUTION-places.md").read_text("utf-8")
    assert "Countries States Cities Database" in attribution
    assert "ODbL" in attribution
    assert "Serzhan Akhmetov" in attribution
    assert "district_centres.csv" in attribution
    assert "Open Database License" in data.joinpath("LICENSE.ODbL").read_text("utf-8")
    assert "MIT" in data.joinpath("LICENSE.kato-MIT").read_text("utf-8")
    aliases = data.joinpath("place_aliases.csv").read_text("utf-8").splitlines()
    assert aliases[0] == "kato,lang,alias"
    header = data.joinpath("places.csv").read_text("utf-8").splitlines()[0]
    assert header == (
        "kato,level,parent,region,district,name_ru,name_kk,lat,lon,coord_source,population"
    )
