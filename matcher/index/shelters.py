"""Adaptation centres in columns, and the nearest one that would take a person in, for a
point (a job): what the housing feature of a vacancy reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache

import numpy as np

from matcher.eligibility import ShelterColumns, shelter_admits
from matcher.features.columns import ShelterFeatureColumns
from matcher.features.geo import haversine_many
from matcher.features.pairs import SHELTER_NEAR_JOB_KM
from matcher.index.buckets import Positions
from matcher.profile import Person, Shelter

ONLY_SEX = {"men": "m", "women": "f"}
"""A centre's ``accepts`` that takes in one sex only, and that sex."""


class ShelterIndex:
    def __init__(self, shelters: Sequence[Shelter]):
        self.items = list(shelters)
        self.position = {s.shelter_id: i for i, s in enumerate(self.items)}
        self.lat = np.array([s.lat for s in self.items], dtype=np.float64)
        self.lon = np.array([s.lon for s in self.items], dtype=np.float64)
        self.free = np.array([s.free_beds for s in self.items], dtype=np.int64)
        self.sex = np.array([ONLY_SEX.get(s.accepts, "") for s in self.items], dtype=object)
        self.min_age = np.array([s.min_age for s in self.items], dtype=np.int64)
        self.substance = np.array([s.admits_substance_use for s in self.items], dtype=bool)
        self.region = np.array([s.kato[:2] for s in self.items], dtype=object)
        self.stay_days = np.array([s.max_stay_days for s in self.items], dtype=np.int64)
        offered = sorted({x for s in self.items for x in s.services})
        self.services = {
            name: np.array([name in s.services for s in self.items], dtype=bool) for name in offered
        }
        self.service_count = np.array([len(s.services) for s in self.items], dtype=np.int64)
        self._near = lru_cache(maxsize=65536)(self._around)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without its cache of nearby centres (made again when loaded)."""
        return {name: value for name, value in vars(self).items() if name != "_near"}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._near = lru_cache(maxsize=65536)(self._around)

    def __len__(self) -> int:
        return len(self.items)

    def rules(self, pos: Positions | slice = slice(None)) -> ShelterColumns:
        """What the rules of the shelter list read, of the centres at ``pos`` (all by
        default)."""
        return ShelterColumns(
            free=self.free[pos],
            sex=self.sex[pos],
            min_age=self.min_age[pos],
            admits_substance_use=self.substance[pos],
            region=self.region[pos],
        )

    def features(self, pos: Positions) -> ShelterFeatureColumns:
        """What the features of a pair read, of the centres at ``pos``."""
        return ShelterFeatureColumns(
            free=self.free[pos],
            stay_days=self.stay_days[pos],
            services={name: offers[pos] for name, offers in self.services.items()},
            service_count=self.service_count[pos],
        )

    def nearest_admitting(
        self, person: Person, today: date
    ) -> Callable[[float, float], tuple[int, float] | None]:
        """For a point (a job), the free beds and distance of the nearest centre within 50 km
        that would take ``person`` in (``eligibility.admits``: the rules of the shelter list)."""

        admitting: list[bool] = []  # which centres would, worked out at the first call

        def nearest(lat: float, lon: float) -> tuple[int, float] | None:
            around = self._near(round(lat, 3), round(lon, 3))
            if around and not admitting:
                admitting.extend(shelter_admits(person, self.rules(), today=today).tolist())
            for i, km in around:
                if admitting[i]:
                    return int(self.free[i]), km
            return None

        return nearest

    def _around(self, lat: float, lon: float) -> tuple[tuple[int, float], ...]:
        """Centres with a free bed within 50 km of the point, nearest first."""
        if not self.items:
            return ()
        km = haversine_many(lat, lon, self.lat, self.lon)
        near = np.flatnonzero((self.free > 0) & (km <= SHELTER_NEAR_JOB_KM))
        return tuple((int(i), float(km[i])) for i in near[np.argsort(km[near], kind="stable")])
