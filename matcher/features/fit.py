"""Education, experience, salary and distance, each as a number in [0, 1]."""

from __future__ import annotations

import math

from matcher.profile import education_rank

UNKNOWN_EDUCATION = 0.7
UNKNOWN_SALARY = 0.4
RELOCATION_SCALE_KM = 500.0


def education_fit(have: str | None, need: str) -> float:
    """1 when the person meets the minimum, 0.5 one level below, 0 further below."""
    have_rank, need_rank = education_rank(have), education_rank(need)
    if have_rank is None or need_rank is None:
        return UNKNOWN_EDUCATION
    gap = need_rank - have_rank
    return 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0


def experience_fit(have: float, need: float) -> float:
    return 1.0 if need <= 0 or have >= need else max(0.0, have / need)


def salary_fit(salary: int | None, regional_median: float | None) -> float:
    """0 at 60% of the region's median vacancy salary, 1 at 140% and above."""
    if salary is None or not regional_median:
        return UNKNOWN_SALARY
    return min(1.0, max(0.0, (salary / regional_median - 0.6) / 0.8))


def proximity(km: float, commute_km: float, *, relocation_ok: bool) -> float:
    """1 at home, 0.3 at the edge of the person's commute; beyond it (only when the person can
    move) a small value that decays with distance."""
    commute = max(commute_km, 5.0)
    if km <= commute:
        return 1.0 - 0.7 * km / commute
    return 0.25 * math.exp(-km / RELOCATION_SCALE_KM) if relocation_ok else 0.0
