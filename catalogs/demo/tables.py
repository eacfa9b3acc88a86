"""The demo generator's ingredient tables (``catalogs/demo/data/*.csv``), parsed once.

These are data written for the project (see ``data/ATTRIBUTION.md``): occupations with ad
titles, skills and salary bands; employer sectors with their OKED code and the jobs they
offer; name parts; regions with salary indices; course templates and MOOCs.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from catalogs import enums
from catalogs.demo.sampling import Weighted, parse_weights, split_list

NATIONAL_CITIES = ("710000000", "750000000", "790000000")
"""Astana, Almaty and Shymkent: top-level units that are one city, with no villages."""


def read_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("catalogs.demo").joinpath("data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _range(cell: str) -> tuple[int, int]:
    low, _, high = cell.partition("-")
    return int(low), int(high or low)


@dataclass(frozen=True, slots=True)
class Title:
    """An ad title template expanded to its grade variants ("Сварщик 4 разряда", ...)."""

    variants: tuple[str, ...]
    groups: tuple[str, ...]
    """Employer name groups (``sectors.csv`` ``names``) it fits; empty = any employer."""


@dataclass(frozen=True, slots=True)
class Job:
    """One occupation as the demo uses it (``data/occupations.csv``)."""

    code: str
    titles_ru: tuple[Title, ...]
    titles_kk: tuple[str, ...]
    person_titles: tuple[str, ...]
    skills: tuple[str, ...]
    salary: tuple[int, int]
    education: Weighted[str]
    lowest_education: str
    experience: Weighted[int]
    licence: str
    people: float
    women: float

    def titles_for(self, group: str) -> tuple[tuple[str, ...], ...]:
        """The title templates an employer of ``group`` would use ("Водитель бетоновоза" only
        at a concrete plant or a builder)."""
        fitting = tuple(t.variants for t in self.titles_ru if not t.groups or group in t.groups)
        return fitting or tuple(t.variants for t in self.titles_ru)


@dataclass(frozen=True, slots=True)
class Sector:
    """A kind of employer (``data/sectors.csv``)."""

    key: str
    oked: str
    weight: float
    forms: Weighted[str]
    names: str
    rural: float
    housing: float
    types: Weighted[str]
    regions: tuple[str, ...]
    """Two-digit region prefixes where this sector exists; empty = everywhere."""
    jobs: Weighted[str]
    boost: dict[str, float]

    def weight_in(self, prefix: str) -> float:
        if self.regions and prefix not in self.regions:
            return 0.0
        return self.weight * self.boost.get(prefix, 1.0)


@dataclass(frozen=True, slots=True)
class Region:
    """One top-level unit and the demo's figures for it (``data/regions.csv``)."""

    kato: str
    name_ru: str
    name_gen: str
    centre: str
    population_k: float
    vacancy_weight: float
    person_weight: float
    salary_index: float
    kazakh_share: float
    uzbek_share: float
    phone_code: str
    shelters: int
    institutions: tuple[str, ...]

    @property
    def prefix(self) -> str:
        return self.kato[:2]

    @property
    def is_city(self) -> bool:
        return self.kato in NATIONAL_CITIES


@dataclass(frozen=True, slots=True)
class CourseTemplate:
    """A vocational course family (``data/courses.csv``)."""

    family: str
    programmes: Weighted[str]
    titles_ru: tuple[str, ...]
    titles_kk: tuple[str, ...]
    codes: tuple[str, ...]
    skills: tuple[str, ...]
    hours: tuple[int, int]
    education: str
    provider: str
    custody: bool
    cities: bool
    weight: float


@dataclass(frozen=True, slots=True)
class Mooc:
    """An online course: written for the demo, or from the shared CC BY 4.0 list."""

    key: str
    language: str
    title: str
    family: str
    provider: str
    url: str
    codes: tuple[str, ...]
    skills: tuple[str, ...]
    hours: int | None
    custody: bool
    education: str


@dataclass(frozen=True, slots=True)
class Tables:
    jobs: dict[str, Job]
    sectors: tuple[Sector, ...]
    regions: tuple[Region, ...]
    exclusions: dict[str, tuple[tuple[str, ...], float]]
    name_patterns: dict[tuple[str, str], tuple[str, ...]]
    """(group, kind) -> patterns; kind is ``company``, ``ip`` or ``state``."""
    roots: tuple[str, ...]
    person_names: dict[tuple[str, str], tuple[str, ...]]
    """(group, kind) -> names; group ``kz``/``ru``/``uz``, kind ``male``/``female``/``surname``."""
    town_overrides: dict[str, int]
    courses: tuple[CourseTemplate, ...]
    moocs_project: tuple[Mooc, ...]
    moocs_shared: tuple[Mooc, ...]
    oked_names: dict[str, str]
    shelter_parts: dict[str, tuple[str, ...]]


def _job(row: dict[str, str]) -> Job:
    low, high = _range(row["grades"]) if row["grades"] else (0, 0)
    titles = []
    for cell in split_list(row["titles_ru"]):
        template, _, groups = cell.partition("@")
        if "{r}" in template:
            variants = tuple(template.replace("{r}", str(g)) for g in range(low, high + 1))
        else:
            variants = (template,)
        titles.append(Title(variants, tuple(g for g in groups.split("+") if g)))
    education = parse_weights(row["education"], str)
    return Job(
        code=row["code"],
        titles_ru=tuple(titles),
        titles_kk=split_list(row["titles_kk"]),
        person_titles=split_list(row["person_titles"]),
        skills=split_list(row["skills"]),
        salary=_range(row["salary"]),
        education=education,
        lowest_education=min(education.items, key=enums.EDUCATION_LEVELS.index),
        experience=parse_weights(row["experience"], int),
        licence=row["licence"],
        people=float(row["people"]),
        women=float(row["women"]),
    )


