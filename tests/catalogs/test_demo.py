"""The demo generator: deterministic, realistic in its shares, valid against the reference
data and the exchange schemas, and able to stream a million vacancies."""

from __future__ import annotations

import itertools
import re
import statistics
import tracemalloc
import types
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from catalogs.demo import DemoData, DemoSpec, generate
from catalogs.demo.names import patronymic
from catalogs.demo.tables import tables
from catalogs.identifiers import is_valid_12
from catalogs.kinds import schema_for
from catalogs.law import quota_obligation
from catalogs.reference.occupations import occupations
from catalogs.reference.places import Place, places

AS_OF = date(2026, 3, 1)
Row = dict[str, object]


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(DemoSpec(seed=0, as_of=AS_OF))


@pytest.fixture(scope="module")
def vacancies(data: DemoData) -> list[Row]:
    return list(data.vacancies())


@pytest.fixture(scope="module")
def employers(data: DemoData) -> list[Row]:
    return list(data.employer_records())


@pytest.fixture(scope="module")
def courses(data: DemoData) -> list[Row]:
    return list(data.courses())


@pytest.fixture(scope="module")
def shelters(data: DemoData) -> list[Row]:
    return list(data.shelters())


@pytest.fixture(scope="module")
def persons(data: DemoData) -> list[Row]:
    return list(data.persons())


def share(rows: list[Row], predicate: Callable[[Row], bool]) -> float:
    return sum(1 for row in rows if predicate(row)) / len(rows)


def place_of(kato: object) -> Place:
    assert isinstance(kato, str)
    place = places().get(kato)
    assert place is not None, kato
    return place


def region_of(kato: object) -> str:
    return place_of(kato).region


def as_date(value: object) -> date:
    assert isinstance(value, date)
    return value


def as_int(value: object) -> int:
    assert isinstance(value, int)
    return value


def as_list(value: object) -> list[str]:
    assert isinstance(value, list)
    return value


# -- determinism ---------------------------------------------------------------------------


def test_the_same_spec_gives_the_same_rows(
    employers: list[Row],
    vacancies: list[Row],
    courses: list[Row],
    shelters: list[Row],
    persons: list[Row],
) -> None:
    again = generate(DemoSpec(seed=0, as_of=AS_OF))
    assert list(again.employer_records()) == employers
    assert list(again.vacancies()) == vacancies
    assert list(again.courses()) == courses
    assert list(again.shelters()) == shelters
    assert list(again.persons()) == persons


def test_each_stream_restarts_identically(data: DemoData) -> None:
    first = list(itertools.islice(data.vacancies(), 200))
    assert list(itertools.islice(data.vacancies(), 200)) == first


def test_another_seed_gives_other_rows(vacancies: list[Row], persons: list[Row]) -> None:
    other = generate(DemoSpec(seed=1, as_of=AS_OF))
    assert list(itertools.islice(other.vacancies(), 100)) != vacancies[:100]
    assert list(itertools.islice(other.persons(), 100)) != persons[:100]


def test_counts_follow_the_spec() -> None:
    small = generate(DemoSpec(seed=3, as_of=AS_OF, vacancies=50, courses=40, persons=30))
    assert len(list(small.vacancies())) == 50
    assert len(list(small.courses())) == 40
    assert len(list(small.persons())) == 30


# -- every row fits the exchange formats ---------------------------------------------------


@pytest.mark.parametrize("kind", ["employers", "vacancies", "courses", "shelters", "persons"])
def test_rows_pass_the_import_schema(kind: str, request: pytest.FixtureRequest) -> None:
    rows: list[Row] = request.getfixturevalue(kind)
    schema = schema_for(kind, today=AS_OF)
    columns = set(schema.columns)
    for row in rows:
        assert set(row) <= columns, set(row) - columns
        _, problems = schema.parse(row)
        assert problems == [], (row, problems)


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("vacancies", r"V\d{6}"),
        ("courses", r"C\d{4}"),
        ("shelters", r"S\d{3}"),
        ("persons", r"P\d{5}"),
    ],
)
def test_ids_are_stable_and_unique(kind: str, pattern: str, request: pytest.FixtureRequest) -> None:
    rows: list[Row] = request.getfixturevalue(kind)
    ids = [str(row[f"{kind[:-1] if kind != 'vacancies' else 'vacancy'}_id"]) for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(pattern, i) for i in ids)
    assert ids[0].endswith("1")


