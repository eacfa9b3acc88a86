"""The exact pass over the vacancies a prefilter kept: every rule and every feature computed
over columns at once (``eligibility.vacancy_mask``, ``features.pairs.vacancy_features``), the
track-record columns a learned ranker reads, and the ``Pair`` of a row made only when its
item is shown (the facts its reasons quote)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.eligibility import vacancy_mask
from matcher.features.geo import haversine_many
from matcher.features.pairs import Pair, PersonView, vacancy_features, vacancy_pair
from matcher.index import offence_bit
from matcher.profile import Course, Shelter, Vacancy
from matcher.rank.track import TRACK_FEATURES

if TYPE_CHECKING:
    from matcher.engine.core import Engine

NO_TRACK = (0.5, 0.2, 0.2, 0.0)
"""The track-record features of an item when no records are kept."""

Item = Vacancy | Course | Shelter


def vacancy_rows(
    engine: Engine,
    view: PersonView,
    positions: npt.NDArray[np.int64],
    names: tuple[str, ...],
    km: npt.NDArray[np.float64] | None,
) -> tuple[list[Item], Callable[[int], Pair], npt.NDArray[np.float64]]:
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
    items: list[Item] = [index.items[i] for i in where]
    near = engine.shelters.nearest_admitting(p, today)
    columns = vacancy_features(view, index.features(pos), km=km, shelter_near=near)
    if TRACK_FEATURES[0] in names:  # the ranker reads track records
        columns.update(track_columns(engine, "vacancy", items))
    matrix = (
        np.column_stack([columns[name] for name in names]) if items else np.empty((0, len(names)))
    )
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

    return items, pair_of, matrix


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
