from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogs import law
from matcher.allocate import allocate, capacity, scarce
from matcher.engine import Engine
from matcher.index import ShelterIndex
from matcher.plan import choice
from matcher.profile import Person, Shelter, Vacancy
from tests.matcher.conftest import AS_OF, welder_from_aktau


def mangystau_engine(engine: Engine, beds: tuple[int, int]) -> Engine:
    """The demo catalogs, with two centres in Mangystau holding ``beds`` free beds."""
    centres = [
        Shelter(
            shelter_id="M-AKTAU",
            name="Центр адаптации, Актау",
            kato="471010000",
            lat=43.65,
            lon=51.17,
            capacity=beds[0] + 5,
            occupied=5,
        ),
        Shelter(
            shelter_id="M-ZHANAOZEN",
            name="Центр адаптации, Жанаозен",
            kato="471810000",
            lat=43.34,
            lon=52.86,
            capacity=beds[1],
            occupied=0,
        ),
    ]
    return Engine(
        vacancies=engine.vacancies, courses=engine.courses, shelters=ShelterIndex(centres),
        today=engine.today, matcher=engine.matcher,
    )  # fmt: skip


def cohort(size: int, **changes: object) -> list[Person]:
    return [
        welder_from_aktau(
            person_id=f"M{n:03d}",
            birth_year=1975 + n % 30,
            relocation_ok=False,
            max_commute_km=300.0,
            **changes,
        )
        for n in range(size)
    ]


def test_thirty_people_twenty_beds(engine: Engine) -> None:
    local = mangystau_engine(engine, (12, 8))
    allocation = allocate(local, cohort(30), kinds=("shelter",))
    beds = [a for a in allocation.assignments if a.kind == "shelter"]
    assert len(beds) == 30
    given_beds = [a for a in beds if a.item_id is not None]
    assert len(given_beds) == 20
    assert Counter(a.item_id for a in given_beds) == {"M-AKTAU": 12, "M-ZHANAOZEN": 8}
    for entry in beds:
        if entry.item_id is None:
            assert entry.reasons[0].code == "allocation_capacity_taken"
            assert entry.alternatives
            assert entry.alternatives[0].item_id == "housing_search"
            assert entry.reasons[0].text("kk")
    summary = allocation.summary["kinds"]["shelter"]  # type: ignore[index]
    assert summary["capacity_violations"] == 0
    assert summary["assigned"] == 20


def test_allocation_beats_independent_top_choices(engine: Engine) -> None:
    local = mangystau_engine(engine, (3, 2))
    people = cohort(12)
    allocation = allocate(local, people, kinds=("shelter", "vacancy"))
    for kind in ("shelter", "vacancy"):
        summary = allocation.summary["kinds"][kind]  # type: ignore[index]
        assert summary["expected_total"] >= summary["greedy_expected_total"] - 1e-9


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    size=st.integers(min_value=1, max_value=25),
    beds=st.tuples(st.integers(0, 6), st.integers(0, 6)),
    housing=st.lists(st.booleans(), min_size=25, max_size=25),
    days=st.integers(0, 200),
)
def test_no_capacity_is_ever_exceeded(
    engine: Engine, size: int, beds: tuple[int, int], housing: list[bool], days: int
) -> None:
    local = mangystau_engine(engine, beds)
    people = [
        replace(
            p,
            need_housing=housing[i],
            status="in_custody",
            release_date=AS_OF + timedelta(days + 1),
        )
        for i, p in enumerate(cohort(size))
    ]
    allocation = allocate(scarce(local), people)
    taken: Counter[tuple[str, str]] = Counter(
        (a.kind, a.item_id) for a in allocation.assignments if a.item_id is not None
    )
    for (kind, item_id), count in taken.items():
        assert count <= capacity(local.item(kind, item_id), len(people)), (kind, item_id)
    per_person = Counter(
        (a.person_id, a.kind) for a in allocation.assignments if a.item_id is not None
    )
    assert max(per_person.values(), default=1) == 1
    for entry in allocation.assignments:
        person = next(p for p in people if p.person_id == entry.person_id)
        if entry.kind == "shelter":
            assert person.need_housing
        if entry.item_id is not None and entry.kind == "vacancy":
            vacancy = local.item("vacancy", entry.item_id)
            assert isinstance(vacancy, Vacancy)
            assert vacancy.is_quota
            # the quota period is open on the job referral's day, as in the plan
            referral = choice.days(person, AS_OF).referral
            assert vacancy.quota_from is not None
            assert law.quota_window_open(vacancy.quota_from, referral)