def test_every_kato_and_occupation_code_exists(
    vacancies: list[Row], courses: list[Row], shelters: list[Row], persons: list[Row]
) -> None:
    known_places, known_codes = places(), occupations()
    for row in [*vacancies, *courses, *shelters, *persons]:
        if row.get("kato") is not None:
            assert row["kato"] in known_places, row
    for row in vacancies:
        if row["occupation_code"] is not None:
            assert row["occupation_code"] in known_codes, row
    for row in courses:
        assert all(code in known_codes for code in as_list(row["occupation_codes"])), row


# -- vacancies -----------------------------------------------------------------------------


def test_vacancies_cover_every_region_weighted_by_population(vacancies: list[Row]) -> None:
    assert len(vacancies) >= 5000
    by_region = Counter(region_of(row["kato"]) for row in vacancies)
    assert set(by_region) == {p.kato for p in places().regions()}
    assert {r for r, _ in by_region.most_common(3)} == {"750000000", "710000000", "790000000"}
    assert by_region["620000000"] < by_region["350000000"]  # Ulytau < Karaganda


def test_some_vacancies_are_in_villages_mostly_farms(vacancies: list[Row]) -> None:
    rural = [row for row in vacancies if not place_of(row["kato"]).is_town]
    assert 0.05 < len(rural) / len(vacancies) < 0.35
    farming = {"01111", "01420", "01450", "01410", "01132"}
    assert share(rural, lambda row: row["employer_oked"] in farming) > 0.4


def test_employers_are_a_pool_with_valid_bins(data: DemoData, vacancies: list[Row]) -> None:
    employers = {row["employer_bin"]: row for row in vacancies}
    assert 1000 <= len(employers) <= 5000
    for number, row in employers.items():
        assert isinstance(number, str)
        assert is_valid_12(number), number
        assert 1 <= int(number[2:4]) <= 12
        assert number[4] in "46"
        assert number[5] in "01"
        name = str(row["employer_name"])
        assert re.match(r"^(ТОО|АО|ИП|КХ|ГКП на ПХВ|КГУ) «.+»", name), name
        entrepreneur = name.startswith(("ИП", "КХ"))
        assert (number[4] == "6") == entrepreneur, name
        assert str(row["employer_oked"]) in tables().oked_names
    assert len({e.bin for e in data.employers}) == len(data.employers)


def test_every_vacancy_employer_has_a_full_record(
    data: DemoData, employers: list[Row], vacancies: list[Row]
) -> None:
    records = {row["employer_bin"]: row for row in employers}
    assert len(records) == len(employers) == len(data.employers)
    for vacancy in vacancies:
        record = records[vacancy["employer_bin"]]
        assert record["name"] == vacancy["employer_name"]
        assert record["oked"] == vacancy["employer_oked"]
        assert record["kato"] == vacancy["kato"]
    for row in employers:
        number = str(row["employer_bin"])
        assert row["email"] == f"hr@{number}.example.kz"  # synthetic, and says so
        assert re.fullmatch(r"\+7 7\d\d \d{3} \d\d \d\d", str(row["phone"]))
        assert row["quota_year"] == AS_OF.year
        assert row["lang"] in ("ru", "kk")
        percent = row["quota_percent"]
        assert isinstance(percent, float)
        assert 1 <= percent <= 4
        assert as_int(row["headcount"]) >= 1
    percents: dict[str, set[object]] = {}
    for row in employers:
        percents.setdefault(region_of(row["kato"]), set()).add(row["quota_percent"])
    assert all(len(found) == 1 for found in percents.values())  # one figure per region
    assert len({p for found in percents.values() for p in found}) >= 3
    assert share(employers, lambda row: row["lang"] == "kk") > 0.15


