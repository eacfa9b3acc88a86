"""The rules of an outcome history, on plain events (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalogs.outcomes.lifecycle import Event, problems

DAY = date(2026, 1, 10)


def ev(event: str, days: int = 0, *, ref: object = None, months: int | None = None,
       kind: str = "vacancy", item: str = "V1", person: str = "P1") -> Event:  # fmt: skip
    return Event(person, kind, item, event, DAY + timedelta(days=days), months, ref)


def codes(*events: Event) -> list[tuple[object, str]]:
    return [(v.ref, v.code) for v in problems(events)]


def test_retention_after_ninety_days_or_a_long_contract_is_accepted() -> None:
    assert codes(ev("hired", ref=1), ev("retained_3m", 90, ref=2)) == []
    assert codes(ev("retained_3m", 30, ref=2), ev("hired", ref=5, months=6)) == []
    assert codes(ev("hired"), ev("retained_3m", 30, ref=2, months=3)) == []


def test_retention_needs_a_hire_of_that_vacancy_on_or_before_it() -> None:
    assert codes(ev("retained_3m", 100, ref=2)) == [(2, "retained_without_hire")]
    assert codes(ev("hired", item="V2"), ev("retained_3m", 100, ref=2)) == [
        (2, "retained_without_hire")
    ]
    assert codes(ev("hired", 101), ev("retained_3m", 100, ref=2)) == [(2, "retained_without_hire")]
    assert codes(ev("hired", person="P2"), ev("retained_3m", 100, ref=2)) == [
        (2, "retained_without_hire")
    ]


def test_retention_too_soon_names_the_dates() -> None:
    (found,) = problems([ev("hired", months=2), ev("retained_3m", 89, ref=7)])
    assert found.code == "retained_too_soon"
    assert found.params == {"date": "2026-04-09", "hired": "2026-01-10", "days": 89}


def test_a_quit_between_hire_and_retention_contradicts_it_unless_rehired() -> None:
    history = [ev("hired"), ev("quit", 40), ev("retained_3m", 100, ref=3)]
    assert codes(*history) == [(3, "retained_after_quit")]
    assert codes(*history, ev("hired", 50, months=3)) == []  # re-hired with a long contract
    assert codes(*history, ev("hired", 50)) == [(3, "retained_too_soon")]
    # the quit is new, the retention already recorded: the quit is the row to blame
    recorded = [ev("hired"), ev("retained_3m", 100), ev("quit", 40, ref=9)]
    assert codes(*recorded) == [(9, "retained_after_quit")]


def test_quit_needs_a_hire() -> None:
    assert codes(ev("quit", 5, ref=1)) == [(1, "quit_without_hire")]
    assert codes(ev("quit", 5, ref=1), ev("hired", 5)) == []
    assert codes(ev("quit", 5, ref=1), ev("hired", 6, ref=2)) == [(1, "quit_without_hire")]


@pytest.mark.parametrize(
    ("event", "needed", "kind", "code"),
    [
        ("completed", "enrolled", "course", "completed_without_enrolment"),
        ("dropped", "enrolled", "course", "dropped_without_enrolment"),
        ("left", "admitted", "shelter", "left_without_admission"),
    ],
)
def test_courses_and_shelters(event: str, needed: str, kind: str, code: str) -> None:
    assert codes(ev(event, 3, ref=1, kind=kind)) == [(1, code)]
    assert codes(ev(event, 3, ref=1, kind=kind), ev(needed, 4, kind=kind)) == [(1, code)]
    assert codes(ev(event, 3, ref=1, kind=kind), ev(needed, 3, ref=2, kind=kind)) == []


def test_events_already_recorded_are_context_not_reported() -> None:
    assert codes(ev("quit", 5), ev("retained_3m", 5), ev("left", kind="shelter")) == []
    assert codes(ev("referred", ref=1), ev("rejected", ref=2), ev("hired", ref=3)) == []
