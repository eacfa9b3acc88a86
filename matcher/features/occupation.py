"""How well a person's trade fits a job or a course: ISCO-08 codes and skills."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from catalogs.normalize import fold

SAME_CODE = 1.0
SAME_MINOR_GROUP = 0.6
SAME_SUB_MAJOR_GROUP = 0.35
ENTRY_LEVEL_FOR_ANYONE = 0.3
ENTRY_LEVEL_WITHOUT_TRADE = 0.55
"""A person with no trade fits an elementary job (ISCO major group 9) better than a person
whose trade is elsewhere fits it: it is the realistic first job."""


ENTRY_LEVEL_CODES = frozenset({"4321", "5131", "5223", "5230", "5414"})
"""Beyond the elementary occupations (major group 9): stock clerks, waiters, shop assistants,
cashiers and security guards are jobs people take without a trade."""


def is_entry_level(code: str | None, education_min: str, experience_min_years: float) -> bool:
    """A job anyone can start: an elementary occupation (ISCO major group 9) or one of the
    ``ENTRY_LEVEL_CODES``; for a job whose occupation is unknown, one that asks no experience
    and at most basic secondary education."""
    if code is None:
        return experience_min_years == 0 and education_min in ("none", "primary", "basic_secondary")
    return code[0] == "9" or code in ENTRY_LEVEL_CODES


def occupation_fit(
    person_codes: Mapping[str, float], code: str | None, *, entry_level: bool
) -> tuple[float, str | None]:
    """The best fit of the person's occupations (code → confidence) to ``code``, and which of
    the person's codes gave it."""
    best, source = 0.0, None
    if code is not None:
        for mine, confidence in person_codes.items():
            if mine == code:
                score = SAME_CODE
            elif mine[:3] == code[:3]:
                score = SAME_MINOR_GROUP
            elif mine[:2] == code[:2]:
                score = SAME_SUB_MAJOR_GROUP
            else:
                continue
            if score * confidence > best:
                best, source = score * confidence, mine
    if entry_level:
        floor = ENTRY_LEVEL_WITHOUT_TRADE if not person_codes else ENTRY_LEVEL_FOR_ANYONE
        if floor > best:
            best, source = floor, None
    return best, source


def skill_keys(skills: Iterable[str]) -> frozenset[str]:
    return frozenset(key for skill in skills if (key := fold(skill)))


def skill_words(written: Iterable[str]) -> dict[str, str]:
    """Each skill's key with the person's own wording of it («сварка (MIG/MAG)», not the
    folded key), in the order written; the first wording of a key."""
    words: dict[str, str] = {}
    for skill in written:
        if (key := fold(skill)) and key not in words:
            words[key] = skill.strip()
    return words


def shown_skills(written: Iterable[str], keys: frozenset[str]) -> list[str]:
    """The person's own wording of the skills whose keys are in ``keys``, in the order
    written, each once."""
    return [word for key, word in skill_words(written).items() if key in keys]


def skill_overlap(person_skills: frozenset[str], item_skills: frozenset[str]) -> float:
    """The share of the item's skills the person has (1.0 when the item lists none)."""
    if not item_skills:
        return 0.5
    return len(person_skills & item_skills) / len(item_skills)
