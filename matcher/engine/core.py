"""The ``Engine``: shortlists over one set of catalogs, as of one day. A person's list narrows
each catalog over arrays (``prefilter``), checks every rule and computes every feature of the
few hundred left, scores them (``scoring``), orders them (``ordering``) and words the reasons
of the ones shown (``results``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.congestion import Congestion
from matcher.eligibility import verdicts
from matcher.engine.candidates import candidates as persons_for
from matcher.engine.ordering import Crowding, free_places, ranked, referral_counts
from matcher.engine.prefilter import course_positions, shelter_positions, vacancy_candidates
from matcher.engine.results import (
    Recommendation,
    Row,
    Why,
    Wording,
    item_id,
    measured_verdict,
    reasons,
)
from matcher.engine.rows import Noted, course_rows, shelter_rows, tracked, vacancy_rows
from matcher.engine.scoring import Ranker, score
from matcher.features.geo import haversine_km
from matcher.features.origin import IN_TOWN, at_centre
from matcher.features.pairs import (
    FEATURES,
    Pair,
    PersonView,
    course_pair,
    shelter_pair,
    vacancy_pair,
)
from matcher.index import (
    CourseIndex,
    PersonIndex,
    ShelterIndex,
    VacancyIndex,
    person_codes,
)
from matcher.profile import Course, Person, Shelter, Vacancy
from matcher.rank.track import TRACK_FEATURES, Snapshot
from matcher.rank.weights import baseline
from matcher.text import OccupationMatcher, occupation_matcher

KINDS = ("vacancy", "course", "shelter")
PREFILTER = 300
"""How many items, after the array pre-score, get exact features and rules."""
PLACES = 10
"""How many of a shelter list's first centres may place a person who needs housing."""

