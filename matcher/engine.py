"""Shortlists: eligibility → features → ranker → top-k → reasons, in both directions.

``Engine`` holds the indexes of vacancies, courses and shelters (``matcher.index``) and one
ranker per kind of list. A query first narrows the items with array arithmetic (occupation
buckets, distance, the rules that columns can express), scores the best few hundred exactly
(every eligibility rule, every feature), and returns the top ``limit`` with their reasons.
The rankers are the baseline until a learned ranker is handed in: same interface.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from matcher import explain
from matcher.congestion import Congestion
from matcher.eligibility import Verdict, institution_number, vacancy_mask, verdicts
from matcher.explain import Reason
from matcher.features.fit import RELOCATION_SCALE_KM
from matcher.features.geo import haversine_many
from matcher.features.occupation import occupation_fit
from matcher.features.pairs import (
    FEATURES,
    Pair,
    PersonView,
    course_pair,
    shelter_pair,
    vacancy_features,
    vacancy_pair,
)
from matcher.index import (
    CourseIndex,
    PersonIndex,
    ShelterIndex,
    VacancyIndex,
    occupation_prescore,
    offence_bit,
    person_codes,
)
from matcher.profile import Course, Person, Shelter, Vacancy
from matcher.rank.track import TRACK_FEATURES, Snapshot
from matcher.rank.weights import baseline
from matcher.text import OccupationMatcher, occupation_matcher

KINDS = ("vacancy", "course", "shelter")
PREFILTER = 300
"""How many items, after the array pre-score, get exact features and rules."""
RERANK = 100
"""How many of the baseline's best a learned ranker re-scores (its latency budget; the
longest list the API gives)."""


class Ranker(Protocol):
    """What the engine needs of a ranker (the baseline and the learned ranker both have it)."""

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]: ...

    def contributions(self, row: Sequence[float]) -> dict[str, float]: ...


def _shares(ranker: Ranker, rows: Sequence[Sequence[float]]) -> list[dict[str, float]]:
    """Each row's contributions, in one call when the ranker can batch them."""
    many = getattr(ranker, "contributions_many", None)
    if many is not None and rows:
        found: list[dict[str, float]] = many(rows)
        return found
    return [ranker.contributions(row) for row in rows]


