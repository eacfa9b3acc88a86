"""Working days in Kazakhstan: weekends, public holidays and the days moved by government
decree (a Saturday made a working day, a bridge Monday made a day off), from the maintained
``holidays`` calendar. Every deadline counted "in working days" is counted here."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase


@lru_cache(maxsize=8)
def _calendar(first_year: int, last_year: int) -> HolidayBase:
    import holidays  # its calendars take a tenth of a second to import: only when counting

    return holidays.country_holidays("KZ", years=range(first_year, last_year + 1))


def _for(*days: date) -> HolidayBase:
    low = min(day.year for day in days)
    high = max(day.year for day in days)
    # whole decades, so that the cache holds a few calendars, not one per pair of years
    return _calendar(low - low % 10, high - high % 10 + 10)


def is_working_day(day: date) -> bool:
    return bool(_for(day).is_working_day(day))


@lru_cache(maxsize=65536)
def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted; 0 gives
    ``day``). Counting from a Friday, 1 is the next working Monday."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    left = count
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset))
    )
