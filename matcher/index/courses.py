"""Courses in columns: where and when each is held, whether inside an institution, which
occupations it leads to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.eligibility import (
    custody_institution,
    institution_number,
)
from matcher.index.buckets import EMPTY, positions
from matcher.profile import Course


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
        self.by_code = positions(by_code)

    def leading_to(self, codes: Iterable[str]) -> npt.NDArray[np.bool_]:
        """A mask of the courses that lead to any of ``codes``."""
        mask = np.zeros(len(self.items), dtype=bool)
        for code in codes:
            mask[self.by_code.get(code, EMPTY)] = True
        return mask

    def __len__(self) -> int:
        return len(self.items)