def test_employer_headcounts_fit_form_and_sector(employers: list[Row]) -> None:
    def median(prefix: str) -> float:
        return statistics.median(
            as_int(row["headcount"]) for row in employers if str(row["name"]).startswith(prefix)
        )

    assert median("ИП") < 10
    assert 15 < median("ТОО") < 120
    assert median("АО") > median("ТОО") * 3
    heads = [as_int(row["headcount"]) for row in employers]
    assert max(heads) <= 20_000
    mining = [as_int(r["headcount"]) for r in employers if r["oked"] in ("05102", "07292")]
    shops = [as_int(r["headcount"]) for r in employers if r["oked"] == "96020"]
    assert statistics.median(mining) > 3 * statistics.median(shops)
    owed = [
        quota_obligation(as_int(r["headcount"]), float(str(r["quota_percent"]))) for r in employers
    ]
    assert all(jobs is not None and jobs >= 1 for jobs in owed)


def test_employers_offer_jobs_of_their_sector(vacancies: list[Row]) -> None:
    def codes_at(oked: str) -> set[object]:
        return {row["occupation_code"] for row in vacancies if row["employer_oked"] == oked}

    assert {"7212", "9313", "7112"} & codes_at("41201")  # builders: welders, labourers...
    assert "8341" in codes_at("01111")  # grain farms: tractor drivers
    assert "7512" in codes_at("10710")  # bakeries: bakers
    assert codes_at("80101") <= {"5414", "8322", None}  # security firms: guards
    assert "8113" not in codes_at("10710")


def test_a_share_of_vacancies_leaves_the_code_to_the_title(vacancies: list[Row]) -> None:
    assert 0.62 < share(vacancies, lambda row: row["occupation_code"] is not None) < 0.78
    titles = [str(row["title"]) for row in vacancies]
    assert any(re.search(r"\d разряда", t) for t in titles)
    assert any("кат." in t for t in titles)
    assert any("вахта" in t for t in titles)
    assert (
        0.03 < share(vacancies, lambda row: bool(re.search("[әғқңөұүһі]", str(row["title"])))) < 0.3
    )


def test_vacancy_texts(vacancies: list[Row]) -> None:
    for row in vacancies:
        skills = as_list(row["skills"])
        assert 2 <= len(skills) <= 5
        assert len(set(skills)) == len(skills)
        description = str(row["description"])
        assert description.endswith(" (синтетические демо-данные)")
        if "без опыта" in description:
            assert row["experience_min_years"] == 0
        if "вахт" in str(row["title"]):
            assert row["employment_type"] == "shift"
        assert description.count(".") <= description.count("г.") + description.count("с.")


def test_salaries_are_plausible_and_follow_the_region(vacancies: list[Row]) -> None:
    salaries = [row for row in vacancies if row["salary_kzt"] is not None]
    assert len(salaries) > 0.9 * len(vacancies)
    assert min(as_int(row["salary_kzt"]) for row in salaries) >= 85_000
    assert max(as_int(row["salary_kzt"]) for row in salaries) < 2_000_000

    def median(region: str, codes: set[str] | None = None) -> float:
        return statistics.median(
            as_int(row["salary_kzt"])
            for row in salaries
            if region_of(row["kato"]) == region
            and (codes is None or row["occupation_code"] in codes)
        )

    assert median("230000000") > median("610000000")  # Atyrau > Turkestan
    assert median("470000000") > median("590000000")  # Mangystau > North Kazakhstan
    by_code: dict[object, list[int]] = {}
    for row in salaries:
        by_code.setdefault(row["occupation_code"], []).append(as_int(row["salary_kzt"]))
    assert statistics.median(by_code["7212"]) > statistics.median(by_code["9333"])


