"""Distances for a person with no home (issue 15, finding 7): jobs and courses are measured
from the adaptation centre the person will sleep at, or from the town of the profile, and the
reasons say from where; a person with a home keeps «from home»."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from matcher.engine import Engine
from matcher.features.geo import haversine_km
from matcher.features.origin import short_name
from matcher.profile import Course, Person, Shelter, Vacancy
from matcher.text import OccupationMatcher

TODAY = date(2026, 11, 25)
HOME = (43.65, 51.17)
DEGREE_KM = 80.5  # one degree of longitude at this latitude, roughly


def east(km: float) -> float:
    return HOME[1] + km / DEGREE_KM


def job(vacancy_id: str, lon: float) -> Vacancy:
    return Vacancy(
        vacancy_id=vacancy_id, employer_bin="123456789012", title="Грузчик", kato="471010000",
        lat=HOME[0], lon=lon, occupation_code="9333",
    )  # fmt: skip


CENTRE = Shelter(
    shelter_id="S1", name="Центр временной адаптации «Шапағат» для лиц, освободившихся из мест "
    "лишения свободы", kato="471010000", lat=HOME[0], lon=east(20), capacity=10,
)  # fmt: skip
FAR_CENTRE = replace(CENTRE, shelter_id="S2", name="Центр г. Жанаозен", lon=east(140))
WOMEN_ONLY = replace(CENTRE, shelter_id="S3", accepts="women")
COURSE = Course(
    course_id="C1", programme="enbek", title="Курс", kato="471010000", lat=HOME[0], lon=east(30),
    starts_on=date(2026, 12, 10),
)  # fmt: skip
NEAR_CENTRE = job("V1", east(35))  # 35 km from home, 15 km from the centre
WEST = job("V2", east(-15))  # 15 km from home, 35 km from the centre


def engine(*shelters: Shelter) -> Engine:
    return Engine.build(
        vacancies=[NEAR_CENTRE, WEST], courses=[COURSE], shelters=list(shelters), today=TODAY,
        matcher=OccupationMatcher(()),
    )  # fmt: skip


def person(**changes: object) -> Person:
    fields: dict[str, object] = {
        "person_id": "T1", "kato": "471010000", "lat": HOME[0], "lon": HOME[1],
        "status": "released", "release_date": date(2026, 11, 1), "birth_year": 1990, "sex": "m",
        "need_housing": True, "max_commute_km": 30.0, "languages": ("ru",),
    }  # fmt: skip
    fields.update(changes)
    return Person(**fields)  # type: ignore[arg-type]


def distance_reason(items: list, item_id: str) -> dict[str, str]:  # type: ignore[type-arg]
    item = next(i for i in items if i.id == item_id)
    found = [
        r
        for r in item.reasons
        if ("km" in r.params and r.code != "shelter_near_job") or r.code.startswith("same_place")
    ]
    assert len(found) == 1, item.reasons
    return {"code": found[0].code, **{lang: found[0].text(lang) for lang in ("ru", "kk", "en")}}


def test_jobs_of_a_person_without_a_home_are_measured_from_the_centre() -> None:
    items = engine(CENTRE).recommend(person(), "vacancy", limit=10)
    assert [i.id for i in items] == ["V1"]  # V2 is 35 km from the centre, beyond the commute
    said = distance_reason(items, "V1")
    assert said["code"] == "near_centre"
    assert said["ru"] == "15 км от центра адаптации «Шапағат»"
    assert said["kk"] == "«Шапағат» бейімдеу орталығынан 15 км"
    assert said["en"] == "15 km from the adaptation centre «Шапағат»"


def test_courses_of_a_person_without_a_home_are_measured_from_the_centre() -> None:
    items = engine(CENTRE).recommend(person(), "course", limit=10)
    said = distance_reason(items, "C1")
    assert said["code"] == "course_near_centre"
    assert said["ru"] == "Занятия в 10 км от центра адаптации «Шапағат»"


def test_a_person_with_a_home_is_measured_from_home() -> None:
    items = engine(CENTRE).recommend(person(need_housing=False), "vacancy", limit=10)
    assert [i.id for i in items] == ["V2"]  # V1 is 35 km from home
    said = distance_reason(items, "V2")
    assert said["code"] == "near_home"
    assert said["ru"] == "15 км от дома"


def test_without_a_centre_near_the_town_distances_start_at_the_town() -> None:
    for shelters in ([], [FAR_CENTRE], [WOMEN_ONLY]):  # none, beyond the commute, not for him
        items = engine(*shelters).recommend(person(), "vacancy", limit=10)
        assert [i.id for i in items] == ["V2"]
        said = distance_reason(items, "V2")
        assert said["code"] == "near_town"
        assert said["ru"] == "15 км от населённого пункта, указанного в анкете"
        assert said["kk"] == "Анкетада көрсетілген елді мекеннен 15 км"
        assert said["en"] == "15 km from the town or village given in the profile"


def test_the_shelter_list_of_a_person_without_a_home_is_measured_from_the_town() -> None:
    items = engine(CENTRE).recommend(person(), "shelter", limit=5)
    said = distance_reason(items, "S1")
    assert said["code"] == "shelter_near_town"
    assert said["ru"] == "20 км от населённого пункта, указанного в анкете"
    housed = engine(CENTRE).recommend(person(need_housing=False), "shelter", limit=5)
    assert distance_reason(housed, "S1")["code"] == "shelter_near_home"


def test_why_says_a_job_is_too_far_from_the_centre() -> None:
    why = engine(CENTRE).why(person(), "vacancy", "V2")
    assert [v.code for v in why.verdicts] == ["too_far_from_centre"]
    assert why.verdicts[0].params["centre"] == "«Шапағат»"
    assert why.verdicts[0].params["km"] == round(
        haversine_km(CENTRE.lat, CENTRE.lon, WEST.lat, WEST.lon)
    )


def test_a_centre_is_named_by_its_own_name_when_it_has_one() -> None:
    assert short_name(CENTRE.name) == "«Шапағат»"
    assert short_name("Центр г. Жанаозен") == "«Центр г. Жанаозен»"
