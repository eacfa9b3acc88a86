"""Deterministic, realistic and clearly **synthetic** demo data.

Nothing this package produces describes a real person, employer, vacancy, adaptation centre or
course id: names, IINs, BINs, phone numbers and addresses are invented (IINs and BINs are built
to pass the checksum, so the rest of the system can validate them), every vacancy description
ends with "(синтетические демо-данные)", and demo MOOC addresses carry a ``demo-`` slug. What
is real is the frame: KATO places of all 20 top-level units, ISCO-08 occupations, OKED sectors,
plausible salaries per region, and a list of free programming MOOCs (CC BY 4.0; see
``data/ATTRIBUTION.md``).

Rows are dicts keyed by the exchange-format columns of CONTRACT.md, with native values (``str``,
``int``, ``float``, ``bool``, ``datetime.date``, ``list[str]``, or None for empty), ready for
the ``catalogs`` schemas::

    data = generate(DemoSpec(seed=0, as_of=today))
    for row in data.employer_records():  # the employers behind the vacancies, first
        ...
    for row in data.vacancies():  # a generator: 1,000,000 rows stream in constant memory
        ...

The same spec always gives the same rows: each kind draws from its own ``random.Random``
seeded with the spec's seed; nothing reads the global generator or the clock (``as_of``, which
anchors release dates, quota windows and course starts, is part of the spec).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from catalogs.demo import courses, persons, shelters, vacancies
from catalogs.demo.employers import Employer, employer_count, employers, records
from catalogs.demo.tables import tables

__all__ = ["DemoData", "DemoSpec", "generate"]


@dataclass(frozen=True)
class DemoSpec:
    """How much demo data to make, from which seed, relative to which day."""

    seed: int = 0
    as_of: date = field(default_factory=date.today)
    """Today, as the caller sees it; release dates, quota windows and course starts follow it."""
    vacancies: int = 6000
    courses: int = 360
    persons: int = 1500

    def __post_init__(self) -> None:
        for name in ("vacancies", "courses", "persons"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


class DemoData:
    """The demo catalogs of one spec; each method starts a fresh, identical stream."""

    def __init__(self, spec: DemoSpec, employers: list[Employer]) -> None:
        self.spec = spec
        self.employers = employers
        """The employer pool behind the vacancies (a few thousand)."""

    def employer_records(self) -> Iterator[dict[str, object]]:
        """The ``employers`` rows of the pool: every vacancy's BIN has a full record."""
        return records(self.employers, seed=self.spec.seed, as_of=self.spec.as_of)

    def vacancies(self) -> Iterator[dict[str, object]]:
        return vacancies.stream(
            seed=self.spec.seed,
            count=self.spec.vacancies,
            as_of=self.spec.as_of,
            employers=self.employers,
            known_codes=_known_codes(),
        )

    def courses(self) -> Iterator[dict[str, object]]:
        return courses.stream(
            seed=self.spec.seed,
            count=self.spec.courses,
            as_of=self.spec.as_of,
            known_codes=_known_codes(),
        )

    def shelters(self) -> Iterator[dict[str, object]]:
        return shelters.stream(seed=self.spec.seed)

    def persons(self) -> Iterator[dict[str, object]]:
        return persons.stream(
            seed=self.spec.seed,
            count=self.spec.persons,
            as_of=self.spec.as_of,
            synonyms=_person_synonyms(),
        )


def generate(spec: DemoSpec) -> DemoData:
    """The demo data of ``spec``: the employer pool is built now, rows when iterated."""
    pool = employers(spec.seed, employer_count(spec.vacancies), spec.as_of)
    return DemoData(spec, pool)


@functools.cache
def _known_codes() -> frozenset[str]:
    """The demo's occupation codes that the shipped classifier knows (all of them, today)."""
    from catalogs.reference.occupations import occupations

    registry = occupations()
    data = tables()
    used = [*data.jobs, *(c for t in data.courses for c in t.codes)]
    used += [c for m in (*data.moocs_project, *data.moocs_shared) for c in m.codes]
    return frozenset(code for code in used if registry.get(code) is not None)


_SKIPPED_SYNONYMS = frozenset({"муж на час", "хаусмастер"})


@functools.cache
def _person_synonyms() -> dict[str, tuple[str, ...]]:
    """Colloquial ru/kk job titles from the occupation reference, for people's professions."""
    from catalogs.reference.occupations import occupations

    registry = occupations()
    found: dict[str, tuple[str, ...]] = {}
    for code in tables().jobs:
        occupation = registry.get(code)
        if occupation is None:
            continue
        found[code] = tuple(
            s
            for s in occupation.synonyms
            if s not in _SKIPPED_SYNONYMS
            and len(s.split()) <= 4
            and not any("a" <= ch.lower() <= "z" for ch in s)
        )
    return found
