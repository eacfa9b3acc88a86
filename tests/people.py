"""People and jobs the engine's tests share, built once: a welder released in Aktau and the jobs
around his home (``aktau_job``). Each test module varies them with ``dataclasses.replace``."""

from __future__ import annotations

from datetime import date, timedelta

from matcher.profile import Person, Vacancy

TODAY = date(2026, 11, 25)
AKTAU = (43.65, 51.17)
"""Aktau's centre (latitude, longitude): the welder's home."""
AKTAU_KATO = "471010000"
TITLES = {
    "7212": "Электрогазосварщик",
    "7214": "Монтажник металлоконструкций",
    "5120": "Повар",
}
"""A job's title by its occupation code; any other code is a storekeeper's job."""

WELDER = Person(
    person_id="T-WELDER",
    kato=AKTAU_KATO,
    lat=AKTAU[0],
    lon=AKTAU[1],
    status="released",
    release_date=TODAY - timedelta(days=20),
    birth_year=1988,
    sex="m",
    education="vocational",
    professions=("электрогазосварщик 5 разряда",),
    experience_years=6.0,
    languages=("kk", "ru"),
    max_commute_km=40.0,
)
"""A welder (occupation 7212) of six years, released 20 days before ``TODAY``, who travels up
to 40 km from his home in Aktau."""


def aktau_job(n: int, code: str, km: float, salary: int = 250_000, **more: object) -> Vacancy:
    """Job ``V{n:03d}`` of occupation ``code`` in Aktau, about ``km`` east of the welder's home."""
    lat, lon = AKTAU
    return Vacancy(
        vacancy_id=f"V{n:03d}",
        employer_bin=f"{n:012d}",
        title=TITLES.get(code, "Кладовщик"),
        kato=AKTAU_KATO,
        lat=lat,
        lon=lon + km / 80.6,  # a degree of longitude is about 80.6 km at 43.65° N
        occupation_code=code,
        salary_kzt=salary,
        **more,  # type: ignore[arg-type]
    )
