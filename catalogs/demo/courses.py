"""Synthetic training offers: Enbek / Atameken / college courses in regional towns, courses
run inside institutions, and MOOCs (written for the demo, plus free programming courses from
the shared CC BY 4.0 list).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta

from catalogs.demo.geo import RegionGeo, Spot, geography
from catalogs.demo.sampling import Weighted, chance, next_monday, round_to
from catalogs.demo.tables import CourseTemplate, Mooc, Region, tables

MOOC_SHARE = 0.15
CUSTODY_SHARE = 0.08
"""Share of classroom courses held inside an institution (penitentiary probation)."""

_COLLEGES = {
    "college_tech": (
        "Политехнический колледж г. {town}",
        "Высший технический колледж г. {town}",
        "Индустриально-технический колледж г. {town}",
    ),
    "college_service": (
        "Колледж сервиса и питания г. {town}",
        "Высший колледж сферы обслуживания г. {town}",
        "Колледж легкой промышленности и сервиса г. {town}",
    ),
    "college_build": (
        "Строительно-технический колледж г. {town}",
        "Колледж строительства и коммунального хозяйства г. {town}",
    ),
    "college_agro": (
        "Аграрно-технический колледж г. {town}",
        "Сельскохозяйственный колледж г. {town}",
    ),
    "driving": ("Автошкола «{root}»", "Автошкола «{root} Авто»"),
    "centre": (
        "Учебный центр «{root}»",
        "Учебно-консультационный центр «{root}»",
        "Центр профессиональной подготовки «{root}»",
    ),
    "atameken": ("Палата предпринимателей {region_gen}",),
}
_BLENDED = ("computer", "egov", "entrepreneurship", "accounting_1c")


def _provider(rng: random.Random, template: CourseTemplate, programme: str, spot: Spot) -> str:
    kind = template.provider
    if programme == "atameken":
        kind = "atameken"
    elif programme == "college" and not kind.startswith("college"):
        kind = "college_tech"
    elif programme == "other" and kind.startswith("college"):
        kind = "centre"
    return rng.choice(_COLLEGES[kind]).format(
        town=spot.name, root=rng.choice(tables().roots), region_gen=spot.region.name_gen
    )


def _languages(rng: random.Random, kazakh_title: bool, region: Region) -> list[str]:
    if kazakh_title:
        return ["kk", "ru"] if chance(rng, 0.5) else ["kk"]
    return ["ru", "kk"] if chance(rng, 0.6 * region.kazakh_share) else ["ru"]


def _classroom(
    rng: random.Random,
    template: CourseTemplate,
    spot: Spot,
    as_of: date,
    known_codes: frozenset[str],
) -> dict[str, object]:
    region = spot.region
    programme = template.programmes.pick(rng)
    kazakh = bool(template.titles_kk) and chance(rng, 0.3 * region.kazakh_share)
    title = rng.choice(template.titles_kk if kazakh else template.titles_ru)
    low, high = template.hours
    start = next_monday(as_of + timedelta(days=rng.randint(-30, 264)))
    return {
        "programme": programme,
        "provider": _provider(rng, template, programme, spot),
        "title": title,
        "skills": list(template.skills),
        "occupation_codes": [code for code in template.codes if code in known_codes],
        "format": "blended" if template.family in _BLENDED and chance(rng, 0.25) else "offline",
        "languages": _languages(rng, kazakh, region),
        "hours": max(low, min(high, round_to(rng.uniform(low, high), 8))),
        "kato": spot.kato,
        "education_min": template.education,
        "seats": rng.randint(10, 30),
        "starts_on": start,
        "cost_kzt": round_to(rng.uniform(120_000, 260_000), 5000) if programme == "other" else 0,
        "available_in_custody": False,
        "url": None,
    }


def _in_custody(
    rng: random.Random,
    template: CourseTemplate,
    geo: RegionGeo,
    as_of: date,
    known_codes: frozenset[str],
) -> dict[str, object]:
    """A course run inside an institution by a college of the region's centre."""
    row = _classroom(rng, template, geo.centre, as_of, known_codes)
    institution = rng.choice(geo.region.institutions)
    kind = template.provider if template.provider.startswith("college") else "college_tech"
    college = rng.choice(_COLLEGES[kind])
    row.update(
        programme="college",
        provider=f"{college.format(town=geo.centre.name)} (учебная группа в учреждении {institution})",
        format="offline",
        seats=rng.randint(10, 20),
        cost_kzt=0,
        available_in_custody=True,
    )
    return row


def _mooc(mooc: Mooc, known_codes: frozenset[str]) -> dict[str, object]:
    return {
        "programme": "mooc",
        "provider": mooc.provider,
        "title": mooc.title,
        "skills": list(mooc.skills),
        "occupation_codes": [code for code in mooc.codes if code in known_codes],
        "format": "online",
        "languages": [mooc.language],
        "hours": mooc.hours,
        "kato": None,
        "education_min": mooc.education,
        "seats": None,
        "starts_on": None,
        "cost_kzt": 0,
        "available_in_custody": mooc.custody,
        "url": mooc.url,
    }


def _chosen_moocs(rng: random.Random, count: int) -> list[Mooc]:
    """About 15 % of the catalogue: the demo's own MOOCs first, then shared ones."""
    data = tables()
    wanted = min(len(data.moocs_project) + len(data.moocs_shared), round(count * MOOC_SHARE))
    own = min(len(data.moocs_project), math.ceil(wanted * 0.55))
    shared = min(len(data.moocs_shared), wanted - own)
    keep = sorted(rng.sample(range(len(data.moocs_shared)), shared))
    return list(data.moocs_project[:own]) + [data.moocs_shared[i] for i in keep]


def stream(
    *, seed: int, count: int, as_of: date, known_codes: frozenset[str]
) -> Iterator[dict[str, object]]:
    """``count`` course rows: classroom courses covering every family, then MOOCs."""
    rng = random.Random(f"matcher-demo:{seed}:courses")
    data = tables()
    geo = geography()
    moocs = _chosen_moocs(rng, count)
    classroom = count - len(moocs)
    custody = round(classroom * CUSTODY_SHARE)
    regular = classroom - custody
    templates = Weighted((t, t.weight) for t in data.courses)
    custody_templates = Weighted((t, t.weight) for t in data.courses if t.custody)
    towns_everywhere = Weighted((geo[r.kato], r.population_k) for r in data.regions)
    towns_outside_cities = Weighted(
        (geo[r.kato], r.population_k) for r in data.regions if not r.is_city
    )
    institutions = Weighted((geo[r.kato], float(len(r.institutions))) for r in data.regions)
    width = max(4, len(str(count)))
    number = 0
    for index in range(regular):
        template = data.courses[index] if index < len(data.courses) else templates.pick(rng)
        region_geo = (towns_everywhere if template.cities else towns_outside_cities).pick(rng)
        spot = region_geo.centre if chance(rng, 0.7) else region_geo.town_picker.pick(rng)
        number += 1
        yield {"course_id": f"C{number:0{width}d}"} | _classroom(
            rng, template, spot, as_of, known_codes
        )
    for _ in range(custody):
        number += 1
        row = _in_custody(
            rng, custody_templates.pick(rng), institutions.pick(rng), as_of, known_codes
        )
        yield {"course_id": f"C{number:0{width}d}"} | row
    for mooc in moocs:
        number += 1
        yield {"course_id": f"C{number:0{width}d}"} | _mooc(mooc, known_codes)
