"""Synthetic vacancies, streamed: each row is built from a handful of draws, nothing is kept.

An employer is drawn by its size, a job from its sector's mix, then the ad: a title as
employers write it (with grades, categories, "вахта"; sometimes in Kazakh), ~70 % with the ISCO
code, 2-5 skills, a one-sentence description, the salary (occupation band x regional index x
employer), and for quota employers the quota fields.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from catalogs import law
from catalogs.demo.employers import Employer
from catalogs.demo.sampling import Weighted, round_to
from catalogs.demo.tables import Job, tables

MINIMUM_WAGE_KZT = 85_000
"""The 2026 monthly minimum wage: no demo salary is below it."""

CODED_SHARE = 0.7
"""Share of vacancies that carry their ISCO code; the rest must be understood from the title."""

QUOTA_SHARE_OF_QUOTA_EMPLOYERS = 0.65
"""Share of the vacancies of an employer with a quota that are quota jobs (~27 % overall)."""

SYNTHETIC_MARK = " (синтетические демо-данные)"

_SCHEDULES = {
    "full": ("график 5/2", "график 6/1", "сменный график 2/2", "график 5/2 с 9:00 до 18:00"),
    "part": ("неполный рабочий день", "работа по 4 часа в день", "график 2/2 по 6 часов"),
    "shift": ("вахта 15/15", "вахта 14/14", "вахтовый метод 28/28", "вахта 21/21"),
}
_SEASONS = {
    "farm": "на период полевых работ (апрель – октябрь)",
    "grain": "на уборочную кампанию",
    "heat": "на отопительный сезон",
    "green": "на весенне-летний сезон",
    "build": "на строительный сезон (апрель – ноябрь)",
    "road": "на дорожно-строительный сезон",
    "concrete": "на строительный сезон (апрель – ноябрь)",
    "wood": "на сезон заготовки леса",
}
_PERKS = (
    "официальное трудоустройство",
    "оплата два раза в месяц",
    "спецодежда за счет работодателя",
    "бесплатные обеды",
    "оплачиваемый отпуск",
    "обучение на рабочем месте",
    "доставка служебным транспортом",
    "соцпакет по Трудовому кодексу РК",
)
_NO_EXPERIENCE = "рассматриваем кандидатов без опыта"
_QUOTA_SLOTS = Weighted([(1, 45.0), (2, 25.0), (3, 15.0), (4, 8.0), (5, 7.0)])
_TYPE_PAY = {"full": 1.0, "shift": 1.15, "part": 0.55, "seasonal": 1.0}


@dataclass(frozen=True, slots=True)
class _Ad:
    """What is fixed for one occupation: precomputed so each row is a few draws."""

    job: Job
    code: str | None
    titles_ru: tuple[tuple[str, ...], ...]
    titles_kk: tuple[str, ...]
    skills: tuple[str, ...]
    max_skills: int
    excluded: tuple[list[str], float] | None


def _ads(known_codes: frozenset[str]) -> dict[tuple[str, str], _Ad]:
    """One precomputed ad per (employer name group, occupation code) that sectors offer."""
    data = tables()
    ads = {}
    for sector in data.sectors:
        for code in sector.jobs.items:
            job = data.jobs[code]
            exclusion = data.exclusions.get(code)
            ads[(sector.names, code)] = _Ad(
                job=job,
                code=code if code in known_codes else None,
                titles_ru=job.titles_for(sector.names),
                titles_kk=job.titles_kk,
                skills=job.skills,
                max_skills=min(5, len(job.skills)),
                excluded=(list(exclusion[0]), exclusion[1]) if exclusion else None,
            )
    return ads


def _description(
    rng: random.Random,
    employer: Employer,
    skills: Sequence[str],
    employment: str,
    housing: bool,
    quota: bool,
    experience: int,
) -> str:
    if employment == "seasonal":
        schedule = _SEASONS.get(employer.sector.names, "сезонная работа")
    else:
        schedule = rng.choice(_SCHEDULES[employment])
    parts = [f"Работа в {employer.spot.written}: {', '.join(skills[:2])}; {schedule}"]
    parts.append(_NO_EXPERIENCE if experience == 0 and rng.random() < 0.3 else rng.choice(_PERKS))
    if housing:
        parts.append(
            "проживание в вахтовом поселке" if employment == "shift" else "предоставляется жилье"
        )
    if quota:
        parts.append("место в счет квоты для освободившихся из мест лишения свободы")
    return ", ".join(parts) + SYNTHETIC_MARK


def stream(
    *,
    seed: int,
    count: int,
    as_of: date,
    employers: Sequence[Employer],
    known_codes: frozenset[str],
) -> Iterator[dict[str, object]]:
    """``count`` vacancy rows, generated one at a time (constant memory)."""
    rng = random.Random(f"matcher-demo:{seed}:vacancies")
    ads = _ads(known_codes)
    pick_employer = Weighted((e, e.size) for e in employers).pick
    width = max(6, len(str(count)))
    for number in range(1, count + 1):
        employer = pick_employer(rng)
        sector = employer.sector
        region = employer.spot.region
        ad = ads[(sector.names, sector.jobs.pick(rng))]
        job = ad.job
        employment = sector.types.pick(rng)
        if ad.titles_kk and rng.random() < 0.25 * region.kazakh_share:
            title = rng.choice(ad.titles_kk)
        else:
            title = rng.choice(rng.choice(ad.titles_ru))
        if "вахт" in title:
            employment = "shift"
        elif employment == "shift" and rng.random() < 0.5:
            title += ", вахта" if title.endswith(")") else " (вахта)"
        skills = rng.sample(ad.skills, rng.randint(2, ad.max_skills))
        low, high = job.salary
        salary: int | None = None
        if rng.random() >= 0.04:
            amount = rng.uniform(low, high) * region.salary_index * employer.pay
            salary = max(MINIMUM_WAGE_KZT, round_to(amount * _TYPE_PAY[employment], 5000))
        quota = employer.quota_from is not None and rng.random() < QUOTA_SHARE_OF_QUOTA_EMPLOYERS
        housing = rng.random() < sector.housing * (1.5 if employment == "shift" else 1.0)
        excluded: list[str] = []
        if ad.excluded is not None and rng.random() < ad.excluded[1]:
            excluded = list(ad.excluded[0])
        expired = (
            quota
            and employer.quota_from is not None
            and employer.quota_from < as_of
            and not law.quota_window_open(employer.quota_from, as_of)
        )
        closed = rng.random() < (0.5 if expired else 0.08)
        experience = job.experience.pick(rng)
        yield {
            "vacancy_id": f"V{number:0{width}d}",
            "employer_bin": employer.bin,
            "employer_name": employer.name,
            "employer_oked": sector.oked,
            "title": title,
            "occupation_code": ad.code if rng.random() < CODED_SHARE else None,
            "skills": skills,
            "description": _description(
                rng, employer, skills, employment, housing, quota, experience
            ),
            "education_min": job.education.pick(rng),
            "experience_min_years": experience,
            "kato": employer.spot.kato,
            "salary_kzt": salary,
            "is_quota": quota,
            "quota_slots": _QUOTA_SLOTS.pick(rng) if quota else None,
            "quota_from": employer.quota_from if quota else None,
            "excluded_offences": excluded,
            "provides_housing": housing,
            "employment_type": employment,
            "status": "closed" if closed else "open",
        }
