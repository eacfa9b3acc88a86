"""The closed vocabularies of the exchange formats (CONTRACT.md), in one place."""

from __future__ import annotations

from typing import Final

from catalogs import law

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

REASONS_BY_EVENT: Final[dict[str, tuple[str, ...]]] = {
    # a vacancy that did not lead to a job
    "rejected": (
        "no_answer",  # the employer did not answer
        "no_show",  # the person did not come
        "lacking_skills",
        "lacking_documents",
        "record_refused",  # refused because of the criminal record
        "position_filled",
        "health",
        "other",
    ),
    # a job that ended
    "quit": (
        "employed_elsewhere",
        "housing_lost",
        "relocated",
        "health",
        "family",
        "salary",
        "conflict",
        "dismissed",
        "returned_to_custody",
        "contract_ended",
        "transport",
        "other",
    ),
    # a course left unfinished
    "dropped": (
        "employed_elsewhere",
        "housing_lost",
        "relocated",
        "health",
        "family",
        "course_too_hard",
        "schedule",
        "transport",
        "returned_to_custody",
        "no_show",
        "other",
    ),
    # a shelter stay that ended
    "left": (
        "employed_elsewhere",
        "housing_found",
        "stay_ended",
        "rules_broken",
        "relocated",
        "returned_to_custody",
        "other",
    ),
}
"""The reason codes an event may carry (CONTRACT.md ``outcomes``, column ``reason``); other
events carry none. Labels: ``reason_<code>`` in the catalogs locales."""
REASONS: Final = tuple(dict.fromkeys(r for reasons in REASONS_BY_EVENT.values() for r in reasons))

STATUS_PROBATION_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "in_custody": ("penitentiary",),
    "released": ("post_penitentiary",),
    "probation": ("sentence", "pretrial"),
}
"""Which probation kinds go with which status; the first is the default."""

MAX_SHELTER_STAY_DAYS: Final = law.MAX_SHELTER_STAY_DAYS
