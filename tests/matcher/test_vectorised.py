"""The rules and features of the vacancy list computed over columns give the same answers as
the per-pair functions they replace on the request path (``eligibility.verdicts``,
``features.pairs.vacancy_pair``), on random persons and vacancies; the congestion tie key is
the same with a shared generator."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from catalogs.enums import EDUCATION_LEVELS, OFFENCE_CATEGORIES
from matcher.congestion import Congestion
from matcher.eligibility import eligible, vacancy_mask
from matcher.engine import Engine
from matcher.engine.ordering import quota_leads, trade_leads
from matcher.features.geo import haversine_km
from matcher.features.pairs import PersonView, vacancy_features, vacancy_pair
from matcher.index import CourseIndex, ShelterIndex, VacancyIndex, offence_bit
from matcher.profile import Person, Shelter, Vacancy
from matcher.text import occupation_matcher

TODAY = date(2026, 11, 25)
CODES = ("7212", "7213", "7231", "7111", "9313", "5230", "8322", "2512")
SKILLS = ("сварка", "резка металла", "чтение чертежей", "кладка", "вождение", "касса")


def random_vacancy(rng: random.Random, n: int) -> Vacancy:
    quota = rng.random() < 0.5
    return Vacancy(
        vacancy_id=f"V{n:05d}",
        employer_bin=f"{rng.randrange(10**11, 10**12)}",
        title="Сварщик",
        kato=rng.choice(("471010000", "751110000", "711110000")),
        lat=43.0 + rng.uniform(-2, 2),
        lon=51.0 + rng.uniform(-3, 3),
        occupation_code=rng.choice((*CODES, None)),
        skills=tuple(rng.sample(SKILLS, rng.randrange(0, 4))),
        education_min=rng.choice(EDUCATION_LEVELS),
        experience_min_years=rng.choice((0.0, 0.0, 1.0, 3.0, 5.5)),
        salary_kzt=rng.choice((None, 0, 90_000, 150_000, 250_000, 400_000)),
        is_quota=quota,
        quota_slots=rng.randrange(0, 4) if quota else 0,
        quota_from=TODAY - timedelta(rng.randrange(-30, 250)) if rng.random() < 0.9 else None,
        excluded_offences=tuple(rng.sample(OFFENCE_CATEGORIES, rng.randrange(0, 3))),
        provides_housing=rng.random() < 0.3,
        status=rng.choice(("open", "open", "open", "closed")),
    )


def random_person(rng: random.Random, n: int) -> Person:
    status = rng.choice(("released", "in_custody", "probation"))
    return Person(
        person_id=f"T{n:04d}",
        kato="471010000",
        lat=43.0 + rng.uniform(-2, 2),
        lon=51.0 + rng.uniform(-3, 3),
        status=status,
        release_date=TODAY + timedelta(rng.randrange(-400, 400)) if rng.random() < 0.9 else None,
        birth_year=rng.randrange(1960, 2006),
        sex=rng.choice(("m", "f")),
        education=rng.choice((*EDUCATION_LEVELS, None)),
        skills=tuple(rng.sample(SKILLS, rng.randrange(0, 4))),
        experience_years=rng.choice((0.0, 0.5, 2.0, 6.0)),
        need_housing=rng.random() < 0.5,
        need_addiction_treatment=rng.random() < 0.2,
        offence_category=rng.choice((*OFFENCE_CATEGORIES, None)),
        relocation_ok=rng.random() < 0.3,
        max_commute_km=rng.choice((5.0, 20.0, 40.0, 150.0)),
    )


def random_codes(rng: random.Random) -> dict[str, float]:
    return {
        code: rng.choice((1.0, 0.97, 0.6, 0.51)) for code in rng.sample(CODES, rng.randrange(3))
    }


@pytest.fixture(scope="module")
def catalog() -> tuple[VacancyIndex, ShelterIndex]:
    rng = random.Random(11)
    vacancies = [random_vacancy(rng, n) for n in range(600)]
    shelters = [
        Shelter(
            shelter_id=f"S{n:03d}",
            name="Центр",
            kato="471010000",
            lat=43.0 + rng.uniform(-2, 2),
            lon=51.0 + rng.uniform(-3, 3),
            capacity=4,
            occupied=rng.randrange(0, 5),
            accepts=rng.choice(("all", "men", "women")),
            admits_substance_use=rng.random() < 0.5,
        )
        for n in range(40)
    ]
    return (
        VacancyIndex(vacancies, matcher=occupation_matcher(), today=TODAY),
        ShelterIndex(shelters),
    )


def test_vacancy_rules_over_columns_agree_with_each_rule(
    catalog: tuple[VacancyIndex, ShelterIndex],
) -> None:
    index, _ = catalog
    rng = random.Random(5)
    positions = np.arange(len(index))
    for n in range(150):
        person = random_person(rng, n)
        km = np.array([haversine_km(person.lat, person.lon, v.lat, v.lon) for v in index.items])
        day = TODAY + timedelta(rng.randrange(-60, 200)) if n % 2 else TODAY
        mask = vacancy_mask(
            person,
            index.rules(positions),
            offence_bit=offence_bit(person.offence_category),
            km=km,
            today=day,
        )
        expected = [eligible(person, v, day) for v in index.items]
        assert mask.tolist() == expected
    assert 0 < sum(expected) < len(expected)  # both answers occur


def test_vacancy_features_over_columns_equal_the_pair_features(
    catalog: tuple[VacancyIndex, ShelterIndex],
) -> None:
    index, shelters = catalog
    rng = random.Random(6)
    positions = np.arange(len(index))
    for n in range(150):
        person = random_person(rng, n)
        view = PersonView.of(person, random_codes(rng), {}, TODAY)
        km = np.array([haversine_km(person.lat, person.lon, v.lat, v.lon) for v in index.items])
        near = shelters.nearest_admitting(person, TODAY)
        columns = vacancy_features(view, index.features(positions), km=km, shelter_near=near)
        for i, vacancy in enumerate(index.items):
            pair = vacancy_pair(
                view,
                index.view(i),
                km=float(km[i]),
                regional_median=index.median_salary.get(vacancy.kato[:2]),
                shelter_near=near,
            )
            assert {name: float(column[i]) for name, column in columns.items()} == pair.values


def test_shortlists_over_columns_equal_the_pair_by_pair_ranking(
    catalog: tuple[VacancyIndex, ShelterIndex],
) -> None:
    """The engine's list is the one the per-pair rules, features and ranker give: same items,
    same order, same scores (to the last bit but for the distance's own rounding)."""
    index, shelters = catalog
    engine = Engine(
        vacancies=index,
        courses=CourseIndex([]),
        shelters=shelters,
        today=TODAY,
        matcher=occupation_matcher(),
    )
    ranker = engine.rankers["vacancy"]
    rng = random.Random(8)
    for n in range(60):
        person = random_person(rng, n)
        view = PersonView.of(person, random_codes(rng), {}, TODAY)
        positions = np.arange(len(index))
        got = engine._scored(view, "vacancy", positions, 15)
        rows = []
        for i, vacancy in enumerate(index.items):
            if not eligible(person, vacancy, TODAY):
                continue
            pair = vacancy_pair(
                view,
                index.view(i),
                regional_median=index.median_salary.get(vacancy.kato[:2]),
                shelter_near=shelters.nearest_admitting(person, TODAY),
            )
            score = float(
                ranker.predict_proba(np.array([pair.vector(engine.names("vacancy"))]))[0, 1]
            )
            rows.append((-score, vacancy.vacancy_id, pair, bool(index.quota_open[i])))
        # the person's own trade first, its quota jobs close to the best of it before the
        # others, as the engine orders a list (``ordering.trade_leads``, ``quota_leads``)
        scores = np.array([-row[0] for row in rows])
        trade = trade_leads(scores, np.array([row[2].values["occupation"] for row in rows]))
        first = quota_leads(scores, trade, np.array([row[3] for row in rows], dtype=bool))
        leads, quota = trade.tolist(), first.tolist()
        order = sorted(
            range(len(rows)), key=lambda r: (not quota[r], not leads[r], rows[r][0], rows[r][1])
        )
        rows = [rows[r] for r in order]
        assert [engine._id("vacancy", item) for item, _, _ in got] == [row[1] for row in rows[:15]]
        assert [score for _, _, score in got] == pytest.approx(
            [-row[0] for row in rows[:15]], abs=1e-12
        )
        for (_, pair, _), row in zip(got, rows, strict=False):
            assert pair.values == pytest.approx(row[2].values, abs=1e-12)


def test_tie_key_is_the_same_with_a_shared_generator() -> None:
    congestion = Congestion({("vacancy", "V1"): 3}, seed=4)
    shared = random.Random()
    for n in range(200):
        item, score = f"V{n}", 0.1 + n / 250
        alone = congestion.tie_key("P1", TODAY, item, score)
        assert congestion.tie_key("P1", TODAY, item, score, rng=shared) == alone


def test_a_shorter_list_is_the_start_of_a_longer_one(
    catalog: tuple[VacancyIndex, ShelterIndex],
) -> None:
    """What lets a list ask for a few more items than it shows and ask again for more only
    when those are not enough (``service.usecases.shortlists``): with congestion ties too."""
    index, shelters = catalog
    rng = random.Random(9)
    referrals = {("vacancy", v.vacancy_id): rng.randrange(0, 6) for v in index.items}
    for congestion in (None, Congestion(referrals, seed=2)):
        engine = Engine(
            vacancies=index,
            courses=CourseIndex([]),
            shelters=shelters,
            today=TODAY,
            matcher=occupation_matcher(),
            congestion=congestion,
        )
        for n in range(40):
            person = random_person(rng, n)
            longest = engine.recommend(person, "vacancy", limit=40)
            for limit in (1, 5, 14):
                assert engine.recommend(person, "vacancy", limit=limit) == longest[:limit]
