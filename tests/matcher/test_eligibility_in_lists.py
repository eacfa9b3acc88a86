"""The eligibility rules of issue 15 as an officer meets them: through the engine's lists, on a
small world built for each case (the rules themselves: ``test_eligibility_rules.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.engine import Engine
from matcher.index import PersonIndex
from matcher.profile import Course, Person, Shelter, Vacancy
from matcher.text import OccupationMatcher, occupation_matcher

TODAY = date(2026, 11, 25)
ALMATY_REGION = (43.35, 77.02)  # ЛА-155/14, near Konaev
KYZYLORDA = (44.85, 65.51)
AKTAU = (43.65, 51.17)


@pytest.fixture(scope="module")
def reader() -> OccupationMatcher:
    return occupation_matcher()


def _engine(
    reader: OccupationMatcher,
    *,
    vacancies: tuple[Vacancy, ...] = (),
    courses: tuple[Course, ...] = (),
    shelters: tuple[Shelter, ...] = (),
) -> Engine:
    return Engine.build(
        vacancies=vacancies, courses=courses, shelters=shelters, today=TODAY, matcher=reader
    )


def _inmate(**changes: object) -> Person:
    fields: dict[str, object] = {
        "person_id": "T-INSIDE",
        "kato": "191010000",
        "lat": ALMATY_REGION[0],
        "lon": ALMATY_REGION[1],
        "status": "in_custody",
        "release_date": date(2026, 12, 15),
        "institution": "ЛА-155/14",
        "birth_year": 1990,
        "sex": "m",
    }
    fields.update(changes)
    return Person(**fields)  # type: ignore[arg-type]


def _custody_course(
    course_id: str, institution: str, starts_on: date, place: tuple[float, float]
) -> Course:
    return Course(
        course_id=course_id,
        programme="college",
        title="Сварщик ручной дуговой сварки",
        provider=f"Индустриальный колледж (учебная группа в учреждении {institution})",
        format="offline",
        kato="431010000",
        lat=place[0],
        lon=place[1],
        seats=15,
        starts_on=starts_on,
        available_in_custody=True,
    )


def test_custody_courses_are_offered_in_their_own_institution_before_release_only(
    reader: OccupationMatcher,
) -> None:
    """Finding 1: P00540 (ЛА-155/14, released 15.12.2026) was offered courses held in КА-168/1
    and АП-162/7 that start in June 2027."""
    own_before = _custody_course("C-OWN", "ЛА 155/14", date(2026, 11, 30), ALMATY_REGION)
    own_after = _custody_course("C-OWN-LATE", "ЛА-155/14", date(2027, 6, 7), ALMATY_REGION)
    elsewhere = _custody_course("C-KZO", "КА-168/1", date(2026, 11, 30), KYZYLORDA)
    elsewhere_late = _custody_course("C-KZO-LATE", "КА-168/1", date(2027, 6, 7), KYZYLORDA)
    mooc = Course(
        course_id="C-MOOC",
        programme="mooc",
        title="Цифровая грамотность",
        format="online",
        available_in_custody=True,
    )
    engine = _engine(reader, courses=(own_before, own_after, elsewhere, elsewhere_late, mooc))

    inside = {item.id for item in engine.recommend(_inmate(), "course", limit=20)}
    assert inside == {"C-OWN", "C-MOOC"}

    released = _inmate(status="released", release_date=date(2026, 10, 1))
    outside = {item.id for item in engine.recommend(released, "course", limit=20)}
    assert outside == {"C-MOOC"}
    why = engine.why(_inmate(), "course", "C-KZO-LATE")
    assert {v.code for v in why.verdicts} == {
        "custody_course_other_institution",
        "custody_course_after_release",
    }


def _job(**changes: object) -> Vacancy:
    fields: dict[str, object] = {
        "vacancy_id": "V-WASH",
        "employer_bin": "150340000001",
        "title": "Посудомойщица",
        "kato": "471010000",
        "lat": AKTAU[0],
        "lon": AKTAU[1],
        "occupation_code": "9412",
    }
    fields.update(changes)
    return Vacancy(**fields)  # type: ignore[arg-type]


def _centre(shelter_id: str, km_east: float, **changes: object) -> Shelter:
    fields: dict[str, object] = {
        "shelter_id": shelter_id,
        "name": f"Центр адаптации {shelter_id}",
        "kato": "471010000",
        "lat": AKTAU[0],
        "lon": AKTAU[1] + km_east / 80.6,  # about 80.6 km per degree of longitude here
        "capacity": 10,
        "occupied": 1,
    }
    fields.update(changes)
    return Shelter(**fields)  # type: ignore[arg-type]


def test_a_centre_near_a_job_counts_only_when_it_would_take_the_person(
    reader: OccupationMatcher,
) -> None:
    """Finding 2: every job of P00101, a woman, said «Центр адаптации рядом: 9 свободных мест,
    1 км» for S011, a centre for men only."""
    woman = _inmate(
        person_id="T-WOMAN",
        sex="f",
        status="released",
        release_date=date(2026, 10, 1),
        kato="471010000",
        lat=AKTAU[0],
        lon=AKTAU[1],
        professions=("посудомойщица",),
        need_housing=True,
    )
    for_men = _centre("S-MEN", 1.0, accepts="men")
    engine = _engine(reader, vacancies=(_job(),), shelters=(for_men,))

    (item,) = engine.recommend(woman, "vacancy")
    assert "shelter_near_job" not in {reason.code for reason in item.reasons}
    assert engine.why(woman, "vacancy", "V-WASH").features["housing"] == 0.0
    (candidate,) = engine.candidates("V-WASH", PersonIndex([woman], matcher=reader))
    assert "shelter_near_job" not in {reason.code for reason in candidate.reasons}

    for_all = _centre("S-ALL", 12.0, capacity=5, occupied=2)
    engine = _engine(reader, vacancies=(_job(),), shelters=(for_men, for_all))
    (item,) = engine.recommend(woman, "vacancy")
    (near,) = [reason for reason in item.reasons if reason.code == "shelter_near_job"]
    assert near.params == {"beds": 3, "km": 12}


def test_a_quota_vacancy_lists_no_one_who_can_start_only_after_its_window(
    reader: OccupationMatcher,
) -> None:
    """Finding 3: P01379 (released 12.10.2027) was #2 for V002903, whose window ends
    27.01.2027."""
    quota = _job(
        vacancy_id="V-QUOTA",
        title="Электрогазосварщик",
        occupation_code="7212",
        is_quota=True,
        quota_slots=2,
        quota_from=date(2026, 7, 28),
    )
    engine = _engine(reader, vacancies=(quota,))
    assert engine.vacancies.view(0).quota_until == date(2027, 1, 27)
    welder = {
        "kato": "471010000",
        "lat": AKTAU[0],
        "lon": AKTAU[1],
        "professions": ("электрогазосварщик",),
    }
    late = _inmate(person_id="T-LATE", release_date=date(2027, 10, 12), **welder)
    in_time = _inmate(person_id="T-IN-TIME", release_date=date(2027, 1, 10), **welder)
    free = _inmate(person_id="T-FREE", status="released", release_date=date(2026, 9, 1), **welder)
    persons = PersonIndex([late, in_time, free], matcher=reader)

    listed = {item.id for item in engine.candidates("V-QUOTA", persons)}
    assert listed == {"T-IN-TIME", "T-FREE"}
    assert engine.recommend(late, "vacancy") == []
    assert [item.id for item in engine.recommend(in_time, "vacancy")] == ["V-QUOTA"]
    verdicts = engine.why(late, "vacancy", "V-QUOTA").verdicts
    assert [v.code for v in verdicts] == ["starts_after_quota_window"]
