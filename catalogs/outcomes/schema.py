"""Outcome events: referrals, hires, 3-month retention, course and shelter stays
(CONTRACT.md, ``outcomes``).

An event is identified by everything it says (person, item, event, date): the same event
imported twice is one event. A ``reason`` is a code from ``enums.REASONS_BY_EVENT``. Whether the person and the item exist is the service's check,
since only the database knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from catalogs import enums
from catalogs.fields import Field, choice, identifier, integer, iso_date, text
from catalogs.schema import Problem, Record, RowCheck, Schema

_as_text = text(40)


def _reason_code(value: object) -> str:
    """A reason code, any case; whether it fits the event is a row check."""
    return str(_as_text(value)).casefold()


def _event_fits_kind(record: Record) -> Iterator[Problem]:
    """A course is not hired into, a shelter not completed."""
    kind, event = record["item_kind"], record["event"]
    if event not in enums.EVENTS_BY_KIND[kind]:
        allowed = ", ".join(enums.EVENTS_BY_KIND[kind])
        yield Problem("event", "event_not_for_kind", {"kind": kind, "allowed": allowed})


def _reason_fits_event(record: Record) -> Iterator[Problem]:
    """A reason is one of the codes of its event (``enums.REASONS_BY_EVENT``), or absent."""
    reason, event = record["reason"], record["event"]
    if reason is None:
        return
    allowed = enums.REASONS_BY_EVENT.get(event, ())
    if reason not in allowed:
        if allowed:
            params = {"value": reason, "event": event, "allowed": ", ".join(allowed)}
            yield Problem("reason", "unknown_reason", params)
        else:
            yield Problem("reason", "reason_not_for_event", {"value": reason, "event": event})


EARLIEST = date(2000, 1, 1)
"""No event of this service's people can be older: the service and the quota law are recent."""


def _not_before_2000(record: Record) -> Iterator[Problem]:
    if record["date"] < EARLIEST:
        yield Problem("date", "date_before_2000")


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
            Field("reason", _reason_code),
            Field("contract_months", integer(0, 600)),
        ),
        checks=(_event_fits_kind, _reason_fits_event, _not_before_2000, _not_in_future(today)),
    )
