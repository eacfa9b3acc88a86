"""The rules of the vacancy, course and shelter lists over columns: one call checks every
rule for many items at once, with the same answers as ``rules.eligible`` (``verdicts`` says
which rule excluded an item, for ``matcher why``; these only say whether one did)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.eligibility.rules import (
    COURSE_JOIN_GRACE_DAYS,
    EDUCATION_GAP_ALLOWED,
    SHELTER_REACH_KM,
    earliest_start,
    institution_number,
)
from matcher.profile import Person, education_rank

NO_DATE = np.iinfo(np.int64).max
"""An ordinal that stands for "no date" in a column of days (``VacancyColumns.quota_end``)."""
NO_RANK = -1
"""An education rank that stands for "unknown" in a column of ranks."""


@dataclass(frozen=True)
class VacancyColumns:
    """The columns of many vacancies that the rules of the vacancy list read (one entry per
    vacancy, in the same order): what ``vacancy_mask`` checks at once."""

    open: npt.NDArray[np.bool_]
    is_quota: npt.NDArray[np.bool_]
    quota_slots: npt.NDArray[np.int64]
    quota_end: npt.NDArray[np.int64]
    """The ordinal of ``quota_window_end`` (``NO_DATE`` when the vacancy has none)."""
    excluded: npt.NDArray[np.int64]
    """A bit per excluded offence category (``matcher.index.offence_bit``)."""
    education_need: npt.NDArray[np.int64]
    """``education_rank`` of the required education (``NO_RANK``: unknown)."""


def vacancy_mask(
    person: Person,
    columns: VacancyColumns,
    *,
    offence_bit: int,
    km: npt.NDArray[np.float64],
    today: date,
) -> npt.NDArray[np.bool_]:
    """``eligible`` for many vacancies at once: True where no rule of the vacancy list
    excludes the pair (the same rules as ``RULES["vacancy"]``, over columns; ``km`` is the
    distance of each vacancy from the person)."""
    end = columns.quota_end
    dated_quota = columns.is_quota & (end != NO_DATE)
    start = earliest_start(person, today).toordinal()
    excluded = ~columns.open  # vacancy_open
    excluded |= dated_quota & (end < today.toordinal())  # quota_window_open
    excluded |= dated_quota & (start > end)  # starts_within_quota_window
    excluded |= columns.is_quota & (columns.quota_slots <= 0)  # quota_slot_left
    excluded |= (columns.excluded & offence_bit) != 0  # offence_not_excluded
    have = education_rank(person.education)
    if have is not None:  # education_close_enough
        need = columns.education_need
        excluded |= (need != NO_RANK) & (have < need - EDUCATION_GAP_ALLOWED)
    if not person.relocation_ok:  # within_reach
        excluded |= km > person.max_commute_km
    result: npt.NDArray[np.bool_] = ~excluded
    return result


@dataclass(frozen=True)
class CourseColumns:
    """The columns of many courses that the rules of the course list read."""

    starts: npt.NDArray[np.int64]
    """The ordinal of the first day (``NO_DATE`` when the course names none)."""
    full: npt.NDArray[np.bool_]
    """No seat left (a course with unlimited seats is never full)."""
    custody: npt.NDArray[np.bool_]
    """Available to people in custody."""
    institution: npt.NDArray[np.object_]
    """The number of the institution a course is held in (``institution_number``; "" for
    one open outside)."""
    placeless: npt.NDArray[np.bool_]
    """Online, or with no place given: never too far."""
    education_need: npt.NDArray[np.int64]
    languages: npt.NDArray[np.int64]
    """A bit per language the course is taught in (``language_bits``; 0: any)."""
    language_bit: dict[str, int]
    """The bit of each language some course is taught in."""


def language_bits(languages: Sequence[str], bit: dict[str, int]) -> int:
    """The bits of ``languages`` (those no course is taught in have none)."""
    found = 0
    for language in languages:
        found |= bit.get(language, 0)
    return found


def course_mask(
    person: Person, columns: CourseColumns, *, km: npt.NDArray[np.float64], today: date
) -> npt.NDArray[np.bool_]:
    """``eligible`` for many courses at once (the rules of ``RULES["course"]``, in columns;
    ``km``: each course's distance from the person, read only where it has a place)."""
    starts, dated = columns.starts, columns.starts != NO_DATE
    release = person.release_date
    in_custody = person.status == "in_custody"
    inside = columns.institution != ""
    after_release = dated & (starts >= release.toordinal()) if release else np.zeros_like(dated)
    earliest = today.toordinal() - COURSE_JOIN_GRACE_DAYS
    excluded = dated & (starts < earliest)  # not_started_long_ago
    excluded |= columns.full  # seat_left
    if in_custody:
        excluded |= ~columns.custody & ~after_release  # reachable_from_custody
        own = institution_number(person.institution) or "-"
        excluded |= inside & (columns.institution != own)  # held_in_own_institution
        excluded |= inside & after_release  # starts_before_release
    else:
        excluded |= inside  # held_in_own_institution
    if person.languages:  # shared_language
        mine = language_bits(person.languages, columns.language_bit)
        excluded |= (columns.languages != 0) & ((columns.languages & mine) == 0)
    have = education_rank(person.education)
    if have is not None:  # education_close_enough
        need = columns.education_need
        excluded |= (need != NO_RANK) & (have < need - EDUCATION_GAP_ALLOWED)
    if not person.relocation_ok:  # within_reach
        excluded |= ~columns.placeless & ~inside & (km > person.max_commute_km)
    result: npt.NDArray[np.bool_] = ~excluded
    return result


@dataclass(frozen=True)
class ShelterColumns:
    """The columns of many centres that the rules of whom they admit, and of how far they
    may be, read."""

    free: npt.NDArray[np.int64]
    sex: npt.NDArray[np.object_]
    """The only sex a centre takes in, ``m`` or ``f`` ("" when it takes in anyone)."""
    min_age: npt.NDArray[np.int64]
    admits_substance_use: npt.NDArray[np.bool_]
    region: npt.NDArray[np.str_]
    """The first two digits of the centre's KATO code."""


def shelter_admits(
    person: Person, columns: ShelterColumns, *, today: date
) -> npt.NDArray[np.bool_]:
    """``admits`` for many centres at once (``SHELTER_ADMISSION``, in columns)."""
    excluded = columns.free <= 0  # bed_left
    if person.sex is not None:  # shelter_accepts_sex
        excluded |= (columns.sex != "") & (columns.sex != person.sex)
    age = person.age(earliest_start(person, today))
    if age is not None:  # shelter_accepts_age
        excluded |= age < columns.min_age
    if person.need_addiction_treatment:  # shelter_substance_rules
        excluded |= ~columns.admits_substance_use
    result: npt.NDArray[np.bool_] = ~excluded
    return result


def shelter_mask(
    person: Person, columns: ShelterColumns, *, km: npt.NDArray[np.float64], today: date
) -> npt.NDArray[np.bool_]:
    """``eligible`` for many centres at once (``RULES["shelter"]``: whom a centre admits, and
    ``shelter_within_reach``; ``km``: each centre's distance from the person)."""
    keep = shelter_admits(person, columns, today=today)
    if not person.relocation_ok:
        keep &= (columns.region == person.kato[:2]) | (km <= SHELTER_REACH_KM)
    return keep
