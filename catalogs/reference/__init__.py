"""Reference data shipped with the project (occupations, classifiers, places), read from
``catalogs/reference/data``."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of the shipped data file ``name``, as dictionaries."""
    text = resources.files("catalogs.reference").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))
