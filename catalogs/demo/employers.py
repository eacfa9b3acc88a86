"""The demo's employers: a pool of synthetic organisations spread over every region.

Each employer has a BIN that passes the checksum (``YYMM`` of registration, ``4`` for a legal
entity or ``6`` for an individual entrepreneur, ``0`` for a head office or ``1`` for a branch, a
five-digit serial, the check digit), a name built from plausible parts ("ТОО «Береке Құрылыс»",
"ГКП на ПХВ «Горводоканал» акимата города Актау", "КХ «Ахметов»"), one OKED sector consistent
with the jobs it offers, one location, and, for some, an akimat quota with the start of its
six-month offer window.

``records`` turns the pool into rows of the ``employers`` exchange format: a list headcount
that fits the legal form, the size and the sector, the quota percentage the region's akimats
set for the year (1 to 4 %, one figure per region), a telephone number and a synthetic e-mail
address ``hr@<BIN>.example.kz`` (``example.kz`` marks it as invented: nobody receives it).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from catalogs.demo.geo import RegionGeo, Spot, geography
from catalogs.demo.names import surname
from catalogs.demo.sampling import Weighted, chance
from catalogs.demo.shelters import phone
from catalogs.demo.tables import Region, Sector, tables
from catalogs.identifiers import complete

FORM_TITLES = {
    "ТОО": "ТОО",
    "АО": "АО",
    "ИП": "ИП",
    "КХ": "КХ",
    "ГКП": "ГКП на ПХВ",
    "КГУ": "КГУ",
}
_FORM_KIND = {
    "ТОО": "company",
    "АО": "company",
    "ИП": "ip",
    "КХ": "ip",
    "ГКП": "state",
    "КГУ": "state",
}
_ENTREPRENEURS = ("ИП", "КХ")
_QUOTA_RATE = {"ТОО": 0.4, "АО": 0.6, "ГКП": 0.65, "КГУ": 0.65, "ИП": 0.15, "КХ": 0.2}
_SIZE_FACTOR = {"ТОО": 1.0, "АО": 2.5, "ГКП": 1.8, "КГУ": 1.2, "ИП": 0.5, "КХ": 0.6}

_HEADCOUNT = {
    # legal form: (typical list headcount of a size-1 employer, fewest, most)
    "ИП": (4, 1, 60),
    "КХ": (6, 1, 80),
    "ТОО": (25, 3, 3000),
    "АО": (180, 30, 20_000),
    "ГКП": (90, 15, 3000),
    "КГУ": (35, 8, 800),
}
_BIG_SECTORS = frozenset(
    {"coal_mining", "ore_mining", "oil_services", "steel", "port", "power_grid"}
)
_SMALL_SECTORS = frozenset({"hairdresser", "taxi", "courier", "car_service", "accounting"})
QUOTA_PERCENTS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)
"""The quota percentages the demo's akimats set: one per region, the same for the year."""
SYNTHETIC_EMAIL_DOMAIN = "example.kz"

EXPIRED_QUOTA_DAYS_AGO = (188, 300)
"""A tenth of the quotas started this many days ago: past the 6-month window (``catalogs.law``)."""


@dataclass(frozen=True, slots=True)
class Employer:
    bin: str
    name: str
    form: str
    sector: Sector
    spot: Spot
    size: float
    """Relative number of vacancies it posts."""
    pay: float
    """Its salaries relative to the market (0.9 to 1.2)."""
    quota_from: date | None
    """Start of its quota offer window; None when the akimat set it no quota."""

    @property
    def region(self) -> Region:
        return self.spot.region

    @property
    def oked(self) -> str:
        return self.sector.oked


