"""Synthetic people served: in custody, released, on probation (the mix of DOMAIN.md).

Shares follow the survey in the source guide: ~92 % men; 78 % with at most secondary
vocational education; 15.7 % with no profession; 18.8 % with formal, tense or absent family
ties; about 30 % with a civil claim. Everything personal is invented: the IIN is built from the
invented birth date and sex with a valid check digit, the name from common name lists.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from catalogs import enums
from catalogs.demo.geo import RegionGeo, Spot, geography
from catalogs.demo.names import full_name
from catalogs.demo.sampling import Weighted, chance, round_to
from catalogs.demo.tables import Job, Region, tables
from catalogs.identifiers import complete

EDUCATION = Weighted(
    [
        ("none", 2.0),
        ("primary", 3.0),
        ("basic_secondary", 20.0),
        ("general_secondary", 33.0),
        ("vocational", 20.0),
        ("higher", 22.0),
    ]
)
"""78 % at most secondary vocational (DOMAIN.md)."""
_EDUCATION_RANK = {level: rank for rank, level in enumerate(enums.EDUCATION_LEVELS)}

NO_PROFESSION_SHARE = 0.157
FAMILY_TIES = Weighted([("supportive", 81.2), ("tense", 10.8), ("none", 8.0)])
OFFENCES = Weighted(
    [
        ("property", 42.0),
        ("violent", 22.0),
        ("drug", 16.0),
        ("traffic", 8.0),
        ("economic", 7.0),
        ("other", 5.0),
    ]
)
STATUSES = Weighted(
    [
        (("in_custody", "penitentiary"), 40.0),
        (("released", "post_penitentiary"), 35.0),
        (("probation", "sentence"), 20.0),
        (("probation", "pretrial"), 5.0),
    ]
)
AGES = Weighted(
    [((18, 24), 10.0), ((25, 34), 35.0), ((35, 44), 32.0), ((45, 54), 15.0), ((55, 65), 8.0)]
)
_CLAIM_RATE = {"property": 0.33, "violent": 0.33, "economic": 0.4, "traffic": 0.3, "drug": 0.05}
_HOUSING_RATE = {"supportive": 0.18, "tense": 0.55, "none": 0.75}
_IIN_CENTURY_SEX = {(19, "m"): "3", (19, "f"): "4", (20, "m"): "5", (20, "f"): "6"}
_URBAN_SHARE = 0.62
_GENERIC_SKILLS = (
    "погрузочно-разгрузочные работы",
    "уборка территории",
    "мелкий ремонт",
    "помощь на хозяйстве",
    "работа на ПК",
)


@dataclass(frozen=True, slots=True)
class _Context:
    regions: Weighted[RegionGeo]
    jobs_men: Weighted[Job]
    jobs_women: Weighted[Job]
    synonyms: dict[str, tuple[str, ...]]


def make_iin(rng: random.Random, birth: date, sex: str, taken: set[str]) -> str:
    """A new IIN: YYMMDD, the century/sex digit, four serial digits, the check digit."""
    prefix = f"{birth:%y%m%d}{_IIN_CENTURY_SEX[(birth.year // 100, sex)]}"
    while True:
        number = complete(f"{prefix}{rng.randrange(10_000):04d}")
        if number is not None and number not in taken:
            taken.add(number)
            return number


def _jobs(sex_factor: bool) -> Weighted[Job]:
    return Weighted(
        (job, job.people * (job.women if sex_factor else 1.0)) for job in tables().jobs.values()
    )


_FEMININE_ENDINGS = ("ица", "ка", "иха", "ша", "ея", "ня", "ная")


def is_feminine(title: str) -> bool:
    """A Russian job title in the feminine form ("доярка", "швея-мотористка", "даяшы қыз")."""
    first = title.split()[0].split("-")[0].lower() if title.strip() else ""
    return first.endswith(_FEMININE_ENDINGS) or " қыз" in title


def _profession_text(rng: random.Random, job: Job, group: str, sex: str, ctx: _Context) -> str:
    """A profession as people write it: colloquial, sometimes Kazakh, in the person's gender."""
    draw = rng.random()
    if group == "kz" and job.titles_kk and draw < 0.25:
        options: tuple[str, ...] = tuple(t.lower() for t in job.titles_kk)
    elif draw > 0.85 and ctx.synonyms.get(job.code):
        options = ctx.synonyms[job.code]
    else:
        options = job.person_titles
    feminine = [t for t in options if is_feminine(t)]
    neutral = [t for t in options if not is_feminine(t)]
    if sex == "f" and feminine and (not neutral or chance(rng, 0.7)):
        return rng.choice(feminine)
    if neutral:
        return rng.choice(neutral)
    titles = [v.lower() for t in job.titles_ru for v in t.variants]
    return next((t for t in titles if not is_feminine(t)), titles[0])


def _pick_jobs(rng: random.Random, ctx: _Context, sex: str, education: str) -> list[Job]:
    if chance(rng, NO_PROFESSION_SHARE):
        return []
    wanted = 1 if chance(rng, 0.6) else 2
    picker = ctx.jobs_women if sex == "f" else ctx.jobs_men
    rank = _EDUCATION_RANK[education]
    jobs: list[Job] = []
    for _ in range(20):
        job = picker.pick(rng)
        if _EDUCATION_RANK[job.lowest_education] <= rank and job not in jobs:
            jobs.append(job)
            if len(jobs) == wanted:
                break
    return jobs


