"""Each eligibility rule of issue 15 on its own, with plain records (the engine's lists:
``test_eligibility_in_lists.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from catalogs.i18n import LANGS, messages
from matcher.eligibility import (
    RULES,
    SHELTER_ADMISSION,
    admits,
    custody_institution,
    earliest_start,
    held_in_own_institution,
    institution_code,
    institution_number,
    shelter_accepts_age,
    starts_before_release,
    starts_within_quota_window,
    within_reach,
)
from matcher.profile import Course, Person, Shelter, Vacancy

TODAY = date(2026, 11, 25)

INSIDE = Person(
    person_id="T-1",
    kato="191010000",
    lat=43.35,
    lon=77.02,
    status="in_custody",
    release_date=date(2026, 12, 15),
    institution="ЛА-155/14",
    birth_year=1990,
    sex="m",
)
RELEASED = replace(INSIDE, status="released", release_date=date(2026, 10, 1))

CUSTODY_COURSE = Course(
    course_id="C-1",
    programme="college",
    title="Сварщик ручной дуговой сварки",
    provider="Колледж г. Кызылорда (учебная группа в учреждении КА-168/1)",
    kato="431010000",
    lat=44.85,
    lon=65.51,
    starts_on=date(2026, 12, 1),
    available_in_custody=True,
)
MOOC = Course(
    course_id="C-2",
    programme="mooc",
    title="Цифровая грамотность",
    provider="Skills Enbek",
    format="online",
    available_in_custody=True,
)


@pytest.mark.parametrize(
    "text",
    [
        "ЛА-155/14",
        "ла-155/14",
        "ЛА 155/14",
        "ЛА–155 / 14",
        "учреждение ЛА155/14, Алматинская область",
        "Колледж (учебная группа в учреждении ЛА-155/14)",
    ],
)
def test_an_institution_is_read_the_same_however_it_is_written(text: str) -> None:
    assert institution_code(text) == "ЛА-155/14"
    assert institution_number(text) == "155/14"


def test_latin_letters_and_transliterations_name_the_same_institution() -> None:
    assert institution_code("EC-166/23") == "ЕС-166/23"  # Latin look-alikes become Cyrillic
    assert institution_number("EC-166/23") == institution_number("ЕЦ-166/23") == "166/23"
    assert institution_number("АП-162/7") != institution_number("АП-162/17")


@pytest.mark.parametrize(
    "text", [None, "", "Skills Enbek", "ул. Абая 12/3", "Колледж г. Уральск", "ЛА-155"]
)
def test_text_without_an_institution_code_names_none(text: str | None) -> None:
    assert institution_code(text) is None


def test_a_course_names_its_institution_only_when_it_is_held_inside() -> None:
    assert custody_institution(CUSTODY_COURSE) == "КА-168/1"
    assert custody_institution(MOOC) is None  # open inside and outside alike
    assert custody_institution(replace(CUSTODY_COURSE, available_in_custody=False)) is None


def test_a_course_held_inside_is_for_its_own_institution_only() -> None:
    there = replace(INSIDE, institution="ка 168/1")
    assert held_in_own_institution(there, CUSTODY_COURSE, TODAY) is None
    verdict = held_in_own_institution(INSIDE, CUSTODY_COURSE, TODAY)
    assert verdict is not None
    assert verdict.code == "custody_course_other_institution"
    assert verdict.params == {"institution": "КА-168/1"}
    unknown = replace(INSIDE, institution=None)
    assert held_in_own_institution(unknown, CUSTODY_COURSE, TODAY) is not None
    outside = held_in_own_institution(replace(there, status="released"), CUSTODY_COURSE, TODAY)
    assert outside is not None
    assert outside.code == "custody_course_inside_only"
    assert held_in_own_institution(RELEASED, MOOC, TODAY) is None


def test_a_course_held_inside_must_start_before_release() -> None:
    assert starts_before_release(INSIDE, CUSTODY_COURSE, TODAY) is None
    late = replace(CUSTODY_COURSE, starts_on=date(2027, 6, 7))
    verdict = starts_before_release(INSIDE, late, TODAY)
    assert verdict is not None
    assert verdict.code == "custody_course_after_release"
    assert verdict.params == {"date": "2026-12-15"}
    assert starts_before_release(INSIDE, replace(late, starts_on=date(2026, 12, 15)), TODAY)
    assert starts_before_release(INSIDE, replace(late, starts_on=None), TODAY) is None
    assert starts_before_release(INSIDE, replace(late, available_in_custody=False), TODAY) is None


def test_distance_is_not_asked_of_a_course_held_inside_but_is_of_any_other() -> None:
    assert within_reach(INSIDE, CUSTODY_COURSE, TODAY) is None
    classroom = replace(CUSTODY_COURSE, provider="Колледж г. Кызылорда")  # names no institution
    verdict = within_reach(INSIDE, classroom, TODAY)
    assert verdict is not None
    assert verdict.code == "too_far"


def test_the_earliest_start_is_the_release_while_inside_and_today_once_out() -> None:
    assert earliest_start(INSIDE, TODAY) == date(2026, 12, 15)
    assert earliest_start(RELEASED, TODAY) == TODAY
    overdue = replace(INSIDE, release_date=date(2026, 11, 1))  # the institution's data lag
    assert earliest_start(overdue, TODAY) == TODAY
    assert earliest_start(replace(INSIDE, release_date=None), TODAY) == TODAY


QUOTA_JOB = Vacancy(
    vacancy_id="V-1",
    employer_bin="150340000001",
    title="Электрогазосварщик",
    kato="191010000",
    lat=43.35,
    lon=77.02,
    is_quota=True,
    quota_slots=2,
    quota_from=date(2026, 7, 28),  # the window's last day: 27.01.2027
)


def test_a_quota_slot_needs_a_start_before_the_window_closes() -> None:
    late = replace(INSIDE, release_date=date(2027, 10, 12))
    verdict = starts_within_quota_window(late, QUOTA_JOB, TODAY)
    assert verdict is not None
    assert verdict.code == "starts_after_quota_window"
    assert verdict.params == {"date": "2027-01-27", "start": "2027-10-12"}
    last_day = replace(INSIDE, release_date=date(2027, 1, 27))
    assert starts_within_quota_window(last_day, QUOTA_JOB, TODAY) is None
    assert starts_within_quota_window(RELEASED, QUOTA_JOB, TODAY) is None
    ordinary = replace(QUOTA_JOB, is_quota=False, quota_slots=0, quota_from=None)
    assert starts_within_quota_window(late, ordinary, TODAY) is None


CENTRE = Shelter(
    shelter_id="S-1", name="Центр", kato="191010000", lat=43.35, lon=77.02, capacity=10
)


def test_a_centre_admits_by_the_rules_of_the_shelter_list() -> None:
    assert RULES["shelter"][: len(SHELTER_ADMISSION)] == SHELTER_ADMISSION
    woman = replace(RELEASED, sex="f")
    assert admits(woman, CENTRE, TODAY)
    assert not admits(woman, replace(CENTRE, accepts="men"), TODAY)
    assert admits(RELEASED, replace(CENTRE, accepts="men"), TODAY)
    assert not admits(RELEASED, replace(CENTRE, occupied=10), TODAY)
    using = replace(RELEASED, need_addiction_treatment=True)
    assert not admits(using, CENTRE, TODAY)
    assert admits(using, replace(CENTRE, admits_substance_use=True), TODAY)


def test_a_centre_admits_by_the_age_on_the_day_the_person_can_come() -> None:
    young = replace(INSIDE, birth_year=2009, release_date=date(2027, 2, 1))
    assert admits(young, CENTRE, TODAY)  # 18 in the year of release
    assert shelter_accepts_age(young, CENTRE, TODAY) is None  # the shelter list agrees
    assert not admits(replace(young, status="released"), CENTRE, TODAY)  # 17 now


@pytest.mark.parametrize(
    "code",
    [
        "custody_course_inside_only",
        "custody_course_other_institution",
        "custody_course_after_release",
        "starts_after_quota_window",
    ],
)
def test_each_new_verdict_reads_in_three_languages_with_local_days(code: str) -> None:
    params = {"institution": "КА-168/1", "date": "2027-01-27", "start": "2027-10-12"}
    texts = {lang: messages("matcher").text(code, lang, **params) for lang in LANGS}
    assert len(set(texts.values())) == 3
    for lang in ("kk", "ru"):
        assert not any("a" <= ch.lower() <= "z" for ch in texts[lang]), texts[lang]
        assert "2027-" not in texts[lang]