def test_quota_vacancies(vacancies: list[Row]) -> None:
    quota = [row for row in vacancies if row["is_quota"]]
    assert 0.22 < len(quota) / len(vacancies) < 0.32
    for row in quota:
        assert 1 <= as_int(row["quota_slots"]) <= 5
        assert isinstance(row["quota_from"], date)
    for row in vacancies:
        if not row["is_quota"]:
            assert row["quota_slots"] is None
            assert row["quota_from"] is None
    open_window = share(
        quota,
        lambda row: (
            AS_OF - timedelta(days=183) <= as_date(row["quota_from"]) <= AS_OF + timedelta(days=31)
        ),
    )
    assert 0.8 < open_window < 0.97  # mostly open, a few expired
    assert share(quota, lambda row: as_date(row["quota_from"]) > AS_OF) > 0.05


def test_exclusions_housing_and_status(vacancies: list[Row]) -> None:
    guards = [row for row in vacancies if row["occupation_code"] == "5414"]
    assert (
        share(guards, lambda row: {"violent", "drug"} <= set(as_list(row["excluded_offences"])))
        > 0.6
    )
    cashiers = [row for row in vacancies if row["occupation_code"] == "5230"]
    assert share(cashiers, lambda row: "economic" in as_list(row["excluded_offences"])) > 0.4
    assert share(vacancies, lambda row: bool(row["excluded_offences"])) < 0.35
    shift = [row for row in vacancies if row["employment_type"] == "shift"]
    assert share(shift, lambda row: bool(row["provides_housing"])) > 0.3
    assert 0.85 < share(vacancies, lambda row: row["status"] == "open") < 0.95
    assert set(Counter(row["employment_type"] for row in vacancies)) == {
        "full",
        "part",
        "shift",
        "seasonal",
    }


# -- courses -------------------------------------------------------------------------------

FAMILIES = {
    "welding": r"варщик|дәнекерлеуші",
    "driving B": r"категории «B»|«B» санат",
    "driving C": r"категории «C»|«C» санат",
    "driving D": r"категорию «D»|«D» санат",
    "cooking": r"Повар|Аспаз",
    "baking": r"Пекарь|Наубайшы",
    "sewing": r"Швея|Портной|швейного|Тігінші",
    "building": r"Каменщик|Штукатур|Плиточник|Кірпіш|Сылақшы",
    "electrical": r"Электромонт|Электр монтері",
    "plumbing": r"сантехник",
    "hairdressing": r"Парикмахер|Барбер|Шаштараз",
    "tractor": r"Тракторист|тракторшы",
    "computer literacy": r"омпьютер",
    "e-government": r"egov",
    "entrepreneurship": r"Бастау Бизнес",
    "accounting 1C": r"1С",
}


def test_courses_cover_every_family(courses: list[Row]) -> None:
    assert len(courses) >= 300
    titles = [str(row["title"]) for row in courses if row["programme"] != "mooc"]
    for family, pattern in FAMILIES.items():
        assert any(re.search(pattern, t) for t in titles), family
    programmes = Counter(row["programme"] for row in courses)
    assert set(programmes) == {"enbek", "atameken", "college", "mooc", "other"}
    assert programmes["enbek"] > programmes["college"]


def test_classroom_courses(courses: list[Row]) -> None:
    classroom = [row for row in courses if row["programme"] != "mooc"]
    regions = {region_of(row["kato"]) for row in classroom}
    assert len(regions) == 20
    for row in classroom:
        assert row["format"] in ("offline", "blended")
        assert 72 <= as_int(row["hours"]) <= 480
        assert 10 <= as_int(row["seats"]) <= 30
        start = as_date(row["starts_on"])
        assert AS_OF - timedelta(days=31) <= start <= AS_OF + timedelta(days=275)
        assert start.weekday() == 0
    assert share(classroom, lambda row: row["cost_kzt"] == 0) > 0.8
    assert share(classroom, lambda row: "kk" in as_list(row["languages"])) > 0.3
    custody = [row for row in classroom if row["available_in_custody"]]
    assert len(custody) >= 10
    assert all("учреждении" in str(row["provider"]) for row in custody)


