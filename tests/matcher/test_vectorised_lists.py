"""The course and shelter lists computed over columns give the same answers as the per-pair
rules and features (``eligibility.verdicts``, ``features.pairs.course_pair`` and
``shelter_pair``), on random persons and items; a list's order, with congestion counted, is the
one a full sort of every row gives."""

from __future__ import annotations

import heapq
import random
from datetime import date, timedelta

import numpy as np
import pytest

from catalogs.enums import EDUCATION_LEVELS
from matcher.congestion import Congestion
from matcher.eligibility import admits, course_mask, eligible, shelter_admits, shelter_mask
from matcher.engine.ordering import Crowding, ranked
from matcher.features.columns import course_features, course_relevance, shelter_features
from matcher.features.geo import haversine_km
from matcher.features.pairs import NEEDS_SERVED_BY, PersonView, course_pair, shelter_pair
from matcher.index import CourseIndex, ShelterIndex
from matcher.profile import Course, Person, Shelter

TODAY = date(2026, 11, 25)
CODES = ("7212", "7213", "7231", "7111", "9313", "5230")
PLACES = ("ЛА-155/14", "КА-168/1", "АП-162/7")
SERVICES = ("meals", "psychologist", "legal", "employment", "medical", "addiction", "documents")


def random_course(rng: random.Random, n: int) -> Course:
    custody = rng.random() < 0.3
    placed = rng.random() < 0.7
    held = f"учебная группа в учреждении {rng.choice(PLACES)}"
    return Course(
        course_id=f"C{n:04d}",
        programme=rng.choice(("enbek", "mooc", "college")),
        title="Курс",
        provider=held if custody and rng.random() < 0.7 else "Колледж",
        occupation_codes=tuple(rng.sample(CODES, rng.randrange(0, 3))),
        format=rng.choice(("offline", "offline", "online", "blended")),
        languages=tuple(rng.sample(("kk", "ru", "en"), rng.randrange(0, 3))),
        kato="471010000",
        lat=43.0 + rng.uniform(-2, 2) if placed else None,
        lon=51.0 + rng.uniform(-3, 3) if placed else None,
        education_min=rng.choice(EDUCATION_LEVELS),
        seats=rng.choice((None, 0, 1, 3, 12)),
        starts_on=TODAY + timedelta(rng.randrange(-60, 400)) if rng.random() < 0.8 else None,
        cost_kzt=rng.choice((0, 0, 50_000)),
        available_in_custody=custody,
    )


def random_shelter(rng: random.Random, n: int) -> Shelter:
    return Shelter(
        shelter_id=f"S{n:03d}",
        name="Центр",
        kato=rng.choice(("471010000", "751110000")),
        lat=43.0 + rng.uniform(-4, 4),
        lon=51.0 + rng.uniform(-6, 6),
        capacity=rng.randrange(0, 30),
        occupied=rng.randrange(0, 10),
        max_stay_days=rng.choice((30, 90, 180)),
        accepts=rng.choice(("all", "men", "women")),
        min_age=rng.choice((18, 18, 21, 25)),
        services=tuple(rng.sample(SERVICES, rng.randrange(0, 5))),
        admits_substance_use=rng.random() < 0.5,
    )


def random_person(rng: random.Random, n: int) -> Person:
    needs = {need: rng.random() < 0.3 for need in NEEDS_SERVED_BY}
    return Person(
        person_id=f"T{n:04d}",
        kato=rng.choice(("471010000", "751110000")),
        lat=43.0 + rng.uniform(-2, 2),
        lon=51.0 + rng.uniform(-3, 3),
        status=rng.choice(("released", "in_custody", "probation")),
        release_date=TODAY + timedelta(rng.randrange(-400, 400)) if rng.random() < 0.9 else None,
        institution=rng.choice((*PLACES, "ЕЦ-166/23", None)),
        birth_year=rng.randrange(1960, 2008),
        sex=rng.choice(("m", "f", None)),
        education=rng.choice((*EDUCATION_LEVELS, None)),
        languages=tuple(rng.sample(("kk", "ru", "uz"), rng.randrange(0, 3))),
        relocation_ok=rng.random() < 0.3,
        max_commute_km=rng.choice((5.0, 20.0, 40.0, 150.0)),
        **needs,  # type: ignore[arg-type]
    )


def random_codes(rng: random.Random) -> dict[str, float]:
    return {code: rng.choice((1.0, 0.97, 0.6)) for code in rng.sample(CODES, rng.randrange(3))}


def course_km(person: Person, course: Course) -> float:
    if course.lat is None or course.lon is None:
        return 0.0
    return haversine_km(person.lat, person.lon, course.lat, course.lon)


@pytest.fixture(scope="module")
def courses() -> CourseIndex:
    rng = random.Random(21)
    return CourseIndex([random_course(rng, n) for n in range(400)])


@pytest.fixture(scope="module")
def shelters() -> ShelterIndex:
    rng = random.Random(22)
    return ShelterIndex([random_shelter(rng, n) for n in range(120)])


