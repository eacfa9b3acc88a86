"""The array pass of a query: from a whole catalog to the few hundred items worth checking
and scoring exactly, by occupation buckets, distance and the rules columns can express."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt

from matcher.eligibility import institution_number
from matcher.features.fit import RELOCATION_SCALE_KM
from matcher.features.geo import haversine_many
from matcher.features.pairs import PersonView
from matcher.index import (
    CourseIndex,
    ShelterIndex,
    VacancyIndex,
    occupation_prescore,
    offence_bit,
)

SHELTERS_SCORED = 100
"""How many of the nearest centres a shelter list checks and scores."""


def vacancy_candidates(
    view: PersonView, index: VacancyIndex, *, prefilter: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The positions of the vacancies worth scoring exactly, and their distances from the
    person (computed once: the rules and the features read them)."""
    p = view.person
    # entry-level jobs only near home, even for a person who can move: a move is worth
    # it for the person's trade, not for any job
    regions = {p.kato[:2], *regions_within(p.lat, p.lon, p.max_commute_km)}
    pos = index.candidates(view.codes, regions)
    if len(pos) == 0:
        return pos, np.empty(0)
    km = haversine_many(p.lat, p.lon, index.lat[pos], index.lon[pos])
    keep = index.open[pos] & ((index.excluded[pos] & offence_bit(p.offence_category)) == 0)
    if not p.relocation_ok:
        keep &= km <= p.max_commute_km
    pos, km = pos[keep], km[keep]
    occupation = occupation_prescore(index.code[pos], dict(view.codes), index.entry[pos])
    commute = np.full(len(pos), p.max_commute_km)
    relocation = np.full(len(pos), p.relocation_ok)
    pre = (
        0.34 * occupation + 0.2 * proximity(km, commute, relocation) + 0.12 * index.quota_open[pos]
    )
    chosen = top(pre, prefilter)
    return pos[chosen], km[chosen]


def course_positions(
    view: PersonView,
    index: CourseIndex,
    *,
    quota_gap: dict[str, int],
    today: date,
    prefilter: int,
) -> npt.NDArray[np.int64]:
    """The positions of the courses worth scoring exactly; ``quota_gap``: the occupations with
    open quota slots in the person's region."""
    p = view.person
    if not len(index):
        return np.empty(0, dtype=np.int64)
    earliest = (today - timedelta(14)).toordinal()
    keep = ~index.full & (~index.dated | (index.starts >= earliest))
    in_custody = p.status == "in_custody"
    release = p.release_date.toordinal() if p.release_date else np.iinfo(np.int64).max
    # a course held inside an institution: for the people there, before their release
    inside = index.institution != ""
    own = inside & (index.institution == (institution_number(p.institution) or "-"))
    keep &= ~inside | (in_custody & own & (~index.dated | (index.starts < release)))
    if in_custody:
        after_release = index.dated & (index.starts >= release)
        keep &= index.custody | after_release
    km = np.where(
        index.online,
        0.0,
        haversine_many(p.lat, p.lon, np.nan_to_num(index.lat), np.nan_to_num(index.lon)),
    )
    near = index.online | (km <= p.max_commute_km) | inside
    if not p.relocation_ok:
        keep &= near
    pos = np.flatnonzero(keep)
    relevant = index.leading_to([*view.codes, *quota_gap])[pos]
    pre = 0.4 * np.where(relevant, 1.0, np.where(index.general[pos], 0.5, 0.3)) + 0.2 * near[pos]
    chosen: npt.NDArray[np.int64] = pos[top(pre, prefilter)]
    return chosen


def shelter_positions(view: PersonView, index: ShelterIndex) -> npt.NDArray[np.int64]:
    """The positions of the nearest centres to where the profile places the person, nearest
    first."""
    p = view.resident
    if not len(index):
        return np.empty(0, dtype=np.int64)
    km = haversine_many(p.lat, p.lon, index.lat, index.lon)
    nearest: npt.NDArray[np.int64] = np.argsort(km, kind="stable")[:SHELTERS_SCORED]
    return nearest


def proximity(
    km: npt.NDArray[np.float64], commute: npt.NDArray[np.float64], relocation: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """``features.fit.proximity`` over arrays."""
    reach = np.maximum(commute, 5.0)
    inside = 1.0 - 0.7 * km / reach
    outside = np.where(relocation, 0.25 * np.exp(-km / RELOCATION_SCALE_KM), 0.0)
    result: npt.NDArray[np.float64] = np.where(km <= reach, inside, outside)
    return result


def top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.int64]:
    """Positions of the ``k`` highest scores (all when fewer)."""
    if len(scores) <= k:
        return np.arange(len(scores))
    result: npt.NDArray[np.int64] = np.argpartition(-scores, k)[:k]
    return result


@cache
def _region_centres() -> tuple[tuple[str, ...], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from catalogs.reference.places import places

    regions = places().regions()
    return (
        tuple(r.kato[:2] for r in regions),
        np.array([r.lat for r in regions]),
        np.array([r.lon for r in regions]),
    )


def regions_within(lat: float, lon: float, km: float) -> list[str]:
    """Two-digit region codes whose centre is close enough that a job there may lie within
    ``km`` of the point (a generous margin: regions are large)."""
    codes, lats, lons = _region_centres()
    distance = haversine_many(lat, lon, lats, lons)
    return [code for code, d in zip(codes, distance, strict=True) if d <= km + 450]
