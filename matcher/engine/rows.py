"""The exact pass over the items a prefilter kept: every rule and every feature computed over
columns at once (``eligibility.columns``; ``features.pairs.vacancy_features``,
``features.columns``), the track-record columns a learned ranker reads, and the ``Pair`` of a
row made only when its item is shown (the facts its reasons quote)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.eligibility import course_mask, shelter_mask, vacancy_mask
from matcher.engine.ordering import TRADE_BAND
from matcher.features.columns import course_features, course_relevance, shelter_features
from matcher.features.geo import haversine_many
from matcher.features.pairs import (
    Pair,
    PersonView,
    course_pair,
    shelter_pair,
    vacancy_features,
    vacancy_pair,
)
from matcher.index import offence_bit
from matcher.profile import Course, Shelter, Vacancy
from matcher.rank.track import TRACK_FEATURES

if TYPE_CHECKING:
    from matcher.engine.core import Engine

NO_TRACK = (0.5, 0.2, 0.2, 0.0)
"""The track-record features of an item when no records are kept."""

Item = Vacancy | Course | Shelter
Rows = tuple[npt.NDArray[np.int64], Callable[[int], Pair], npt.NDArray[np.float64]]
"""The positions of the eligible items in their index, the ``Pair`` of each by its row, and
the feature matrix (a row per item)."""


def vacancy_rows(
    engine: Engine,
    view: PersonView,
    positions: npt.NDArray[np.int64],
    names: tuple[str, ...],
    km: npt.NDArray[np.float64] | None,
) -> Rows:
    """The eligible vacancies among ``positions``, the ``Pair`` of each by its row, and the
    feature matrix in the columns ``names``; ``km``: their distances, when known."""
    p, index, today = view.person, engine.vacancies, engine.today
    if km is None:
        km = haversine_many(p.lat, p.lon, index.lat[positions], index.lon[positions])
    keep = vacancy_mask(
        p,
        index.rules(positions),
        offence_bit=offence_bit(p.offence_category),
        km=km,
        today=today,
    )
    pos, km = positions[keep], km[keep]
    where = pos.tolist()
    near = engine.shelters.nearest_admitting(p, today)
    columns = vacancy_features(view, index.features(pos), km=km, shelter_near=near)
    if TRACK_FEATURES[0] in names:  # the ranker reads track records
        columns.update(track_columns(engine, "vacancy", [index.items[i] for i in where]))
    matrix = _matrix(columns, names, len(where))
    distances = km.tolist()

    def pair_of(k: int) -> Pair:
        job = index.view(where[k])
        pair = vacancy_pair(
            view,
            job,
            km=distances[k],
            regional_median=index.median_salary.get(job.vacancy.kato[:2]),
            shelter_near=near,
        )
        return engine._tracked("vacancy", job.vacancy, pair)

    return pos, pair_of, matrix


def course_rows(
    engine: Engine, view: PersonView, positions: npt.NDArray[np.int64], names: tuple[str, ...]
) -> Rows:
    """The eligible courses among ``positions``, the ``Pair`` of each, and the matrix."""
    p, index, today = view.person, engine.courses, engine.today
    online = index.online[positions]
    km = np.zeros(len(positions))
    placed = positions[~online]
    km[~online] = haversine_many(p.lat, p.lon, index.lat[placed], index.lon[placed])
    keep = course_mask(p, index.rules(positions), km=km, today=today)
    pos, km = positions[keep], km[keep]
    where = pos.tolist()
    gap = engine.vacancies.quota_gap.get(p.kato[:2], {})
    relevance = course_relevance(index.general, index.by_code, person=view, gap_codes=gap)
    columns = course_features(view, index.features(pos, relevance), km=km, today=today)
    if TRACK_FEATURES[0] in names:
        columns.update(track_columns(engine, "course", [index.items[i] for i in where]))

    def pair_of(k: int) -> Pair:
        course = index.items[where[k]]
        pair = course_pair(view, course, today=today, gap_codes=gap)
        return engine._tracked("course", course, pair)

    return pos, pair_of, _matrix(columns, names, len(where))


def shelter_rows(
    engine: Engine, view: PersonView, positions: npt.NDArray[np.int64], names: tuple[str, ...]
) -> Rows:
    """The eligible centres among ``positions``, the ``Pair`` of each, and the matrix; from
    where the profile places the person (``PersonView.resident``)."""
    p, index = view.resident, engine.shelters
    km = haversine_many(p.lat, p.lon, index.lat[positions], index.lon[positions])
    keep = shelter_mask(p, index.rules(positions), km=km, today=engine.today)
    pos, km = positions[keep], km[keep]
    where = pos.tolist()
    columns = shelter_features(view, index.features(pos), km=km)
    if TRACK_FEATURES[0] in names:
        columns.update(track_columns(engine, "shelter", [index.items[i] for i in where]))

    def pair_of(k: int) -> Pair:
        shelter = index.items[where[k]]
        return engine._tracked("shelter", shelter, shelter_pair(view, shelter))

    return pos, pair_of, _matrix(columns, names, len(where))


def _matrix(
    columns: dict[str, npt.NDArray[np.float64]], names: tuple[str, ...], rows: int
) -> npt.NDArray[np.float64]:
    """The columns ``names`` side by side (an empty matrix of that width for no rows)."""
    if not rows:
        return np.empty((0, len(names)))
    return np.column_stack([columns[name] for name in names])


def track_columns(
    engine: Engine, kind: str, items: Sequence[Item]
) -> dict[str, npt.NDArray[np.float64]]:
    """The track-record features of many items (``Engine._tracked``'s values, as columns)."""
    snapshot = engine.tracks.get(kind)
    rows: list[tuple[float, ...]]
    if snapshot is None:
        rows = [NO_TRACK] * len(items)
    else:
        rows = [snapshot.get(engine.track_key(kind, item)) for item in items]
    table = np.array(rows, dtype=np.float64).reshape(len(items), len(TRACK_FEATURES))
    return {name: table[:, n] for n, name in enumerate(TRACK_FEATURES)}


class Noted:
    """Row ``k``'s pair, made at the first call, with (referrals, free places) when congestion
    discounted the row (``congested``), and the rule that put it before a job that scores
    higher (``led``: ``ordering.TRADE`` or ``ordering.QUOTA``), as a fact its reasons quote."""

    __slots__ = ("_pair", "congested", "k", "led", "pair_of")

    def __init__(
        self,
        pair_of: Callable[[int], Pair],
        k: int,
        congested: tuple[int, int | None] | None,
        led: str | None = None,
    ) -> None:
        self.pair_of, self.k, self.congested, self.led = pair_of, k, congested, led
        self._pair: Pair | None = None

    def __call__(self) -> Pair:
        if self._pair is None:
            self._pair = self.pair_of(self.k)
            if self.congested is not None:
                self._pair.facts["congestion"] = self.congested
            if self.led is not None:
                self._pair.facts[self.led] = round(TRADE_BAND * 100)
        return self._pair


def tracked(engine: Engine, kind: str, item: Item, pair: Pair) -> Pair:
    """``pair`` with the item's track-record features (and, when it has a record, the facts a
    reason quotes: resolved referrals, successes, and the average it is compared with: the
    overall rate over the referrals whose outcome is known, which an item with no record gets)."""
    item_kind = "vacancy" if kind == "candidate" else kind
    snapshot = engine.tracks.get(item_kind)
    key = engine.track_key(item_kind, item)
    if snapshot is None:
        values: tuple[float, ...] = NO_TRACK
    else:
        values = snapshot.get(key)
        if key in snapshot.counts:
            pair.facts["track"] = (*snapshot.counts[key], snapshot.default[1])
    pair.values.update(zip(TRACK_FEATURES, values, strict=True))
    return pair
