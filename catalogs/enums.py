"""The closed vocabularies of the exchange formats (CONTRACT.md), in one place."""

from __future__ import annotations

from typing import Final

EDUCATION_LEVELS: Final = (
    "none",
    "primary",
    "basic_secondary",
    "general_secondary",
    "vocational",
    "higher",
)
"""Lowest to highest: the position in this tuple is the level's rank."""

EMPLOYMENT_TYPES: Final = ("full", "part", "shift", "seasonal")
VACANCY_STATUSES: Final = ("open", "closed")
PROGRAMMES: Final = ("enbek", "atameken", "college", "mooc", "other")
COURSE_FORMATS: Final = ("online", "offline", "blended")
LANGUAGES: Final = ("kk", "ru", "en")
SHELTER_ACCEPTS: Final = ("men", "women", "all")
SHELTER_SERVICES: Final = (
    "meals",
    "psychologist",
    "legal",
    "employment",
    "medical",
    "laundry",
    "training",
    "documents",
    "addiction",
)
SEXES: Final = ("m", "f")
PERSON_STATUSES: Final = ("in_custody", "released", "probation")
PROBATION_KINDS: Final = ("pretrial", "sentence", "penitentiary", "post_penitentiary")
FAMILY_TIES: Final = ("none", "tense", "supportive")
OFFENCE_CATEGORIES: Final = ("violent", "property", "drug", "economic", "traffic", "other")
ITEM_KINDS: Final = ("vacancy", "course", "shelter")
EVENTS_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    "vacancy": ("referred", "applied", "interviewed", "hired", "rejected", "quit", "retained_3m"),
    "course": ("referred", "enrolled", "completed", "dropped"),
    "shelter": ("referred", "admitted", "left"),
}
EVENTS: Final = tuple(dict.fromkeys(e for events in EVENTS_BY_KIND.values() for e in events))

STATUS_PROBATION_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "in_custody": ("penitentiary",),
    "released": ("post_penitentiary",),
    "probation": ("sentence", "pretrial"),
}
"""Which probation kinds go with which status; the first is the default."""

MAX_SHELTER_STAY_DAYS: Final = 180
"""A temporary adaptation centre gives a stay of up to six months (DOMAIN.md)."""
