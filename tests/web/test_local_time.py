"""Moments on the pages are in Kazakhstan's time (UTC+5), whatever the database hands back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from service.web.pages import moment


def test_a_moment_kept_in_utc_reads_in_kazakhstan_time() -> None:
    assert moment(datetime(2026, 11, 30, 7, 5, tzinfo=UTC)) == "30.11.2026 12:05"


def test_a_moment_without_a_zone_is_utc_as_the_database_keeps_it() -> None:
    assert moment(datetime(2026, 12, 31, 21, 30, 9), seconds=True) == "01.01.2027 02:30:09"


def test_a_moment_in_another_zone_is_converted() -> None:
    moscow = timezone(timedelta(hours=3))
    assert moment(datetime(2026, 11, 30, 10, 0, tzinfo=moscow)) == "30.11.2026 12:00"


def test_no_moment_is_an_empty_cell() -> None:
    assert moment(None) == ""