def _birth(rng: random.Random, as_of: date) -> date:
    low, high = AGES.pick(rng)
    age = rng.randint(low, high)
    return as_of - timedelta(days=int((age + rng.uniform(0.01, 0.99)) * 365.2425))


def _home(rng: random.Random, ctx: _Context) -> Spot:
    geo = ctx.regions.pick(rng)
    return geo.place(rng, 1.0 - _URBAN_SHARE)


def _claim(rng: random.Random) -> int:
    """100,000 to 3,000,000 KZT, log-uniform, rounded to thousands."""
    return round_to(math.exp(rng.uniform(math.log(100_000), math.log(3_000_000))), 1000)


def _institution(rng: random.Random, region: Region) -> str:
    if chance(rng, 0.2):  # served the sentence in another region
        region = rng.choice(tables().regions)
    return rng.choice(region.institutions)


def _person(
    rng: random.Random, number: int, width: int, as_of: date, ctx: _Context, iins: set[str]
) -> dict[str, object]:
    sex = "f" if chance(rng, 0.08) else "m"
    birth = _birth(rng, as_of)
    home = _home(rng, ctx)
    region = home.region
    name, group = full_name(rng, region, sex)
    status, kind = STATUSES.pick(rng)
    release: date | None = None
    if status == "in_custody":
        release = as_of + timedelta(days=rng.randint(1, 365))
    elif status == "released":
        recent = chance(rng, 0.55)
        release = as_of - timedelta(days=rng.randint(0, 182) if recent else rng.randint(183, 730))
    education = EDUCATION.pick(rng)
    jobs = _pick_jobs(rng, ctx, sex, education)
    age = as_of.year - birth.year
    skills: list[str] = []
    for job in jobs:
        for skill in rng.sample(job.skills, min(len(job.skills), rng.randint(1, 3))):
            if skill not in skills:
                skills.append(skill)
    if not jobs and chance(rng, 0.6):
        skills.append(rng.choice(_GENERIC_SKILLS))
    drives = any(job.licence in ("B", "C", "D") for job in jobs)
    licence = chance(rng, 0.95 if drives else (0.12 if sex == "f" else 0.35))
    offence = OFFENCES.pick(rng)
    if offence == "traffic" and chance(rng, 0.5):
        licence = False  # deprived of the right to drive
    ties = FAMILY_TIES.pick(rng)
    alone = ties != "supportive"
    claim = _claim(rng) if chance(rng, _CLAIM_RATE.get(offence, 0.15)) else 0
    if group == "kz":
        languages = ["kk", "ru"] if chance(rng, 0.8) else ["kk"]
    elif group == "uz":
        languages = ["ru", "kk"] if chance(rng, 0.55) else ["ru"]
    else:
        languages = ["ru", "kk"] if chance(rng, 0.12) else ["ru"]
    experience = 0
    if jobs:
        experience = min(age - 18, round(rng.triangular(0, 20, 3)))
    elif chance(rng, 0.4):
        experience = min(age - 18, rng.randint(0, 3))
    return {
        "person_id": f"P{number:0{width}d}",
        "iin": make_iin(rng, birth, sex, iins),
        "full_name": name,
        "birth_year": birth.year,
        "sex": sex,
        "kato": home.kato,
        "status": status,
        "probation_kind": kind,
        "release_date": release,
        "institution": _institution(rng, region) if status != "probation" else None,
        "education": education,
        "professions": [_profession_text(rng, job, group, sex, ctx) for job in jobs],
        "skills": skills,
        "experience_years": experience,
        "languages": languages,
        "has_driving_licence": licence,
        "need_housing": chance(rng, _HOUSING_RATE[ties]),
        "need_documents": chance(rng, 0.2 if alone else 0.08),
        "need_medical_commission": age < 63 and chance(rng, 0.4),
        "need_psychological": chance(rng, 0.35 if offence == "violent" or alone else 0.2),
        "need_addiction_treatment": chance(rng, 0.5 if offence == "drug" else 0.08),
        "need_legal_aid": chance(rng, 0.35 if claim else 0.18),
        "has_disability": chance(rng, 0.12 if age > 50 else 0.04),
        "civil_claim_kzt": claim or None,
        "family_ties": ties,
        "offence_category": offence,
        "wants_training": chance(rng, 0.65 if age < 35 else 0.45),
        "relocation_ok": chance(rng, 0.15 + (0.2 if alone else 0.0) + (0.1 if age < 30 else 0.0)),
        "max_commute_km": round_to(rng.uniform(10, 100 if not home.is_town else 50), 5),
        "consent_employer_view": chance(rng, 0.7),
    }


def stream(
    *,
    seed: int,
    count: int,
    as_of: date,
    synonyms: dict[str, tuple[str, ...]],
) -> Iterator[dict[str, object]]:
    """``count`` person rows, the same for the same seed."""
    rng = random.Random(f"matcher-demo:{seed}:persons")
    geo = geography()
    ctx = _Context(
        regions=Weighted((geo[r.kato], r.population_k * r.person_weight) for r in tables().regions),
        jobs_men=_jobs(False),
        jobs_women=_jobs(True),
        synonyms=synonyms,
    )
    width = max(5, len(str(count)))
    iins: set[str] = set()
    for number in range(1, count + 1):
        yield _person(rng, number, width, as_of, ctx, iins)
