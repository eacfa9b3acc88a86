"""All vacancies in columns and buckets: the occupation of each understood once (given, or
read from its title), the columns the rules and features read, buckets by occupation and
by region for entry-level jobs, and each region's median salary and open quota slots."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.eligibility import (
    NO_DATE,
    NO_RANK,
    VacancyColumns,
    quota_window_end,
)
from matcher.features.occupation import (
    SAME_MINOR_GROUP,
    SAME_SUB_MAJOR_GROUP,
    is_entry_level,
    skill_keys,
)
from matcher.features.pairs import VacancyFeatureColumns, VacancyView
from matcher.index.buckets import EMPTY, NO_CODE, TITLE_CUTOFF, Positions, offence_bit, positions
from matcher.profile import Vacancy, education_rank
from matcher.text import OccupationMatcher


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
        self.by_code = positions(by_code)
        self.by_minor = positions(by_minor)
        self.entry_by_region = positions(entry_by_region)
        self.median_salary = {
            region: float(np.median(values)) for region, values in salaries.items()
        }
        self.quota_gap = {region: dict(counter) for region, counter in gap.items()}
        self.regional_median = np.array(
            [self.median_salary.get(v.kato[:2], np.nan) for v in self.items], dtype=np.float64
        )
        self._views: dict[int, VacancyView] = {}
        self._skills: list[frozenset[str] | None] = [None] * n
        """Each vacancy's skills as the features compare them, read at its first list."""

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
            skills=self.skills([i])[0],
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
            skills=self.skills(pos.tolist()),
        )

    def skills(self, where: list[int]) -> list[frozenset[str]]:
        """The skills of the vacancies at ``where`` as the features compare them."""
        known = self._skills
        for i in where:
            if known[i] is None:
                known[i] = skill_keys(self.items[i].skills)
        return [known[i] or frozenset() for i in where]

    def candidates(self, codes: Iterable[str], regions: Iterable[str] | None) -> Positions:
        """Positions of vacancies of the same code or minor group, and entry-level ones in
        ``regions`` (all regions when None)."""
        chosen = np.zeros(len(self.items), dtype=bool)
        for code in codes:  # a code's bucket lies inside its minor group's
            chosen[self.by_minor.get(code[:3], EMPTY)] = True
        entry = self.entry_by_region
        for bucket in entry.values() if regions is None else (entry.get(r, EMPTY) for r in regions):
            chosen[bucket] = True
        result: Positions = np.flatnonzero(chosen)
        return result
