"""Indexes that make shortlists fast at national scale: columns of numbers for every item, and
buckets of item positions by occupation and region, so that a query touches only the items
that could fit and scores them with array arithmetic before the exact features are computed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from catalogs.enums import OFFENCE_CATEGORIES
from matcher.eligibility import (
    NO_DATE,
    NO_RANK,
    VacancyColumns,
    admits,
    custody_institution,
    institution_number,
    quota_window_end,
)
from matcher.features.geo import haversine_many
from matcher.features.occupation import (
    SAME_MINOR_GROUP,
    SAME_SUB_MAJOR_GROUP,
    is_entry_level,
    skill_keys,
)
from matcher.features.pairs import SHELTER_NEAR_JOB_KM, VacancyFeatureColumns, VacancyView
from matcher.profile import Course, Person, Shelter, Vacancy, education_rank
from matcher.text import OccupationMatch, OccupationMatcher

Positions = npt.NDArray[np.int64]
_EMPTY: Positions = np.empty(0, dtype=np.int64)
NO_CODE = -1
TITLE_CUTOFF = 0.5
"""A vacancy title read below this confidence is left without an occupation: the title
reader's threshold (``matcher.reader.THRESHOLD``), where its calibrated confidence says "not
recognised"."""


def offence_bit(category: str | None) -> int:
    return 0 if category is None else 1 << OFFENCE_CATEGORIES.index(category)


def _positions(groups: dict[object, list[int]]) -> dict[object, Positions]:
    return {key: np.asarray(value, dtype=np.int64) for key, value in groups.items()}