def employer_count(vacancies: int) -> int:
    """A few thousand employers for the default 6,000 vacancies, never fewer than 300."""
    return max(300, min(4000, vacancies // 2))


def make_bin(rng: random.Random, *, as_of: date, entrepreneur: bool, taken: set[str]) -> str:
    """A new BIN with a valid check digit, registered before ``as_of``."""
    while True:
        year = rng.randint(1997, as_of.year - 1)
        month = rng.randint(1, 12)
        kind = "6" if entrepreneur else "4"
        branch = "1" if not entrepreneur and chance(rng, 0.08) else "0"
        first11 = f"{year % 100:02d}{month:02d}{kind}{branch}{rng.randrange(100_000):05d}"
        number = complete(first11)
        if number is not None and number not in taken:
            taken.add(number)
            return number


def _name(rng: random.Random, sector: Sector, form: str, spot: Spot) -> str:
    patterns = tables().name_patterns
    kind = _FORM_KIND[form]
    options = patterns.get((sector.names, kind))
    if options is None:
        fallback = "ip" if kind == "company" else "company"
        options = patterns.get((sector.names, fallback)) or patterns[(sector.names, kind)]
    pattern = rng.choice(options)
    inner, _, tail = pattern.partition(" // ")
    values = {
        "root": rng.choice(tables().roots),
        "surname": surname(rng, spot.region),
        "n": str(rng.randint(1, 12)),
        "town": spot.name,
        "region_gen": spot.region.name_gen,
    }
    inner = inner.format(**values)
    title = FORM_TITLES[form]
    return f"{title} «{inner}» {tail.format(**values)}" if tail else f"{title} «{inner}»"


def _quota_from(rng: random.Random, as_of: date) -> date:
    """Mostly an open window (started up to 5 months ago or starting within a month)."""
    if chance(rng, 0.1):
        return as_of - timedelta(days=rng.randint(*EXPIRED_QUOTA_DAYS_AGO))
    return as_of + timedelta(days=rng.randint(-152, 30))


def _sector_picker(region: Region) -> Weighted[Sector]:
    return Weighted(
        (sector, sector.weight_in(region.prefix))
        for sector in tables().sectors
        if not (region.is_city and sector.rural >= 0.5)
    )


def _employer(
    rng: random.Random, geo: RegionGeo, sector: Sector, *, as_of: date, taken: set[str]
) -> tuple[Employer, str]:
    form = sector.forms.pick(rng)
    if _FORM_KIND[form] == "state":
        spot = geo.town_picker.pick(rng)  # municipal enterprises of a town's akimat
    else:
        spot = geo.place(rng, sector.rural)
    name = _name(rng, sector, form, spot)
    number = make_bin(rng, as_of=as_of, entrepreneur=form in _ENTREPRENEURS, taken=taken)
    size = min(rng.paretovariate(1.6), 25.0) * _SIZE_FACTOR[form]
    quota = _quota_from(rng, as_of) if chance(rng, _QUOTA_RATE[form]) else None
    pay = rng.uniform(0.9, 1.12) + (0.08 if form == "АО" else 0.0)
    return Employer(number, name, form, sector, spot, size, pay, quota), name


def employers(seed: int, count: int, as_of: date) -> list[Employer]:
    """``count`` employers (at least a handful in every region), the same for the same seed."""
    rng = random.Random(f"matcher-demo:{seed}:employers")
    regions = tables().regions
    geo = geography()
    total = sum(r.population_k * r.vacancy_weight for r in regions)
    pool: list[Employer] = []
    taken_bins: set[str] = set()
    taken_names: set[str] = set()
    for region in regions:
        share = region.population_k * region.vacancy_weight / total
        sectors = _sector_picker(region)
        for _ in range(max(8, round(count * share))):
            sector = sectors.pick(rng)
            for _attempt in range(20):
                employer, name = _employer(
                    rng, geo[region.kato], sector, as_of=as_of, taken=taken_bins
                )
                if name not in taken_names:
                    break
            taken_names.add(name)
            pool.append(employer)
    return pool


def headcount(rng: random.Random, employer: Employer) -> int:
    """A list headcount for ``employer``: its form's typical size grown with the number of
    vacancies it posts (``size``), larger in mining, metals, oil and ports, smaller in
    one-person trades, with some spread; within the form's bounds."""
    typical, fewest, most = _HEADCOUNT[employer.form]
    sector = 3.0 if employer.sector.key in _BIG_SECTORS else 1.0
    if employer.sector.key in _SMALL_SECTORS:
        sector = 0.6
    value: float = typical * employer.size**0.8 * sector * rng.lognormvariate(0.0, 0.35)
    return max(fewest, min(most, round(value)))


def quota_percent(seed: int, region: Region) -> float:
    """The quota percentage of ``region``'s employers (1 to 4 %), the same for a seed."""
    return random.Random(f"matcher-demo:{seed}:quota-percent:{region.kato}").choice(QUOTA_PERCENTS)


def records(pool: Sequence[Employer], *, seed: int, as_of: date) -> Iterator[dict[str, object]]:
    """The pool as rows of the ``employers`` exchange format (all synthetic), the same for the
    same seed; the quota year is ``as_of``'s."""
    rng = random.Random(f"matcher-demo:{seed}:employer-records")
    for employer in pool:
        region = employer.region
        kazakh = region.kazakh_share * (0.8 if _FORM_KIND[employer.form] == "state" else 0.5)
        yield {
            "employer_bin": employer.bin,
            "name": employer.name,
            "oked": employer.oked,
            "kato": employer.spot.kato,
            "headcount": headcount(rng, employer),
            "quota_percent": quota_percent(seed, region),
            "quota_year": as_of.year,
            "phone": phone(rng, region),
            "email": f"hr@{employer.bin}.{SYNTHETIC_EMAIL_DOMAIN}",
            "lang": "kk" if chance(rng, kazakh) else "ru",
        }