def _score(ranker: Ranker, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Scores of every row; a ranker with a ``prescore`` (a learned one) scores only the best
    ``RERANK`` rows by it, the others get 0 (they fall to the end, under the limit)."""
    prescore = getattr(ranker, "prescore", None)
    if prescore is None or len(matrix) <= RERANK:
        return np.asarray(ranker.predict_proba(matrix)[:, 1], dtype=np.float64)
    first = np.asarray(prescore(matrix), dtype=np.float64)
    best = np.argpartition(-first, RERANK)[:RERANK]
    scores = np.zeros(len(matrix))
    scores[best] = ranker.predict_proba(matrix[best])[:, 1]
    return scores


@dataclass(frozen=True)
class Recommendation:
    id: str
    kind: str
    score: float
    reasons: tuple[Reason, ...]

    def as_dict(self, lang: str = "ru") -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "score": round(self.score, 3),
            "reasons": [reason.as_dict(lang) for reason in self.reasons],
        }


@dataclass(frozen=True)
class Why:
    """Everything about one pair: the rules' verdicts, the features, each one's share of the
    score, and where the item stands in the person's list."""

    person_id: str
    kind: str
    item_id: str
    verdicts: tuple[Verdict, ...]
    features: Mapping[str, float]
    contributions: Mapping[str, float]
    score: float
    rank: int | None
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return not self.verdicts


class Engine:
    """Shortlists over one set of catalogs, as of one day."""

    def __init__(
        self,
        *,
        vacancies: VacancyIndex,
        courses: CourseIndex,
        shelters: ShelterIndex,
        today: date,
        matcher: OccupationMatcher,
        rankers: Mapping[str, Ranker] | None = None,
        congestion: Congestion | None = None,
        prefilter: int = PREFILTER,
        model_version: str = "baseline",
        tracks: Mapping[str, Snapshot] | None = None,
    ) -> None:
        self.vacancies = vacancies
        self.courses = courses
        self.shelters = shelters
        self.today = today
        self.matcher = matcher
        self.rankers: dict[str, Ranker] = {
            kind: baseline(kind) for kind in ("vacancy", "candidate", "course", "shelter")
        }
        self.rankers.update(rankers or {})
        self._names = {
            kind: tuple(str(n) for n in getattr(ranker, "features_", FEATURES[kind]))
            for kind, ranker in self.rankers.items()
        }
        self._reads_track = {kind: TRACK_FEATURES[0] in n for kind, n in self._names.items()}
        self.congestion = congestion
        """None: scores as the ranker gives them (tests, golden lists)."""
        self.prefilter = prefilter
        """How many items get exact rules and features after the array pre-score."""
        self.model_version = model_version
        """The version of the rankers that score (recorded with every list shown)."""
        self.tracks: dict[str, Snapshot] = dict(tracks or {})
        """Track records by kind of item (``matcher.rank.track``), for learned rankers."""

    def with_rankers(
        self,
        rankers: Mapping[str, Ranker],
        *,
        model_version: str,
        tracks: Mapping[str, Snapshot] | None = None,
    ) -> Engine:
        """The same catalogs scored by other rankers (a model swap costs no index rebuild)."""
        return Engine(
            vacancies=self.vacancies,
            courses=self.courses,
            shelters=self.shelters,
            today=self.today,
            matcher=self.matcher,
            rankers=rankers,
            congestion=self.congestion,
            prefilter=self.prefilter,
            model_version=model_version,
            tracks=tracks if tracks is not None else self.tracks,
        )

    def names(self, kind: str) -> tuple[str, ...]:
        """The feature columns the ranker of ``kind`` reads, in its order."""
        return self._names[kind]

    def knows(self, kind: str, item_id: str) -> bool:
        """Whether the catalog of ``kind`` holds ``item_id``."""
        return item_id in self._index(kind).position

    @staticmethod
    def track_key(kind: str, item: Vacancy | Course | Shelter) -> str:
        """What an item's track record is kept under: the employer's BIN for a vacancy (an
        employer's record spans its vacancies), the item itself otherwise."""
        return item.employer_bin if isinstance(item, Vacancy) else Engine._id(kind, item)

    @classmethod
    def build(
        cls,
        *,
        vacancies: Sequence[Vacancy],
        courses: Sequence[Course],
        shelters: Sequence[Shelter],
        today: date,
        matcher: OccupationMatcher | None = None,
        rankers: Mapping[str, Ranker] | None = None,
        congestion: Congestion | None = None,
        model_version: str = "baseline",
        tracks: Mapping[str, Snapshot] | None = None,
    ) -> Engine:
        matcher = matcher or occupation_matcher()
        return cls(
            vacancies=VacancyIndex(vacancies, matcher=matcher, today=today),
            courses=CourseIndex(courses),
            shelters=ShelterIndex(shelters),
            today=today,
            matcher=matcher,
            rankers=rankers,
            congestion=congestion,
            model_version=model_version,
            tracks=tracks,
        )

    def view(self, person: Person, *, on: date | None = None) -> PersonView:
        """What the features need of a person, as of ``on`` (the engine's day by default)."""
        codes, sources = person_codes(
            person.professions,
            matcher=self.matcher,
            confirmed=person.confirmed_occupation,
            confirmed_text=person.confirmed_text,
        )
        return PersonView.of(person, codes, sources, on or self.today)

    def pair(self, view: PersonView, kind: str, item_id: str) -> Pair:
        """The features of one pair (eligibility not checked), with track records when the
        ranker of ``kind`` reads them: what training sets are built from."""
        item = self.item(kind, item_id)
        return self._tracked(kind, item, self._pair(view, kind, item))

    def _tracked(self, kind: str, item: Vacancy | Course | Shelter, pair: Pair) -> Pair:
        if not self._reads_track[kind]:
            return pair
        item_kind = "vacancy" if kind == "candidate" else kind
        snapshot = self.tracks.get(item_kind)
        key = self.track_key(item_kind, item)
        if snapshot is None:
            values: tuple[float, ...] = (0.5, 0.2, 0.2, 0.0)
        else:
            values = snapshot.get(key)
            if key in snapshot.counts:
                # resolved referrals, successes, and the rate of an item with no record
                pair.facts["track"] = (*snapshot.counts[key], snapshot.default[1])
        pair.values.update(zip(TRACK_FEATURES, values, strict=True))
        return pair

    # -- a person's lists ----------------------------------------------------------------------

    def recommend(self, person: Person, kind: str, *, limit: int = 10) -> list[Recommendation]:
        """The person's best ``limit`` items of ``kind`` (vacancy, course, shelter)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        view = self.view(person)
        if kind == "vacancy":
            positions, km = self._vacancy_candidates(view)
            scored = self._scored(view, kind, positions, limit, km=km)
        else:
            scored = self._scored(view, kind, self._shortlist_positions(view, kind), limit)
        names = self.names(kind)
        shares = _shares(self.rankers[kind], [pair.vector(names) for _, pair, _ in scored])
        return [
            self._recommendation(view, kind, item, pair, score, share)
            for (item, pair, score), share in zip(scored, shares, strict=True)
        ]

    def why(self, person: Person, kind: str, item_id: str, *, limit: int = 10) -> Why:
        """Why ``item_id`` is, or is not, on the person's list of ``kind``."""
        view = self.view(person)
        item = self.item(kind, item_id)
        pair = self._tracked(kind, item, self._pair(view, kind, item))
        ranker = self.rankers[kind]
        row = pair.vector(self.names(kind))
        score = float(ranker.predict_proba(np.array([row]))[0, 1])
        found = tuple(verdicts(person, item, self.today))
        rank = None
        if not found:
            ids = [
                self._id(kind, item)
                for item, _, _ in self._scored(view, kind, self._shortlist_positions(view, kind))
            ]
            rank = ids.index(item_id) + 1 if item_id in ids else None
        reasons = tuple(self._reasons(view, kind, item, pair, ranker.contributions(row)))
        return Why(
            person.person_id,
            kind,
            item_id,
            found,
            pair.values,
            ranker.contributions(row),
            score,
            rank,
            reasons,
        )

    # -- a vacancy's candidates -------------------------------------------------------------------

    def candidates(
        self, vacancy_id: str, persons: PersonIndex, *, limit: int = 20
    ) -> list[Recommendation]:
        """The persons who fit a vacancy best (only eligible ones); the caller decides what of
        them a reader may see."""
        position = self.vacancies.position.get(vacancy_id)
        if position is None:
            raise KeyError(vacancy_id)
        job = self.vacancies.view(position)
        v = job.vacancy
        pos = persons.candidates(job.code, entry_level=job.entry_level)
        if len(pos) == 0:
            return []
        km = haversine_many(v.lat, v.lon, persons.lat[pos], persons.lon[pos])
        excluded = int(self.vacancies.excluded[position])
        keep = ((km <= persons.commute[pos]) | persons.relocation[pos]) & (
            (persons.offence[pos] & excluded) == 0
        )
        pos, km = pos[keep], km[keep]
        occupation = np.array(
            [
                occupation_fit(persons.codes[i], job.code, entry_level=job.entry_level)[0]
                for i in pos
            ]
        )
        pre = 0.36 * occupation + 0.2 * _proximity(
            km, persons.commute[pos], persons.relocation[pos]
        )
        chosen = _top(pre, self.prefilter)
        ranker = self.rankers["candidate"]
        rows: list[tuple[Person, PersonView, Pair]] = []
        for i, distance in zip(pos[chosen], km[chosen], strict=True):
            person = persons.items[int(i)]
            if verdicts(person, v, self.today):
                continue
            view = PersonView.of(person, persons.codes[int(i)], persons.sources[int(i)], self.today)
            pair = vacancy_pair(
                view,
                job,
                km=float(distance),
                regional_median=self.vacancies.median_salary.get(v.kato[:2]),
                shelter_near=self.shelters.nearest_admitting(person, self.today),
            )
            rows.append((person, view, self._tracked("candidate", v, pair)))
        if not rows:
            return []
        names = self.names("candidate")
        matrix = np.array([pair.vector(names) for _, _, pair in rows])
        scores = _score(ranker, matrix)
        order = sorted(range(len(rows)), key=lambda k: (-scores[k], rows[k][0].person_id))[:limit]
        result = []
        shares = _shares(ranker, [list(matrix[k]) for k in order])
        for k, contributions in zip(order, shares, strict=True):
            person, view, pair = rows[k]
            reasons = explain.vacancy_reasons(
                pair.values,
                pair.facts,
                contributions,
                title=v.title,
                candidate=True,
                release_date=person.release_date,
                status=person.status,
                today=self.today,
            )
            result.append(
                Recommendation(person.person_id, "person", float(scores[k]), tuple(reasons))
            )
        return result

    # -- internals --------------------------------------------------------------------------------

    def _shortlist_positions(self, view: PersonView, kind: str) -> npt.NDArray[np.int64]:
        if kind == "vacancy":
            return self._vacancy_positions(view)
        if kind == "course":
            return self._course_positions(view)
        return self._shelter_positions(view)

    def _vacancy_positions(self, view: PersonView) -> npt.NDArray[np.int64]:
        return self._vacancy_candidates(view)[0]

    def _vacancy_candidates(
        self, view: PersonView
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The positions of the vacancies worth scoring exactly, and their distances from the
        person (computed once: the rules and the features read them)."""
        p, index = view.person, self.vacancies
        # entry-level jobs only near home, even for a person who can move: a move is worth
        # it for the person's trade, not for any job
        regions = {p.kato[:2], *_regions_within(p.lat, p.lon, p.max_commute_km)}
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
            0.34 * occupation
            + 0.2 * _proximity(km, commute, relocation)
            + 0.12 * index.quota_open[pos]
        )
        top = _top(pre, self.prefilter)
        return pos[top], km[top]

    def _course_positions(self, view: PersonView) -> npt.NDArray[np.int64]:
        p, index = view.person, self.courses
        if not len(index):
            return np.empty(0, dtype=np.int64)
        earliest = (self.today - timedelta(14)).toordinal()
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
        gap = self.vacancies.quota_gap.get(p.kato[:2], {})
        relevant = index.leading_to([*view.codes, *gap])[pos]
        pre = (
            0.4 * np.where(relevant, 1.0, np.where(index.general[pos], 0.5, 0.3)) + 0.2 * near[pos]
        )
        chosen: npt.NDArray[np.int64] = pos[_top(pre, self.prefilter)]
        return chosen

    def _shelter_positions(self, view: PersonView) -> npt.NDArray[np.int64]:
        p, index = view.person, self.shelters
        if not len(index):
            return np.empty(0, dtype=np.int64)
        km = haversine_many(p.lat, p.lon, index.lat, index.lon)
        nearest: npt.NDArray[np.int64] = np.argsort(km, kind="stable")[:100]
        return nearest

    def item(self, kind: str, item_id: str) -> Vacancy | Course | Shelter:
        index = self._index(kind)
        position = index.position.get(item_id)
        if position is None:
            raise KeyError(item_id)
        item: Vacancy | Course | Shelter = index.items[position]
        return item

    def _index(self, kind: str) -> VacancyIndex | CourseIndex | ShelterIndex:
        if kind == "vacancy":
            return self.vacancies
        return self.courses if kind == "course" else self.shelters

    @staticmethod
    def _id(kind: str, item: Vacancy | Course | Shelter) -> str:
        if isinstance(item, Vacancy):
            return item.vacancy_id
        if isinstance(item, Course):
            return item.course_id
        return item.shelter_id

    def _pair(self, view: PersonView, kind: str, item: Vacancy | Course | Shelter) -> Pair:
        if isinstance(item, Vacancy):
            job = self.vacancies.view(self.vacancies.position[item.vacancy_id])
            return vacancy_pair(
                view,
                job,
                regional_median=self.vacancies.median_salary.get(item.kato[:2]),
                shelter_near=self.shelters.nearest_admitting(view.person, self.today),
            )
        if isinstance(item, Course):
            gap = self.vacancies.quota_gap.get(view.person.kato[:2], {})
            return course_pair(view, item, today=self.today, gap_codes=gap)
        return shelter_pair(view, item)

    def _scored(
        self,
        view: PersonView,
        kind: str,
        positions: npt.NDArray[np.int64],
        limit: int | None = None,
        km: npt.NDArray[np.float64] | None = None,
    ) -> list[tuple[Vacancy | Course | Shelter, Pair, float]]:
        """The eligible items, best first (only the best ``limit`` when given). Vacancies are
        checked and scored over columns; only the items returned get a ``Pair`` (the facts of
        their reasons). ``km``: the vacancies' distances from the person, when known."""
        index = self._index(kind)
        names = self.names(kind)
        items: list[Vacancy | Course | Shelter]
        pair_of: Callable[[int], Pair]
        if kind == "vacancy":
            items, pair_of, matrix = self._vacancy_rows(view, positions, names, km)
        else:
            items, pairs = [], []
            for position in positions.tolist():
                item: Vacancy | Course | Shelter = index.items[position]
                if verdicts(view.person, item, self.today):
                    continue
                items.append(item)
                pairs.append(self._tracked(kind, item, self._pair(view, kind, item)))
            matrix = np.array([pair.vector(names) for pair in pairs])
            pair_of = pairs.__getitem__
        if not items:
            return []
        scores = _score(self.rankers[kind], matrix)
        result = []
        for k, score, congested in self._ranked(view, kind, items, scores.tolist(), limit):
            pair = pair_of(k)
            if congested is not None:
                pair.facts["congestion"] = congested
            result.append((items[k], pair, score))
        return result

    def _vacancy_rows(
        self,
        view: PersonView,
        positions: npt.NDArray[np.int64],
        names: tuple[str, ...],
        km: npt.NDArray[np.float64] | None,
    ) -> tuple[list[Vacancy | Course | Shelter], Callable[[int], Pair], npt.NDArray[np.float64]]:
        """The eligible vacancies among ``positions``, the ``Pair`` of each by its row, and
        the feature matrix: every rule and feature computed over columns at once
        (``eligibility.vacancy_mask``, ``features.pairs.vacancy_features``)."""
        p, index = view.person, self.vacancies
        if km is None:
            km = haversine_many(p.lat, p.lon, index.lat[positions], index.lon[positions])
        keep = vacancy_mask(
            p,
            index.rules(positions),
            offence_bit=offence_bit(p.offence_category),
            km=km,
            today=self.today,
        )
        pos, km = positions[keep], km[keep]
        where = pos.tolist()
        items: list[Vacancy | Course | Shelter] = [index.items[i] for i in where]
        near = self.shelters.nearest_admitting(p, self.today)
        columns = vacancy_features(view, index.features(pos), km=km, shelter_near=near)
        if self._reads_track["vacancy"]:
            columns.update(self._track_columns("vacancy", items))
        matrix = (
            np.column_stack([columns[name] for name in names])
            if items
            else np.empty((0, len(names)))
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
            return self._tracked("vacancy", job.vacancy, pair)

        return items, pair_of, matrix

    def _track_columns(
        self, kind: str, items: Sequence[Vacancy | Course | Shelter]
    ) -> dict[str, npt.NDArray[np.float64]]:
        """The track-record features of many items (``_tracked``'s values, as columns)."""
        snapshot = self.tracks.get(kind)
        rows: list[tuple[float, ...]]
        if snapshot is None:
            rows = [(0.5, 0.2, 0.2, 0.0)] * len(items)
        else:
            rows = [snapshot.get(self.track_key(kind, item)) for item in items]
        table = np.array(rows, dtype=np.float64).reshape(len(items), len(TRACK_FEATURES))
        return {name: table[:, n] for n, name in enumerate(TRACK_FEATURES)}

    def _ranked(
        self,
        view: PersonView,
        kind: str,
        items: Sequence[Vacancy | Course | Shelter],
        scores: list[float],
        limit: int | None,
    ) -> list[tuple[int, float, tuple[int, int | None] | None]]:
        """The rows best first (only the best ``limit`` when given): each row's number, its
        score, and (referrals, free places) when congestion discounted it."""
        ids = [self._id(kind, item) for item in items]
        if self.congestion is None:

            def order(k: int) -> tuple[float, str]:
                return (-scores[k], ids[k])

            rows = range(len(items))
            ranked = (
                sorted(rows, key=order)
                if limit is None
                else heapq.nsmallest(limit, rows, key=order)
            )
            return [(k, scores[k], None) for k in ranked]
        congestion = self.congestion
        discounted: list[float] = []
        notes: list[tuple[int, int | None] | None] = []
        for item, item_id, score in zip(items, ids, scores, strict=True):
            free = _free_places(item)
            factor = congestion.factor(kind, item_id, free)
            notes.append((congestion.referrals[(kind, item_id)], free) if factor < 1.0 else None)
            discounted.append(score * factor)
        shown = [round(score, 3) for score in discounted]
        # equal scores (to the three decimals a list shows) are shuffled by a seeded key; the
        # key is drawn only where a tie reaches into the first ``limit`` places
        ranking = sorted(range(len(items)), key=lambda k: -shown[k])
        end = len(ranking) if limit is None else min(limit, len(ranking))
        person_id, rng = view.person.person_id, random.Random()
        start = 0
        while start < end:
            stop = start + 1
            while stop < len(ranking) and shown[ranking[stop]] == shown[ranking[start]]:
                stop += 1
            if stop - start > 1:
                ranking[start:stop] = sorted(
                    ranking[start:stop],
                    key=lambda k: (
                        -congestion.tie_key(person_id, self.today, ids[k], discounted[k], rng=rng)
                    ),
                )
            start = stop
        return [
            (k, discounted[k], notes[k]) for k in (ranking if limit is None else ranking[:limit])
        ]

    def _recommendation(
        self,
        view: PersonView,
        kind: str,
        item: Vacancy | Course | Shelter,
        pair: Pair,
        score: float,
        contributions: Mapping[str, float],
    ) -> Recommendation:
        reasons = self._reasons(view, kind, item, pair, contributions)
        if "congestion" in pair.facts:
            referrals, free = pair.facts["congestion"]
            note = Reason("congested", {"referrals": referrals, "free": free})
            reasons = [*reasons[:4], note]
        return Recommendation(self._id(kind, item), kind, score, tuple(reasons))

    def _reasons(
        self,
        view: PersonView,
        kind: str,
        item: Vacancy | Course | Shelter,
        pair: Pair,
        contributions: Mapping[str, float],
    ) -> list[Reason]:
        if isinstance(item, Vacancy):
            return explain.vacancy_reasons(
                pair.values,
                pair.facts,
                contributions,
                title=item.title,
            )
        if isinstance(item, Course):
            return explain.course_reasons(pair.facts, contributions)
        return explain.shelter_reasons(pair.facts, contributions)


def _free_places(item: Vacancy | Course | Shelter) -> int | None:
    """Quota slots (an ordinary vacancy counts as one opening), seats (None: unlimited), beds."""
    if isinstance(item, Vacancy):
        return item.quota_slots if item.is_quota else 1
    if isinstance(item, Course):
        return item.seats
    return item.free_beds


def _proximity(
    km: npt.NDArray[np.float64], commute: npt.NDArray[np.float64], relocation: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """``features.fit.proximity`` over arrays."""
    reach = np.maximum(commute, 5.0)
    inside = 1.0 - 0.7 * km / reach
    outside = np.where(relocation, 0.25 * np.exp(-km / RELOCATION_SCALE_KM), 0.0)
    result: npt.NDArray[np.float64] = np.where(km <= reach, inside, outside)
    return result


def _top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.int64]:
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


def _regions_within(lat: float, lon: float, km: float) -> list[str]:
    """Two-digit region codes whose centre is close enough that a job there may lie within
    ``km`` of the point (a generous margin: regions are large)."""
    codes, lats, lons = _region_centres()
    distance = haversine_many(lat, lon, lats, lons)
    return [code for code, d in zip(codes, distance, strict=True) if d <= km + 450]
