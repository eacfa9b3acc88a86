"""Decline reasons as data (``decline_reasons.csv``): each with its cool-down (days during
which the person is not proposed to that employer again) and a suggested message to the
officer in Kazakh, Russian and English."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from catalogs import enums

FILE = Path(__file__).with_name("decline_reasons.csv")


@dataclass(frozen=True)
class DeclineReason:
    code: str
    cooldown_days: int
    message: dict[str, str]


@cache
def decline_reasons() -> dict[str, DeclineReason]:
    with FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    reasons = {
        row["code"]: DeclineReason(
            row["code"],
            int(row["cooldown_days"]),
            {lang: row[f"message_{lang}"] for lang in ("kk", "ru", "en")},
        )
        for row in rows
    }
    if set(reasons) != set(enums.REASONS_BY_EVENT["rejected"]):
        raise ValueError(f"{FILE.name} must list exactly the decline reasons of enums")
    return reasons


def cooldown_days(reason: str | None) -> int:
    """Days after a decline for ``reason`` before the person is proposed to that employer
    again (a decline without a known reason counts as ``other``)."""
    table = decline_reasons()
    return (table.get(reason or "other") or table["other"]).cooldown_days