def test_course_rules_over_columns_agree_with_each_rule(courses: CourseIndex) -> None:
    rng = random.Random(5)
    positions = np.arange(len(courses))
    seen = set()
    for n in range(200):
        person = random_person(rng, n)
        km = np.array([course_km(person, c) for c in courses.items])
        day = TODAY + timedelta(rng.randrange(-60, 200)) if n % 2 else TODAY
        mask = course_mask(person, courses.rules(positions), km=km, today=day)
        expected = [eligible(person, c, day) for c in courses.items]
        assert mask.tolist() == expected
        seen.update(expected)
    assert seen == {True, False}


def test_course_features_over_columns_equal_the_pair_features(courses: CourseIndex) -> None:
    rng = random.Random(6)
    positions = np.arange(len(courses))
    for n in range(200):
        person = random_person(rng, n)
        view = PersonView.of(person, random_codes(rng), {}, TODAY)
        gap = {code: rng.randrange(1, 15) for code in rng.sample(CODES, rng.randrange(3))}
        km = np.array([course_km(person, c) for c in courses.items])
        relevance = course_relevance(courses.general, courses.by_code, person=view, gap_codes=gap)
        columns = course_features(view, courses.features(positions, relevance), km=km, today=TODAY)
        for i, course in enumerate(courses.items):
            pair = course_pair(view, course, today=TODAY, gap_codes=gap)
            got = {name: float(column[i]) for name, column in columns.items()}
            assert got == pair.values, course


def test_shelter_rules_over_columns_agree_with_each_rule(shelters: ShelterIndex) -> None:
    rng = random.Random(7)
    positions = np.arange(len(shelters))
    for n in range(200):
        person = random_person(rng, n)
        km = np.array([haversine_km(person.lat, person.lon, s.lat, s.lon) for s in shelters.items])
        day = TODAY + timedelta(rng.randrange(-60, 200)) if n % 2 else TODAY
        mask = shelter_mask(person, shelters.rules(positions), km=km, today=day)
        assert mask.tolist() == [eligible(person, s, day) for s in shelters.items]
        taken = shelter_admits(person, shelters.rules(positions), today=day)
        assert taken.tolist() == [admits(person, s, day) for s in shelters.items]


def test_shelter_features_over_columns_equal_the_pair_features(shelters: ShelterIndex) -> None:
    rng = random.Random(8)
    positions = np.arange(len(shelters))
    for n in range(200):
        person = random_person(rng, n)
        view = PersonView.of(person, {}, {}, TODAY)
        km = np.array([haversine_km(person.lat, person.lon, s.lat, s.lon) for s in shelters.items])
        columns = shelter_features(view, shelters.features(positions), km=km)
        for i, shelter in enumerate(shelters.items):
            got = {name: float(column[i]) for name, column in columns.items()}
            assert got == shelter_pair(view, shelter).values


def full_sort(
    ids: list[str],
    scores: list[float],
    limit: int,
    congestion: Congestion | None,
    free: list[int | None],
) -> list[tuple[int, float]]:
    """Every row sorted: the ordering as it was written before only the leading rows were
    sorted (the reference the engine's must equal)."""
    if congestion is None:
        rows = heapq.nsmallest(limit, range(len(ids)), key=lambda k: (-scores[k], ids[k]))
        return [(k, scores[k]) for k in rows]
    discounted = [
        s * congestion.factor("vacancy", i, f) for i, s, f in zip(ids, scores, free, strict=True)
    ]
    shown = [round(s, 3) for s in discounted]
    ranking = sorted(range(len(ids)), key=lambda k: -shown[k])
    start, end = 0, min(limit, len(ranking))
    while start < end:
        stop = start + 1
        while stop < len(ranking) and shown[ranking[stop]] == shown[ranking[start]]:
            stop += 1
        ranking[start:stop] = sorted(
            ranking[start:stop],
            key=lambda k: -congestion.tie_key("P1", TODAY, ids[k], discounted[k]),
        )
        start = stop
    return [(k, discounted[k]) for k in ranking[:limit]]


@pytest.mark.parametrize("counted", [False, True])
def test_only_the_leading_rows_sorted_give_the_full_sort(counted: bool) -> None:
    rng = random.Random(9)
    for n in range(300):
        size = rng.randrange(1, 120)
        ids = [f"V{k:04d}" for k in rng.sample(range(10_000), size)]
        # coarse scores tie often, also once rounded to the three decimals shown
        scores = [rng.choice((0.5, 0.6096, 0.61, 0.6104, 0.6111, 0.69951, 0.7)) for _ in ids]
        free: list[int | None] = [rng.choice((None, 1, 3, 28)) for _ in ids]
        referrals = {("vacancy", i): rng.choice((0, 0, 1, 4, 40)) for i in ids}
        congestion = Congestion(referrals, seed=n) if counted else None
        limit = rng.randrange(1, 30)
        crowding = None
        if congestion is not None:
            counts = np.array([referrals[("vacancy", i)] for i in ids], dtype=np.int64)
            crowding = Crowding(congestion, counts, free.__getitem__)
        got = ranked(
            np.array(scores),
            limit,
            id_of=ids.__getitem__,
            crowding=crowding,
            person_id="P1",
            today=TODAY,
        )
        assert [(k, value) for k, value, _, _ in got] == full_sort(
            ids, scores, limit, congestion, free
        )
