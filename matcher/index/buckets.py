"""What every index shares: arrays of positions, the offence bits, and the threshold under
which a written title or profession is left unread."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from catalogs.enums import OFFENCE_CATEGORIES

Positions = npt.NDArray[np.int64]
EMPTY: Positions = np.empty(0, dtype=np.int64)
"""No positions (what a missing bucket holds)."""
NO_CODE = -1
TITLE_CUTOFF = 0.5
"""A vacancy title read below this confidence is left without an occupation: the title
reader's threshold (``matcher.reader.THRESHOLD``), where its calibrated confidence says "not
recognised"."""


def offence_bit(category: str | None) -> int:
    return 0 if category is None else 1 << OFFENCE_CATEGORIES.index(category)


def positions(groups: dict[object, list[int]]) -> dict[object, Positions]:
    """Buckets of positions as arrays."""
    return {key: np.asarray(value, dtype=np.int64) for key, value in groups.items()}
