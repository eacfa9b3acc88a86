"""Courses in columns: where and when each is held, whether inside an institution, which
occupations it leads to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from matcher.eligibility import (
    NO_DATE,
    NO_RANK,
    CourseColumns,
    custody_institution,
    institution_number,
    language_bits,
)
from matcher.features.columns import CourseFeatureColumns
from matcher.index.buckets import EMPTY, Positions, positions
from matcher.profile import Course, education_rank


class CourseIndex:
    def __init__(self, courses: Sequence[Course]):
        self.items = list(courses)
        self.position = {c.course_id: i for i, c in enumerate(self.items)}
        self.lat = np.array([np.nan if c.lat is None else c.lat for c in self.items])
        self.lon = np.array([np.nan if c.lon is None else c.lon for c in self.items])
        self.online = np.array(
            [c.format == "online" or c.lat is None or c.lon is None for c in self.items],
            dtype=bool,
        )
        """Online, or with no place given: distances are not read."""
        self.custody = np.array([c.available_in_custody for c in self.items], dtype=bool)
        self.institution = np.array(
            [institution_number(custody_institution(c)) or "" for c in self.items], dtype=object
        )
        """The number of the institution a course is held in ("" for one open outside)."""
        self.starts = np.array(
            [NO_DATE if c.starts_on is None else c.starts_on.toordinal() for c in self.items],
            dtype=np.int64,
        )
        self.dated = np.array([c.starts_on is not None for c in self.items], dtype=bool)
        self.full = np.array([c.seats is not None and c.seats <= 0 for c in self.items], dtype=bool)
        self.general = np.array([not c.occupation_codes for c in self.items], dtype=bool)
        self.education_need = np.array(
            [NO_RANK if (r := education_rank(c.education_min)) is None else r for c in self.items],
            dtype=np.int64,
        )
        self.language_bit = {
            language: 1 << n
            for n, language in enumerate(sorted({x for c in self.items for x in c.languages}))
        }
        self.languages = np.array(
            [language_bits(c.languages, self.language_bit) for c in self.items], dtype=np.int64
        )
        self.free = np.array([c.cost_kzt == 0 for c in self.items], dtype=bool)
        self.seats = np.array(
            [np.nan if c.seats is None else c.seats for c in self.items], dtype=np.float64
        )
        by_code: dict[object, list[int]] = defaultdict(list)
        for i, c in enumerate(self.items):
            for code in c.occupation_codes:
                by_code[code].append(i)
        self.by_code = positions(by_code)

    def leading_to(self, codes: Iterable[str]) -> npt.NDArray[np.bool_]:
        """A mask of the courses that lead to any of ``codes``."""
        mask = np.zeros(len(self.items), dtype=bool)
        for code in codes:
            mask[self.by_code.get(code, EMPTY)] = True
        return mask

    def __len__(self) -> int:
        return len(self.items)

    def rules(self, pos: Positions) -> CourseColumns:
        """What the rules of the course list read, of the courses at ``pos``."""
        return CourseColumns(
            starts=self.starts[pos],
            full=self.full[pos],
            custody=self.custody[pos],
            institution=self.institution[pos],
            placeless=self.online[pos],
            education_need=self.education_need[pos],
            languages=self.languages[pos],
            language_bit=self.language_bit,
        )

    def features(self, pos: Positions, relevance: npt.NDArray[np.float64]) -> CourseFeatureColumns:
        """What the features of a pair read, of the courses at ``pos`` (``relevance``: of
        every course, ``features.columns.course_relevance``)."""
        return CourseFeatureColumns(
            starts=self.starts[pos],
            custody=self.custody[pos],
            placeless=self.online[pos],
            free=self.free[pos],
            seats=self.seats[pos],
            relevance=relevance[pos],
        )