def _sector(row: dict[str, str]) -> Sector:
    boost = {}
    for part in split_list(row["boost"]):
        prefix, _, factor = part.partition(":")
        boost[prefix] = float(factor)
    return Sector(
        key=row["sector"],
        oked=row["oked"],
        weight=float(row["weight"]),
        forms=parse_weights(row["forms"], str),
        names=row["names"],
        rural=float(row["rural"]),
        housing=float(row["housing"]),
        types=parse_weights(row["types"], str),
        regions=split_list(row["regions"]),
        jobs=parse_weights(row["jobs"], str),
        boost=boost,
    )


def _region(row: dict[str, str]) -> Region:
    return Region(
        kato=row["kato"],
        name_ru=row["name_ru"],
        name_gen=row["name_gen"],
        centre=row["centre"],
        population_k=float(row["population_k"]),
        vacancy_weight=float(row["vacancy_weight"]),
        person_weight=float(row["person_weight"]),
        salary_index=float(row["salary_index"]),
        kazakh_share=float(row["kazakh_share"]),
        uzbek_share=float(row["uzbek_share"]),
        phone_code=row["phone_code"],
        shelters=int(row["shelters"]),
        institutions=split_list(row["institutions"]),
    )


def _course(row: dict[str, str]) -> CourseTemplate:
    return CourseTemplate(
        family=row["family"],
        programmes=parse_weights(row["programmes"], str),
        titles_ru=split_list(row["title_ru"]),
        titles_kk=split_list(row["title_kk"]),
        codes=split_list(row["codes"]),
        skills=split_list(row["skills"]),
        hours=_range(row["hours"]),
        education=row["education"],
        provider=row["provider"],
        custody=row["custody"] == "1",
        cities=row["cities"] == "1",
        weight=float(row["weight"]),
    )


_PROJECT_MOOC_URL = "https://skills.enbek.kz/{lang}/courses/demo-{slug}"
_WEB_TOPICS = ("HTML and CSS", "JavaScript", "PHP")


def _project_mooc(row: dict[str, str]) -> Mooc:
    family = row["family"]
    return Mooc(
        key=f"{row['slug']}-{row['language']}",
        language=row["language"],
        title=row["title"],
        family=family,
        provider="Skills Enbek (демо-курс)",
        url=_PROJECT_MOOC_URL.format(lang=row["language"], slug=row["slug"]),
        codes=split_list(row["codes"]),
        skills=split_list(row["skills"]),
        hours=int(row["hours"]),
        custody=row["custody"] == "1",
        education="general_secondary" if family == "accounting_1c" else "none",
    )


def _shared_mooc(row: dict[str, str]) -> Mooc:
    topic = row["topic"]
    authors = row["authors"].split("*(")[0].strip()
    provider = f"{authors} — {row['platform']}" if authors else row["platform"]
    if topic == "HTML and CSS":
        skills: tuple[str, ...] = ("вёрстка HTML и CSS", "основы веб-разработки")
    else:
        skills = (f"программирование на {topic}", "основы алгоритмов")
    return Mooc(
        key=row["url"],
        language=row["language"],
        title=row["title"],
        family="programming",
        provider=provider,
        url=row["url"],
        codes=("2513", "2514") if topic in _WEB_TOPICS else ("2512", "2514"),
        skills=skills,
        hours=None,
        custody=False,
        education="general_secondary",
    )


def _grouped(rows: list[dict[str, str]], *keys: str) -> dict[tuple[str, str], tuple[str, ...]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    value_key = next(k for k in rows[0] if k not in keys)
    for row in rows:
        grouped.setdefault((row[keys[0]], row[keys[1]]), []).append(row[value_key])
    return {key: tuple(values) for key, values in grouped.items()}


@functools.cache
def tables() -> Tables:
    """All ingredient tables, loaded on first use."""
    parts: dict[str, list[str]] = {}
    for row in read_rows("shelter_parts.csv"):
        parts.setdefault(row["kind"], []).append(row["value"])
    return Tables(
        jobs={row["code"]: _job(row) for row in read_rows("occupations.csv")},
        sectors=tuple(_sector(row) for row in read_rows("sectors.csv")),
        regions=tuple(_region(row) for row in read_rows("regions.csv")),
        exclusions={
            row["code"]: (split_list(row["offences"]), float(row["share"]))
            for row in read_rows("exclusions.csv")
        },
        name_patterns=_grouped(read_rows("employer_names.csv"), "group", "kind"),
        roots=tuple(row["root"] for row in read_rows("name_roots.csv")),
        person_names=_grouped(read_rows("person_names.csv"), "group", "kind"),
        town_overrides={
            row["kato"]: int(row["population"]) for row in read_rows("town_overrides.csv")
        },
        courses=tuple(_course(row) for row in read_rows("courses.csv")),
        moocs_project=tuple(_project_mooc(row) for row in read_rows("moocs_project.csv")),
        moocs_shared=tuple(_shared_mooc(row) for row in read_rows("moocs_shared.csv")),
        oked_names={row["code"]: row["name_ru"] for row in read_rows("oked.csv")},
        shelter_parts={kind: tuple(values) for kind, values in parts.items()},
    )
