"""The numbers the law sets, each defined once (see DOMAIN.md). The engine, the service, the
demo data and the reports all read them from here, so that a list, a ledger and ``matcher
stats`` agree on every day, edges included."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

QUOTA_OFFER_MONTHS: Final = 6
"""An employer must offer its quota jobs within 6 calendar months of the quota's start (Rules
approved by Order No. 412 of 26 May 2016)."""
FULFILMENT_MONTHS: Final = 3
"""A quota is fulfilled by a labour contract of at least 3 months (Order No. 412)."""
RETENTION_DAYS: Final = 90
"""The 3 months of a fulfilled quota, counted in days where a day count is needed (a job kept
this long after the hire counts as kept)."""
MAX_SHELTER_STAY_DAYS: Final = 180
"""A stay in a temporary adaptation centre lasts up to 6 months."""

AGE_BANDS: Final = ((18, 24), (25, 34), (35, 44), (45, 54), (55, None))
"""The age bands used wherever people are grouped by age: the fairness audit, the allocation's
group guard and what employers see of a candidate."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier if negative); the last day of the
    month when that month is shorter (31 August + 6 months = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quota_window_closes(start: date) -> date:
    """The first day on which a quota that started on ``start`` may no longer be offered."""
    return add_months(start, QUOTA_OFFER_MONTHS)


def quota_window_last_day(start: date) -> date:
    return quota_window_closes(start) - timedelta(days=1)


def quota_window_open(start: date, today: date) -> bool:
    return start <= today < quota_window_closes(start)


def earliest_open_quota_start(today: date) -> date:
    """The earliest start whose window is still open on ``today``: for a database query,
    ``quota_from >= earliest_open_quota_start(today) and quota_from <= today``."""
    start = add_months(today, -QUOTA_OFFER_MONTHS) - timedelta(days=4)
    while quota_window_closes(start) <= today:
        start += timedelta(days=1)
    return start


def quota_obligation(headcount: int | None, percent: float | None) -> int | None:
    """The jobs an employer owes under its quota: ``headcount × percent / 100`` (Order No. 412
    sets the quota as a percentage of the list headcount), rounded half up to a whole job, and
    at least 1 job when the percentage and the headcount are both positive. None when either
    is unknown.

    The Order fixes no rounding. Half up is the rounding people do by hand (2.5 jobs are 3);
    the floor of one job keeps a quota the akimat did set from vanishing at a small employer
    (2 % of 20 people is 0.4 of a job, yet the employer was given a quota). docs/reports.md.
    """
    if headcount is None or percent is None:
        return None
    if headcount < 0 or percent < 0:
        raise ValueError("headcount and percent must not be negative")
    exact = Decimal(headcount) * Decimal(str(percent)) / 100
    jobs = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if percent > 0 and headcount > 0:
        return max(1, jobs)
    return jobs


def age_band(age: int | None) -> str:
    """``18–24``, ``25–34``, ``35–44``, ``45–54``, ``55+``; ``unknown`` without an age (an
    age under 18 counts in the first band: nobody younger is in the data)."""
    if age is None:
        return "unknown"
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            return f"{low}–{high}" if high is not None else f"{low}+"
    raise AssertionError("unreachable")
