"""The numbers of the referral clocks, each defined once, and the days they give.

- The other side answers within ``ANSWER_WORKING_DAYS`` working days of the referral; the
  employer is reminded after ``REMINDER_WORKING_DAYS``; a referral still unanswered after
  ``EXPIRY_WORKING_DAYS`` expires with reason ``no_answer``, which frees its place.
- A proposed (not yet sent) referral expires after ``EXPIRY_WORKING_DAYS`` too (``not_sent``).
- A hire is checked for retention ``law.RETENTION_DAYS`` after the contract started.
- A stay in a centre is booked for ``INITIAL_STAY_DAYS`` on arrival (or the centre's limit if
  shorter) and may be extended up to the centre's ``max_stay_days`` (at most 180).
- A vacancy or a centre whose capacity nobody confirmed for ``STALE_CAPACITY_DAYS`` leaves the
  lists; its owner is told ``STALE_NOTICE_DAYS`` before.
- After a decline the person is not proposed to the same employer again for the reason's
  cool-down (``decline_reasons.csv``).
Working days follow ``catalogs.workdays`` (Kazakhstan's calendar)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from catalogs import law
from catalogs.workdays import add_working_days

ANSWER_WORKING_DAYS: Final = 10
REMINDER_WORKING_DAYS: Final = (5, 8)
EXPIRY_WORKING_DAYS: Final = 20
INITIAL_STAY_DAYS: Final = 90
STALE_CAPACITY_DAYS: Final = 90
STALE_NOTICE_DAYS: Final = 14
STAY_ENDING_NOTICE_DAYS: Final = 14


def answer_due(sent_on: date) -> date:
    """The last working day for an answer."""
    return add_working_days(sent_on, ANSWER_WORKING_DAYS)


def reminder_days(sent_on: date) -> tuple[date, ...]:
    return tuple(add_working_days(sent_on, n) for n in REMINDER_WORKING_DAYS)


def expires_on(sent_on: date) -> date:
    """The day an unanswered referral expires: the first working day after the last of its
    ``EXPIRY_WORKING_DAYS``."""
    return add_working_days(sent_on, EXPIRY_WORKING_DAYS + 1)


def retention_due(contract_start: date) -> date:
    """The first day the 3-month retention may be reported (and is asked for)."""
    return contract_start + timedelta(days=law.RETENTION_DAYS)


def first_stay_until(arrived: date, max_stay_days: int) -> date:
    return arrived + timedelta(days=min(INITIAL_STAY_DAYS, max_stay_days) - 1)


def last_possible_stay_day(arrived: date, max_stay_days: int) -> date:
    return arrived + timedelta(days=min(max_stay_days, law.MAX_SHELTER_STAY_DAYS) - 1)


def capacity_is_stale(confirmed_on: date | None, today: date) -> bool:
    """``None`` (never confirmed, e.g. data from before confirmations were kept) is not stale:
    the first import or confirmation starts the count."""
    return confirmed_on is not None and (today - confirmed_on).days >= STALE_CAPACITY_DAYS


def capacity_notice_day(confirmed_on: date) -> date:
    return confirmed_on + timedelta(days=STALE_CAPACITY_DAYS - STALE_NOTICE_DAYS)