def test_moocs(courses: list[Row]) -> None:
    moocs = [row for row in courses if row["programme"] == "mooc"]
    assert len(moocs) >= 30
    for row in moocs:
        assert row["format"] == "online"
        assert row["kato"] is None
        assert row["seats"] is None
        assert str(row["url"]).startswith(("https://", "http://"))
    ours = [row for row in moocs if "skills.enbek.kz" in str(row["url"])]
    assert ours
    assert all("/courses/demo-" in str(row["url"]) for row in ours)
    assert any("egov" in str(row["title"]) for row in ours)
    shared = [row for row in moocs if "skills.enbek.kz" not in str(row["url"])]
    assert any("Python" in str(row["title"]) for row in shared)
    assert any(row["available_in_custody"] for row in moocs)
    assert any(as_list(row["languages"]) == ["kk"] for row in moocs)


# -- shelters ------------------------------------------------------------------------------


def test_a_shelter_in_every_region(shelters: list[Row]) -> None:
    assert 25 <= len(shelters) <= 40
    by_region = Counter(region_of(row["kato"]) for row in shelters)
    assert set(by_region) == {p.kato for p in places().regions()}
    assert by_region["750000000"] >= 2
    for row in shelters:
        assert place_of(row["kato"]).is_town
        assert "освободившихся из мест лишения свободы" in str(row["name"])
        assert 10 <= as_int(row["capacity"]) <= 50
        assert 0 <= as_int(row["occupied"]) <= as_int(row["capacity"])
        assert as_int(row["max_stay_days"]) <= 180
        assert row["min_age"] == 18
        assert "meals" in as_list(row["services"])
        assert re.fullmatch(r"\+7 7\d\d \d{3} \d\d \d\d", str(row["phone"]))
        assert re.search(r"ул\. .+, \d+$", str(row["address"]))
    assert len({row["name"] for row in shelters}) == len(shelters)
    assert share(shelters, lambda row: as_int(row["occupied"]) < as_int(row["capacity"])) > 0.6
    assert share(shelters, lambda row: row["accepts"] in ("men", "all")) > 0.85


# -- persons -------------------------------------------------------------------------------


def test_persons_follow_the_domain_mix(persons: list[Row]) -> None:
    assert len(persons) >= 1000
    assert 0.89 < share(persons, lambda row: row["sex"] == "m") < 0.95
    ages = [AS_OF.year - as_int(row["birth_year"]) for row in persons]
    assert min(ages) >= 18
    assert max(ages) <= 66
    assert sum(1 for a in ages if 25 <= a <= 45) / len(ages) > 0.55
    assert 0.74 < share(persons, lambda row: row["education"] != "higher") < 0.82
    assert 0.12 < share(persons, lambda row: not row["professions"]) < 0.20
    assert 0.15 < share(persons, lambda row: row["family_ties"] in ("none", "tense")) < 0.23
    assert 0.22 < share(persons, lambda row: bool(row["need_housing"])) < 0.33
    assert 0.06 < share(persons, lambda row: bool(row["need_documents"])) < 0.14
    assert 0.3 < share(persons, lambda row: bool(row["need_medical_commission"])) < 0.5
    assert 0.62 < share(persons, lambda row: bool(row["consent_employer_view"])) < 0.78
    offences = [o for o, _ in Counter(row["offence_category"] for row in persons).most_common()]
    assert offences[:2] == ["property", "violent"]


def test_people_without_family_need_housing_more(persons: list[Row]) -> None:
    alone = [row for row in persons if row["family_ties"] != "supportive"]
    supported = [row for row in persons if row["family_ties"] == "supportive"]

    def need(rows: list[Row]) -> float:
        return share(rows, lambda row: bool(row["need_housing"]))

    assert need(alone) > need(supported) + 0.2


def test_civil_claims(persons: list[Row]) -> None:
    claims = [as_int(row["civil_claim_kzt"]) for row in persons if row["civil_claim_kzt"]]
    assert 0.25 < len(claims) / len(persons) < 0.36
    assert min(claims) >= 100_000
    assert max(claims) <= 3_000_000


