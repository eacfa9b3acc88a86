"""Outcome events: referrals, hires, 3-month retention, course and shelter stays
(CONTRACT.md, ``outcomes``).

An event is identified by everything it says (person, item, event, date): the same event
imported twice is one event. Whether the person and the item exist is the service's check,
since only the database knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from catalogs import enums
from catalogs.fields import Field, choice, identifier, integer, iso_date, text
from catalogs.schema import Problem, Record, RowCheck, Schema


def _event_fits_kind(record: Record) -> Iterator[Problem]:
    """A course is not hired into, a shelter not completed."""
    kind, event = record["item_kind"], record["event"]
    if event not in enums.EVENTS_BY_KIND[kind]:
        allowed = ", ".join(enums.EVENTS_BY_KIND[kind])
        yield Problem("event", "event_not_for_kind", {"kind": kind, "allowed": allowed})


def _not_in_future(today: date) -> RowCheck:
    def check(record: Record) -> Iterator[Problem]:
        if record["date"] > today:
            yield Problem("date", "date_in_future")

    return check


def schema(*, today: date) -> Schema:
    """The outcomes format, with dates checked against ``today``."""
    return Schema(
        kind="outcomes",
        key=("person_id", "item_kind", "item_id", "event", "date"),
        fields=(
            Field("person_id", identifier, required=True),
            Field("item_kind", choice(enums.ITEM_KINDS), required=True),
            Field("item_id", identifier, required=True),
            Field("event", choice(enums.EVENTS), required=True),
            Field("date", iso_date, required=True),
            Field("reason", text(120)),
            Field("contract_months", integer(0, 600)),
        ),
        checks=(_event_fits_kind, _not_in_future(today)),
    )
