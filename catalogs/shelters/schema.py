"""Temporary adaptation centres (CONTRACT.md, ``shelters``)."""

from __future__ import annotations

from collections.abc import Iterator

from catalogs import enums
from catalogs.fields import Field, boolean, choice, identifier, integer, list_of, text
from catalogs.location import resolve_location
from catalogs.schema import LOCATION_FIELDS, Problem, Record, Schema


def _occupancy(record: Record) -> Iterator[Problem]:
    """No more people in a centre than it has beds."""
    if record["occupied"] > record["capacity"]:
        yield Problem("occupied", "occupied_over_capacity", {"capacity": record["capacity"]})


SCHEMA = Schema(
    kind="shelters",
    key=("shelter_id",),
    fields=(
        Field("shelter_id", identifier, required=True),
        Field("name", text(300), required=True),
        Field("operator", text(300)),
        *LOCATION_FIELDS,
        Field("address", text(500)),
        Field("capacity", integer(1, 10_000), required=True),
        Field("occupied", integer(0, 10_000), default=0),
        Field(
            "max_stay_days",
            integer(1, enums.MAX_SHELTER_STAY_DAYS),
            default=enums.MAX_SHELTER_STAY_DAYS,
        ),
        Field("accepts", choice(enums.SHELTER_ACCEPTS), default="all"),
        Field("min_age", integer(14, 100), default=18),
        Field("services", list_of(choice(enums.SHELTER_SERVICES)), default=()),
        Field("admits_substance_use", boolean, default=False),
        Field("phone", text(40)),
    ),
    checks=(resolve_location(required=True), _occupancy),
    accepted_only=frozenset({"region", "locality"}),
)