def occupation_prescore(
    codes: npt.NDArray[np.int64], person_codes: dict[str, float], entry: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """The occupation fit of many items at once (the same scale as ``occupation_fit``)."""
    score = np.zeros(len(codes))
    for code, confidence in person_codes.items():
        value = int(code)
        fit = np.where(
            codes == value,
            1.0,
            np.where(
                codes // 10 == value // 10,
                SAME_MINOR_GROUP,
                np.where(codes // 100 == value // 100, SAME_SUB_MAJOR_GROUP, 0.0),
            ),
        )
        score = np.maximum(score, fit * confidence * (codes >= 0))
    floor = 0.3 if person_codes else 0.55
    result: npt.NDArray[np.float64] = np.maximum(score, np.where(entry, floor, 0.0))
    return result


class VacancyIndex:
    """All vacancies, with their occupation understood once, in columns and buckets."""

    def __init__(self, vacancies: Sequence[Vacancy], *, matcher: OccupationMatcher, today: date):
        self.items = list(vacancies)
        self.today = today
        self.position = {v.vacancy_id: i for i, v in enumerate(self.items)}
        untitled = list(dict.fromkeys(v.title for v in self.items if v.occupation_code is None))
        read = dict(
            zip(untitled, matcher.match_many(untitled, limit=1, cutoff=TITLE_CUTOFF), strict=True)
        )
        n = len(self.items)
        self.code = np.full(n, NO_CODE, dtype=np.int64)
        self.code_confidence = np.ones(n)
        self.lat = np.empty(n)
        self.lon = np.empty(n)
        self.open = np.zeros(n, dtype=bool)
        self.quota_open = np.zeros(n, dtype=bool)
        self.entry = np.zeros(n, dtype=bool)
        self.excluded = np.zeros(n, dtype=np.int64)
        self.is_quota = np.zeros(n, dtype=bool)
        self.quota_slots = np.zeros(n, dtype=np.int64)
        self.quota_end = np.full(n, NO_DATE, dtype=np.int64)
        self.education_need = np.full(n, NO_RANK, dtype=np.int64)
        self.experience_need = np.zeros(n)
        self.salary = np.full(n, np.nan)
        self.housing = np.zeros(n, dtype=bool)
        by_code: dict[object, list[int]] = defaultdict(list)
        by_minor: dict[object, list[int]] = defaultdict(list)
        entry_by_region: dict[object, list[int]] = defaultdict(list)
        salaries: dict[str, list[int]] = defaultdict(list)
        gap: dict[str, Counter[str]] = defaultdict(Counter)
        for i, v in enumerate(self.items):
            code = v.occupation_code
            if code is None and (found := read.get(v.title)):
                code = found[0].code
                self.code_confidence[i] = found[0].confidence
            self.code[i] = int(code) if code is not None else NO_CODE
            self.lat[i], self.lon[i] = v.lat, v.lon
            self.open[i] = v.status == "open"
            end = quota_window_end(v)
            self.is_quota[i], self.quota_slots[i] = v.is_quota, v.quota_slots
            if end is not None:
                self.quota_end[i] = end.toordinal()
            rank = education_rank(v.education_min)
            self.education_need[i] = NO_RANK if rank is None else rank
            self.experience_need[i] = v.experience_min_years
            if v.salary_kzt is not None:
                self.salary[i] = v.salary_kzt
            self.housing[i] = v.provides_housing
            self.quota_open[i] = bool(
                v.is_quota
                and v.quota_slots > 0
                and end is not None
                and v.quota_from is not None
                and v.quota_from <= today <= end
            )
            self.entry[i] = is_entry_level(code, v.education_min, v.experience_min_years)
            for category in v.excluded_offences:
                self.excluded[i] |= offence_bit(category)
            region = v.kato[:2]
            if code is not None:
                by_code[code].append(i)
                by_minor[code[:3]].append(i)
            if self.entry[i]:
                entry_by_region[region].append(i)
            if v.salary_kzt is not None and self.open[i]:
                salaries[region].append(v.salary_kzt)
            if self.quota_open[i] and self.open[i] and code is not None:
                gap[region][code] += v.quota_slots
        self.by_code = _positions(by_code)
        self.by_minor = _positions(by_minor)
        self.entry_by_region = _positions(entry_by_region)
        self.median_salary = {
            region: float(np.median(values)) for region, values in salaries.items()
        }
        self.quota_gap = {region: dict(counter) for region, counter in gap.items()}
        self.regional_median = np.array(
            [self.median_salary.get(v.kato[:2], np.nan) for v in self.items], dtype=np.float64
        )
        self._views: dict[int, VacancyView] = {}

    def __len__(self) -> int:
        return len(self.items)

    def code_of(self, i: int) -> str | None:
        value = int(self.code[i])
        return None if value == NO_CODE else f"{value:04d}"

    def view(self, i: int) -> VacancyView:
        """The vacancy at position ``i`` as the features see it (cached: lists overlap)."""
        found = self._views.get(i)
        if found is None:
            if len(self._views) > 200_000:
                self._views.clear()
            found = self._views[i] = self._view(i)
        return found

    def _view(self, i: int) -> VacancyView:
        v = self.items[i]
        return VacancyView(
            vacancy=v,
            code=self.code_of(i),
            code_confidence=float(self.code_confidence[i]),
            entry_level=bool(self.entry[i]),
            skills=skill_keys(v.skills),
            quota_open=bool(self.quota_open[i]),
            quota_until=quota_window_end(v) if v.is_quota else None,
        )

    def rules(self, pos: Positions) -> VacancyColumns:
        """What the rules of the vacancy list read, of the vacancies at ``pos``."""
        return VacancyColumns(
            open=self.open[pos],
            is_quota=self.is_quota[pos],
            quota_slots=self.quota_slots[pos],
            quota_end=self.quota_end[pos],
            excluded=self.excluded[pos],
            education_need=self.education_need[pos],
        )

    def features(self, pos: Positions) -> VacancyFeatureColumns:
        """What the features of a pair read, of the vacancies at ``pos``."""
        return VacancyFeatureColumns(
            code=self.code[pos],
            code_confidence=self.code_confidence[pos],
            entry=self.entry[pos],
            quota_open=self.quota_open[pos],
            education_need=self.education_need[pos],
            experience_need=self.experience_need[pos],
            salary=self.salary[pos],
            regional_median=self.regional_median[pos],
            provides_housing=self.housing[pos],
            lat=self.lat[pos],
            lon=self.lon[pos],
            skills=[self.view(i).skills for i in pos.tolist()],
        )

    def candidates(self, codes: Iterable[str], regions: Iterable[str] | None) -> Positions:
        """Positions of vacancies of the same code or minor group, and entry-level ones in
        ``regions`` (all regions when None)."""
        chosen = np.zeros(len(self.items), dtype=bool)
        for code in codes:  # a code's bucket lies inside its minor group's
            chosen[self.by_minor.get(code[:3], _EMPTY)] = True
        entry = self.entry_by_region
        for bucket in (
            entry.values() if regions is None else (entry.get(r, _EMPTY) for r in regions)
        ):
            chosen[bucket] = True
        result: Positions = np.flatnonzero(chosen)
        return result


class PersonIndex:
    """Persons in columns and buckets, for a vacancy's list of candidates."""

    def __init__(self, persons: Sequence[Person], *, matcher: OccupationMatcher):
        self.items = list(persons)
        self.position = {p.person_id: i for i, p in enumerate(self.items)}
        texts = list(dict.fromkeys(t for p in self.items for t in p.professions))
        read = dict(
            zip(texts, matcher.match_many(texts, limit=1, cutoff=TITLE_CUTOFF), strict=True)
        )
        n = len(self.items)
        self.codes: list[dict[str, float]] = []
        self.sources: list[dict[str, str]] = []
        self.lat = np.array([p.lat for p in self.items], dtype=np.float64)
        self.lon = np.array([p.lon for p in self.items], dtype=np.float64)
        self.commute = np.array([p.max_commute_km for p in self.items], dtype=np.float64)
        self.relocation = np.array([p.relocation_ok for p in self.items], dtype=bool)
        self.offence = np.zeros(n, dtype=np.int64)
        by_code: dict[object, list[int]] = defaultdict(list)
        by_minor: dict[object, list[int]] = defaultdict(list)
        without_trade: list[int] = []
        for i, person in enumerate(self.items):
            codes, sources = person_codes(
                person.professions,
                read,
                confirmed=person.confirmed_occupation,
                confirmed_text=person.confirmed_text,
            )
            self.codes.append(codes)
            self.sources.append(sources)
            self.offence[i] = offence_bit(person.offence_category)
            for code in codes:
                by_code[code].append(i)
                by_minor[code[:3]].append(i)
            if not codes:
                without_trade.append(i)
        self.by_code = _positions(by_code)
        self.by_minor = _positions(by_minor)
        self.without_trade = np.asarray(without_trade, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.items)

    def candidates(self, code: str | None, *, entry_level: bool) -> Positions:
        empty = np.empty(0, dtype=np.int64)
        parts = [empty]
        if code is not None:
            parts += [self.by_code.get(code, empty), self.by_minor.get(code[:3], empty)]
        if entry_level:
            parts.append(self.without_trade)
        return np.unique(np.concatenate(parts))


def person_codes(
    professions: Sequence[str],
    read: Mapping[str, list[OccupationMatch]] | None = None,
    matcher: OccupationMatcher | None = None,
    *,
    confirmed: str | None = None,
    confirmed_text: str | None = None,
) -> tuple[dict[str, float], dict[str, str]]:
    """The person's occupations (code → confidence) from the professions as written, and which
    text each code was read from; ``read`` holds texts already matched, else ``matcher`` reads
    them now. A ``confirmed`` code (an officer's) is certain and replaces the reading of the
    text it answers, ``confirmed_text``."""
    if confirmed is not None:
        professions = [text for text in professions if text != confirmed_text]
    if read is None:
        assert matcher is not None
        read = {text: matcher.match(text, limit=1, cutoff=TITLE_CUTOFF) for text in professions}
    codes: dict[str, float] = {} if confirmed is None else {confirmed: 1.0}
    sources: dict[str, str] = {}  # a confirmed code is shown by its title, not by the text
    for text in professions:
        for match in read.get(text, []):
            if match.confidence > codes.get(match.code, 0.0):
                codes[match.code] = match.confidence
                sources[match.code] = text
    return codes, sources


class CourseIndex:
    def __init__(self, courses: Sequence[Course]):
        self.items = list(courses)
        self.position = {c.course_id: i for i, c in enumerate(self.items)}
        self.lat = np.array([np.nan if c.lat is None else c.lat for c in self.items])
        self.lon = np.array([np.nan if c.lon is None else c.lon for c in self.items])
        self.online = np.array(
            [c.format == "online" or c.lat is None for c in self.items], dtype=bool
        )
        self.custody = np.array([c.available_in_custody for c in self.items], dtype=bool)
        self.institution = np.array(
            [institution_number(custody_institution(c)) or "" for c in self.items], dtype=object
        )
        """The number of the institution a course is held in ("" for one open outside)."""
        far_future = date.max.toordinal()
        self.starts = np.array(
            [far_future if c.starts_on is None else c.starts_on.toordinal() for c in self.items],
            dtype=np.int64,
        )
        self.dated = np.array([c.starts_on is not None for c in self.items], dtype=bool)
        self.full = np.array([c.seats is not None and c.seats <= 0 for c in self.items], dtype=bool)
        self.general = np.array([not c.occupation_codes for c in self.items], dtype=bool)
        by_code: dict[object, list[int]] = defaultdict(list)
        for i, c in enumerate(self.items):
            for code in c.occupation_codes:
                by_code[code].append(i)
        self.by_code = _positions(by_code)

    def leading_to(self, codes: Iterable[str]) -> npt.NDArray[np.bool_]:
        """A mask of the courses that lead to any of ``codes``."""
        mask = np.zeros(len(self.items), dtype=bool)
        for code in codes:
            mask[self.by_code.get(code, _EMPTY)] = True
        return mask

    def __len__(self) -> int:
        return len(self.items)


class ShelterIndex:
    def __init__(self, shelters: Sequence[Shelter]):
        self.items = list(shelters)
        self.position = {s.shelter_id: i for i, s in enumerate(self.items)}
        self.lat = np.array([s.lat for s in self.items], dtype=np.float64)
        self.lon = np.array([s.lon for s in self.items], dtype=np.float64)
        self.free = np.array([s.free_beds for s in self.items], dtype=np.int64)
        self._near = lru_cache(maxsize=65536)(self._around)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without its cache of nearby centres (made again when loaded)."""
        return {name: value for name, value in vars(self).items() if name != "_near"}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._near = lru_cache(maxsize=65536)(self._around)

    def __len__(self) -> int:
        return len(self.items)

    def nearest_admitting(
        self, person: Person, today: date
    ) -> Callable[[float, float], tuple[int, float] | None]:
        """For a point (a job), the free beds and distance of the nearest centre within 50 km
        that would take ``person`` in (``eligibility.admits``: the rules of the shelter list)."""

        def nearest(lat: float, lon: float) -> tuple[int, float] | None:
            for i, km in self._near(round(lat, 3), round(lon, 3)):
                if admits(person, self.items[i], today):
                    return int(self.free[i]), km
            return None

        return nearest

    def _around(self, lat: float, lon: float) -> tuple[tuple[int, float], ...]:
        """Centres with a free bed within 50 km of the point, nearest first."""
        if not self.items:
            return ()
        km = haversine_many(lat, lon, self.lat, self.lon)
        near = np.flatnonzero((self.free > 0) & (km <= SHELTER_NEAR_JOB_KM))
        return tuple((int(i), float(km[i])) for i in near[np.argsort(km[near], kind="stable")])
