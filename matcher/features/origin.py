"""Where a person's distances are measured from.

A person's location is where they live, or will live after release (CONTRACT.md: not the
institution). For a person with a home that is where a day's journey starts. A person who
needs housing has no home there: when a centre of their shelter list that would take them in
lies within their commute of that town or village, they will sleep at it, so jobs and
courses are measured from the first such centre; otherwise from the town or village their
profile gives (a centre beyond the commute is not where they said they will live). A shelter
list itself is always measured from that town or village. Each reason that quotes a distance
says which (``matcher.explain``); an employer's view of a candidate never does (a need is not
theirs to see).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from matcher.profile import Person, Shelter

HOME = "home"
CENTRE = "centre"
TOWN = "town"
_QUOTED = re.compile(r"«([^«»]+)»")


@dataclass(frozen=True, slots=True)
class Origin:
    """What distances start from: the person's ``HOME``, an adaptation ``CENTRE`` (by its
    name), or, for a person without a home, the ``TOWN`` of their profile."""

    kind: str = HOME
    centre: str | None = None
    """The centre's name as a reason shows it (``short_name``), for ``CENTRE``."""


AT_HOME = Origin()
IN_TOWN = Origin(TOWN)


def short_name(name: str) -> str:
    """A centre's name as a sentence can carry it: its own name in quotes when the official
    one has one («Шапағат» of «Центр временной адаптации «Шапағат» для лиц…»), else the
    whole official name, quoted."""
    found = _QUOTED.search(name)
    return f"«{found.group(1)}»" if found else f"«{name}»"


def at_centre(person: Person, centre: Shelter) -> tuple[Person, Origin]:
    """The person as placed at ``centre`` (its coordinates, nothing else changed) and the
    origin their distances then have."""
    return replace(person, lat=centre.lat, lon=centre.lon), Origin(CENTRE, short_name(centre.name))


def shelter_origin(person: Person) -> Origin:
    """Where a shelter list measures from: home, or the profile's town for a person who
    needs housing."""
    return IN_TOWN if person.need_housing else AT_HOME