Item = Vacancy | Course | Shelter
Scored = list[tuple[Item, Pair, float]]


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
        self._crowded: dict[str, npt.NDArray[np.int64]] = {}

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

    def names(self, kind: str) -> tuple[str, ...]:
        """The feature columns the ranker of ``kind`` reads, in its order."""
        return self._names[kind]

    def knows(self, kind: str, item_id: str) -> bool:
        """Whether the catalog of ``kind`` holds ``item_id``."""
        return item_id in self._index(kind).position

    def item(self, kind: str, item_id: str) -> Item:
        index = self._index(kind)
        position = index.position.get(item_id)
        if position is None:
            raise KeyError(item_id)
        item: Item = index.items[position]
        return item

    @staticmethod
    def track_key(kind: str, item: Item) -> str:
        """What an item's track record is kept under: the employer's BIN for a vacancy (an
        employer's record spans its vacancies), the item itself otherwise."""
        return item.employer_bin if isinstance(item, Vacancy) else item_id(item)

    def view(self, person: Person, *, on: date | None = None) -> PersonView:
        """What the features need of a person, as of ``on`` (the engine's day by default)."""
        return self._placed(self._unplaced(person, on=on))

    def _unplaced(self, person: Person, *, on: date | None = None) -> PersonView:
        """``view`` without placing the person (a shelter list measures from the profile's
        town: where a person without a home would sleep is what it finds)."""
        codes, sources = person_codes(
            person.professions,
            matcher=self.matcher,
            confirmed=person.confirmed_occupation,
            confirmed_text=person.confirmed_text,
        )
        return PersonView.of(person, codes, sources, on or self.today)

    def _placed(self, view: PersonView) -> PersonView:
        """``view`` with the person placed where their distances to jobs and courses start
        (``features.origin``): for a person who needs housing, the first centre of their
        shelter list that lies within their commute of the town their profile gives (where
        they will live), else that town; home for everyone else."""
        person = view.person
        if not person.need_housing:
            return view
        shelters = self._rows(view, "shelter", shelter_positions(view, self.shelters), PLACES)
        for centre, _, _ in shelters:
            assert isinstance(centre, Shelter)
            if (
                haversine_km(person.lat, person.lon, centre.lat, centre.lon)
                <= person.max_commute_km
            ):
                placed, origin = at_centre(person, centre)
                return replace(view, person=placed, origin=origin, home=person)
        return replace(view, origin=IN_TOWN)

    def pair(self, view: PersonView, kind: str, item_id: str) -> Pair:
        """The features of one pair (eligibility not checked), with track records when the
        ranker of ``kind`` reads them: what training sets are built from."""
        item = self.item(kind, item_id)
        return self._tracked(kind, item, self._pair(view, kind, item))

    # -- a person's lists ----------------------------------------------------------------------

    def recommend(self, person: Person, kind: str, *, limit: int = 10) -> list[Recommendation]:
        """The person's best ``limit`` items of ``kind`` (vacancy, course, shelter)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        view = self._unplaced(person) if kind == "shelter" else self.view(person)
        if kind == "vacancy":
            positions, km = vacancy_candidates(view, self.vacancies, prefilter=self.prefilter)
            rows = self._rows(view, kind, positions, limit, km=km)
        else:
            rows = self._rows(view, kind, self._shortlist_positions(view, kind), limit)
        return Wording(self.rankers[kind], self.names(kind), rows).items(kind)

    def why(self, person: Person, kind: str, item_id: str, *, limit: int = 10) -> Why:
        """Why ``item_id`` is, or is not, on the person's list of ``kind``."""
        view = self.view(person)
        item = self.item(kind, item_id)
        pair = self._tracked(kind, item, self._pair(view, kind, item))
        ranker = self.rankers[kind]
        row = pair.vector(self.names(kind))
        value = float(ranker.predict_proba(np.array([row]))[0, 1])
        # a shelter is measured from where the profile places the person (features.origin)
        placed = kind != "shelter"
        found = tuple(
            measured_verdict(verdict, view.origin if placed else None)
            for verdict in verdicts(view.person if placed else person, item, self.today)
        )
        rank = None
        if not found:
            positions = self._shortlist_positions(view, kind)
            ids = [self._id(kind, item) for item, _, _ in self._rows(view, kind, positions)]
            rank = ids.index(item_id) + 1 if item_id in ids else None
        contributions = ranker.contributions(row)
        return Why(
            person.person_id,
            kind,
            item_id,
            found,
            pair.values,
            contributions,
            value,
            rank,
            tuple(reasons(item, pair, contributions)),
        )

    # -- a vacancy's candidates -------------------------------------------------------------------

    def candidates(
        self, vacancy_id: str, persons: PersonIndex, *, limit: int = 20
    ) -> list[Recommendation]:
        """The persons who fit a vacancy best (only eligible ones); the caller decides what of
        them a reader may see."""
        return persons_for(self, vacancy_id, persons, limit=limit)

    # -- internals --------------------------------------------------------------------------------

    def _index(self, kind: str) -> VacancyIndex | CourseIndex | ShelterIndex:
        if kind == "vacancy":
            return self.vacancies
        return self.courses if kind == "course" else self.shelters

    @staticmethod
    def _id(kind: str, item: Item) -> str:
        return item_id(item)

    def _shortlist_positions(self, view: PersonView, kind: str) -> npt.NDArray[np.int64]:
        if kind == "vacancy":
            return vacancy_candidates(view, self.vacancies, prefilter=self.prefilter)[0]
        if kind == "course":
            gap = self.vacancies.quota_gap.get(view.person.kato[:2], {})
            return course_positions(
                view, self.courses, quota_gap=gap, today=self.today, prefilter=self.prefilter
            )
        return shelter_positions(view, self.shelters)

    def _pair(self, view: PersonView, kind: str, item: Item) -> Pair:
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

    def _tracked(self, kind: str, item: Item, pair: Pair) -> Pair:
        """``pair`` with the item's track record, when the ranker of ``kind`` reads one."""
        return tracked(self, kind, item, pair) if self._reads_track[kind] else pair

    def _scored(
        self,
        view: PersonView,
        kind: str,
        positions: npt.NDArray[np.int64],
        limit: int | None = None,
        km: npt.NDArray[np.float64] | None = None,
    ) -> Scored:
        """The eligible items, best first (only the best ``limit`` when given), each with its
        ``Pair``. ``km``: the vacancies' distances from the person, when known."""
        return [
            (item, pair(), value)
            for item, pair, value in self._rows(view, kind, positions, limit, km)
        ]

    def _rows(
        self,
        view: PersonView,
        kind: str,
        positions: npt.NDArray[np.int64],
        limit: int | None = None,
        km: npt.NDArray[np.float64] | None = None,
    ) -> list[Row]:
        """``_scored``'s rows with each ``Pair`` made when first asked for (the facts of the
        reasons: all items are checked and scored over columns)."""
        index, names = self._index(kind), self.names(kind)
        if kind == "vacancy":
            pos, pair_of, matrix = vacancy_rows(self, view, positions, names, km)
        elif kind == "course":
            pos, pair_of, matrix = course_rows(self, view, positions, names)
        else:
            pos, pair_of, matrix = shelter_rows(self, view, positions, names)
        if not len(pos):
            return []
        items: Sequence[Item] = index.items
        where = pos.tolist()
        crowding = None
        if self.congestion is not None:
            referrals = self._referrals(kind)[pos]
            crowding = Crowding(self.congestion, referrals, lambda k: free_places(items[where[k]]))
        # a person's jobs put their own trade first (``ordering.trade_leads``)
        trade = kind == "vacancy" and "occupation" in names
        fit = matrix[:, names.index("occupation")] if trade else None
        quota = self.vacancies.quota_open[pos] if trade else None
        result: list[Row] = []
        for k, value, congested, led in ranked(
            score(self.rankers[kind], matrix),
            limit,
            id_of=lambda k: item_id(items[where[k]]),
            crowding=crowding,
            person_id=view.person.person_id,
            today=self.today,
            fit=fit,
            quota=quota,
        ):
            result.append((items[where[k]], Noted(pair_of, k, congested, led), value))
        return result

    def _referrals(self, kind: str) -> npt.NDArray[np.int64]:
        """Each item's referrals in the congestion window, by its position in its index
        (worked out at the first list of ``kind``)."""
        found = self._crowded.get(kind)
        if found is None:
            assert self.congestion is not None
            found = referral_counts(self.congestion, kind, self._index(kind).position)
            self._crowded[kind] = found
        return found
