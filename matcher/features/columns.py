"""The features of many courses, or many centres, for one person at once: the same numbers as
``pairs.course_pair`` and ``pairs.shelter_pair`` (tests compare them on random inputs), one
entry per item, in columns the rankers read. The facts behind them (what a reason quotes) are
made by those functions, for the items a list shows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.features.fit import RELOCATION_SCALE_KM
from matcher.features.pairs import NEEDS_SERVED_BY, PersonView

Column = npt.NDArray[np.float64]
NO_DATE = np.iinfo(np.int64).max
"""An ordinal that stands for "no date" in a column of days."""


@dataclass(frozen=True)
class CourseFeatureColumns:
    """What the features of a course read, of many courses (one entry per course)."""

    starts: npt.NDArray[np.int64]
    """The ordinal of the first day (``NO_DATE``: none given)."""
    custody: npt.NDArray[np.bool_]
    placeless: npt.NDArray[np.bool_]
    """Online, or with no place given."""
    free: npt.NDArray[np.bool_]
    """Costs nothing."""
    seats: npt.NDArray[np.float64]
    """Seats left (NaN: unlimited)."""
    relevance: Column
    """``course_relevance`` of these courses for the person."""


def course_relevance(
    general: npt.NDArray[np.bool_],
    by_code: Mapping[object, npt.NDArray[np.int64]],
    *,
    person: PersonView,
    gap_codes: Mapping[str, int],
) -> Column:
    """How much each course (of a whole catalog: ``general`` says which lead to no
    occupation, ``by_code`` which lead to each) leads where the person can work: to the
    person's own occupation (0.8 × the confidence of reading it), to one with open quota slots
    in the region (more with more slots), or anywhere (0.4 for a general course, 0.3 for
    another trade's) — the best of these, as ``course_pair`` finds it."""
    relevance = np.where(general, 0.4, 0.3)
    for code in {*person.codes, *gap_codes}:
        positions = by_code.get(code)
        if positions is None:
            continue
        if code in person.codes:
            score = 0.8 * person.codes[code]
        else:
            score = 0.5 + 0.4 * min(1.0, gap_codes[code] / 10)
        relevance[positions] = np.maximum(relevance[positions], score)
    return relevance


def course_features(
    person: PersonView, columns: CourseFeatureColumns, *, km: Column, today: date
) -> dict[str, Column]:
    """``course_pair``'s values for many courses; ``km``: each one's distance from the person
    (read only where the course has a place)."""
    p, n = person.person, len(km)
    in_custody = p.status == "in_custody"
    inside = columns.custody & in_custody
    reach = np.where(inside, 1.0, np.where(columns.placeless, 0.9, 0.0))
    commute = max(p.max_commute_km, 5.0)
    nearby = ~inside & ~columns.placeless & (km <= commute)
    reach[nearby] = 1.0 - 0.7 * km[nearby] / commute
    if p.relocation_ok:  # farther than the commute: ``fit.proximity``'s decay, term by term
        far = np.flatnonzero(~inside & ~columns.placeless & (km > commute))
        reach[far] = [0.25 * math.exp(-d / RELOCATION_SCALE_KM) for d in km[far].tolist()]
    release = p.release_date.toordinal() if p.release_date is not None else None
    dated = columns.starts != NO_DATE
    anchor = np.full(n, today.toordinal())
    if in_custody and release is not None:
        anchor[~columns.custody] = release
    wait = np.where(dated, columns.starts, 0) - anchor
    timing = np.where(
        ~dated,
        0.7,
        np.where((wait >= -14) & (wait <= 60), 1.0, np.where(wait <= 180, 0.6, 0.3)),
    )
    if in_custody and release is not None:
        held = dated & columns.custody
        timing[held] = np.where(columns.starts[held] < release - 30, 1.0, 0.5)
    seats = np.where(np.isnan(columns.seats), 1.0, np.minimum(1.0, columns.seats / 5))
    return {
        "relevance": columns.relevance,
        "reach": reach,
        "timing": timing,
        "language": np.ones(n),
        "cost": np.where(columns.free, 1.0, 0.3),
        "seats": seats,
    }


@dataclass(frozen=True)
class ShelterFeatureColumns:
    """What the features of a centre read, of many centres (one entry per centre)."""

    free: npt.NDArray[np.int64]
    stay_days: npt.NDArray[np.int64]
    services: Mapping[str, npt.NDArray[np.bool_]]
    """For each service some centre offers, which centres offer it."""
    service_count: npt.NDArray[np.int64]


def shelter_features(
    person: PersonView, columns: ShelterFeatureColumns, *, km: Column
) -> dict[str, Column]:
    """``shelter_pair``'s values for many centres; ``km``: each one's distance from the
    person."""
    p, n = person.person, len(km)
    needs = [service for need, service in NEEDS_SERVED_BY.items() if getattr(p, need)]
    if needs:
        none = np.zeros(n, dtype=bool)
        served = sum((columns.services.get(s, none).astype(np.int64) for s in needs), np.zeros(n))
        services = served / len(needs)
    else:
        services = np.minimum(1.0, 0.5 + columns.service_count / 12)
    return {
        "proximity": np.maximum(0.0, 1.0 - km / 400),
        "beds": np.minimum(1.0, columns.free / 5),
        "stay": np.minimum(1.0, columns.stay_days / 180),
        "services": services,
    }
