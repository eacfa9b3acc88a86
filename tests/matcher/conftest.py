from __future__ import annotations

from datetime import date

import pytest

from catalogs.demo import DemoSpec, generate
from matcher import sample
from matcher.engine import Engine
from matcher.index import PersonIndex
from matcher.profile import Person

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_data():  # type: ignore[no-untyped-def]
    return generate(DemoSpec(seed=0, as_of=AS_OF))


@pytest.fixture(scope="session")
def engine(demo_data) -> Engine:  # type: ignore[no-untyped-def]
    return Engine.build(
        vacancies=list(sample.vacancies(demo_data)),
        courses=list(sample.courses(demo_data)),
        shelters=list(sample.shelters(demo_data)),
        today=AS_OF,
    )


@pytest.fixture(scope="session")
def people(demo_data, engine: Engine) -> PersonIndex:  # type: ignore[no-untyped-def]
    return PersonIndex(list(sample.persons(demo_data)), matcher=engine.matcher)


def welder_from_aktau(**changes: object) -> Person:
    """Acceptance 1: a welder from Aktau, just released, with nowhere to live."""
    fields: dict[str, object] = {
        "person_id": "T-WELDER",
        "kato": "471010000",
        "lat": 43.65,
        "lon": 51.17,
        "status": "released",
        "release_date": date(2026, 10, 20),
        "birth_year": 1988,
        "sex": "m",
        "education": "vocational",
        "professions": ("электрогазосварщик 5 разряда",),
        "skills": ("ручная дуговая сварка",),
        "experience_years": 6.0,
        "languages": ("kk", "ru"),
        "need_housing": True,
        "offence_category": "property",
        "max_commute_km": 40.0,
    }
    fields.update(changes)
    return Person(**fields)  # type: ignore[arg-type]
