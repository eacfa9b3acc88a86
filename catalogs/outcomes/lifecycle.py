"""Whether a history of outcome events makes sense, one (person, item) pair at a time.

A 3-month retention needs a hire three months earlier (or a contract of three months or
more), and no quit in between; a quit needs a hire; a course is completed or dropped after an
enrolment; a shelter is left after an admission. Dates are compared, not positions in a file:
the events of a pair may come in any order.

Pure: the caller gathers the events (from a file, from the database) as ``Event`` tuples.
Only events with a ``ref`` (the new ones: a line of a file, a record of a request) are
reported; events without one (already recorded) are context.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Final, NamedTuple

from catalogs import law

RETENTION_DAYS: Final = law.RETENTION_DAYS
RETENTION_CONTRACT_MONTHS: Final = law.FULFILMENT_MONTHS

NEEDS: Final[dict[str, tuple[str, str]]] = {
    "completed": ("enrolled", "completed_without_enrolment"),
    "dropped": ("enrolled", "dropped_without_enrolment"),
    "left": ("admitted", "left_without_admission"),
}
"""An event, the event that must come on or before it, and the problem when none does."""

EVENTS: Final = frozenset({"hired", "quit", "retained_3m", "enrolled", "admitted", *NEEDS})
"""The events the rules look at; the others (referred, applied, ...) never matter here."""
CHECKED: Final = frozenset({"quit", "retained_3m", *NEEDS})
"""The events that can be wrong: a pair is checked when a new one of these arrives."""


class Event(NamedTuple):
    person_id: str
    item_kind: str
    item_id: str
    event: str
    date: date
    contract_months: int | None = None
    ref: object = None
    """Where a new event came from (e.g. a line number); None for one already recorded."""


class Violation(NamedTuple):
    ref: object
    code: str
    params: Mapping[str, object]


def problems(events: Iterable[Event]) -> list[Violation]:
    """Every rule a new event breaks, in the order the pairs are first met."""
    pairs: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
    for event in events:
        if event.event in EVENTS:
            pairs[event.person_id, event.item_kind, event.item_id].append(event)
    found: list[Violation] = []
    for history in pairs.values():
        if any(e.ref is not None and e.event in CHECKED for e in history):
            found.extend(_pair(history))
    return found


def _pair(history: list[Event]) -> Iterator[Violation]:
    dated: dict[str, list[Event]] = defaultdict(list)
    for event in sorted(history, key=lambda e: e.date):
        dated[event.event].append(event)
    hires = dated["hired"]
    hire_dates = [e.date for e in hires]
    for quit in dated["quit"]:
        if quit.ref is not None and (not hire_dates or hire_dates[0] > quit.date):
            yield Violation(quit.ref, "quit_without_hire", {"date": quit.date.isoformat()})
    for retained in dated["retained_3m"]:
        yield from _retention(retained, hires, hire_dates, dated["quit"])
    for name, (needed, code) in NEEDS.items():
        first = dated[needed][0].date if dated[needed] else None
        for late in dated[name]:
            if late.ref is not None and (first is None or first > late.date):
                yield Violation(late.ref, code, {"date": late.date.isoformat()})


def _retention(
    retained: Event, hires: list[Event], hire_dates: list[date], quits: list[Event]
) -> Iterator[Violation]:
    """The latest hire on or before the retention counts (a re-hire starts a new job)."""
    at = bisect_right(hire_dates, retained.date)
    day = retained.date.isoformat()
    if at == 0:
        if retained.ref is not None:
            yield Violation(retained.ref, "retained_without_hire", {"date": day})
        return
    hire = hires[at - 1]
    between = [q for q in quits if hire.date <= q.date <= retained.date]
    for quit in between:
        ref = retained.ref if retained.ref is not None else quit.ref
        if ref is not None:
            dates = {"date": day, "hired": hire.date.isoformat(), "quit": quit.date.isoformat()}
            yield Violation(ref, "retained_after_quit", dates)
            return
    if retained.ref is None:
        return
    days = (retained.date - hire.date).days
    contract = max(hire.contract_months or 0, retained.contract_months or 0)
    if days < RETENTION_DAYS and contract < RETENTION_CONTRACT_MONTHS:
        params: dict[str, object] = {"date": day, "hired": hire.date.isoformat(), "days": days}
        yield Violation(retained.ref, "retained_too_soon", params)