def test_status_kind_and_release_date_agree(persons: list[Row]) -> None:
    kinds = {
        "in_custody": {"penitentiary"},
        "released": {"post_penitentiary"},
        "probation": {"pretrial", "sentence"},
    }
    for row in persons:
        status = str(row["status"])
        assert row["probation_kind"] in kinds[status]
        if status == "in_custody":
            assert AS_OF < as_date(row["release_date"]) <= AS_OF + timedelta(days=366)
        elif status == "released":
            assert AS_OF - timedelta(days=731) <= as_date(row["release_date"]) <= AS_OF
        else:
            assert row["release_date"] is None
            assert row["institution"] is None
        if status != "probation":
            assert re.fullmatch(r"[А-Я]{2}-\d{3}/\d{1,2}", str(row["institution"]))
    statuses = Counter(row["status"] for row in persons)
    assert all(statuses[s] > 0.15 * len(persons) for s in kinds)
    institutions = {row["institution"] for row in persons}
    assert {"ЕЦ-166/23", "ЕЦ-166/24", "ГМ-172/6", "ГМ-172/8", "ГМ-172/10"} <= institutions


def test_iins_are_valid_and_agree_with_birth_year_and_sex(persons: list[Row]) -> None:
    iins = [str(row["iin"]) for row in persons]
    assert len(set(iins)) == len(iins)
    for row, iin in zip(persons, iins, strict=True):
        assert is_valid_12(iin)
        century_sex = {"3": (1900, "m"), "4": (1900, "f"), "5": (2000, "m"), "6": (2000, "f")}
        century, sex = century_sex[iin[6]]
        assert century + int(iin[:2]) == row["birth_year"]
        assert sex == row["sex"]
        date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))


def test_names_professions_and_places(persons: list[Row]) -> None:
    for row in persons:
        parts = str(row["full_name"]).split()
        assert len(parts) == 3
        middle = parts[2]
        assert middle.endswith(("вна", "ична") if row["sex"] == "f" else ("вич", "ич"))
        assert 1 <= len(as_list(row["languages"])) <= 2
        assert 10 <= as_int(row["max_commute_km"]) <= 100
        assert len(as_list(row["professions"])) <= 2
    by_region = Counter(region_of(row["kato"]) for row in persons)
    assert len(by_region) == 20
    assert by_region["110000000"] > by_region["590000000"]  # Akmola over-sampled (source region)
    professions = [p for row in persons for p in as_list(row["professions"])]
    assert any(re.search("[әғқңөұүһі]", p) for p in professions)  # some written in Kazakh
    assert share(persons, lambda row: bool(row["has_driving_licence"])) > 0.2
    assert any(not place_of(row["kato"]).is_town for row in persons)


def test_patronymics() -> None:
    assert patronymic("Нурлан", female=False) == "Нурланович"
    assert patronymic("Нурлан", female=True) == "Нурлановна"
    assert patronymic("Сергей", female=False) == "Сергеевич"
    assert patronymic("Юрий", female=True) == "Юрьевна"
    assert patronymic("Игорь", female=False) == "Игоревич"
    assert patronymic("Михаил", female=False) == "Михайлович"
    assert patronymic("Серикбай", female=True) == "Серикбаевна"


# -- streaming -----------------------------------------------------------------------------


def test_a_million_vacancies_stream_without_a_list() -> None:
    big = generate(DemoSpec(seed=0, as_of=AS_OF, vacancies=1_000_000))
    stream = big.vacancies()
    assert isinstance(stream, types.GeneratorType)
    rows = list(itertools.islice(stream, 50_000))
    assert len(rows) == 50_000
    assert rows[-1]["vacancy_id"] == "V0050000"


def test_streaming_memory_stays_flat() -> None:
    big = generate(DemoSpec(seed=0, as_of=AS_OF, vacancies=1_000_000))
    stream = big.vacancies()
    next(stream)
    tracemalloc.start()
    try:
        for _ in itertools.islice(stream, 20_000):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
