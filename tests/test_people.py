"""The people and jobs the engine's tests share are built once (``tests.people``): the welder
of the trade-first tests and of the trade-first gate is one object, and a job placed ``km``
east of his home is that far from it."""

from __future__ import annotations

import pytest

from matcher.features.geo import haversine_km
from tests import people


def test_the_welder_is_built_once() -> None:
    from tests import test_trade_first
    from tests.service import test_trade_gate

    for module in (test_trade_first, test_trade_gate):
        assert vars(module)["WELDER"] is people.WELDER, module.__name__
        assert vars(module)["aktau_job"] is people.aktau_job, module.__name__


@pytest.mark.parametrize("km", [0.5, 12.0, 39.0])
def test_a_job_is_as_far_east_of_the_welders_home_as_asked(km: float) -> None:
    job = people.aktau_job(1, "7212", km)
    welder = people.WELDER
    assert job.title == "Электрогазосварщик"
    assert haversine_km(welder.lat, welder.lon, job.lat, job.lon) == pytest.approx(km, rel=0.01)
    assert people.aktau_job(2, "4321", km).title == "Кладовщик"
