"""What the engine returns: a list's items (``Recommendation``), everything about one pair
(``Why``), and the reasons of an item, worded by ``matcher.explain``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import overload

from matcher import explain
from matcher.eligibility import Verdict
from matcher.engine.scoring import Ranker, shares
from matcher.explain import FROM_ELSEWHERE, Reason, measured
from matcher.features.origin import Origin
from matcher.features.pairs import Pair
from matcher.profile import Course, Shelter, Vacancy

MAX_REASONS_BEFORE_CONGESTION = 4
"""A congested item keeps its best four reasons, then says it is congested."""


class Worded:
    """A list item's reasons: given, or worded when first read. A list is asked for a few
    more items than it shows (some leave it when places are checked), and the reasons of the
    ones not shown are never worded."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    @overload
    def __get__(self, item: None, owner: type | None = None) -> tuple[Reason, ...]: ...
    @overload
    def __get__(self, item: object, owner: type | None = None) -> tuple[Reason, ...]: ...
    def __get__(self, item: object | None, owner: type | None = None) -> tuple[Reason, ...]:
        if item is None:
            return ()  # the field's default
        found = item.__dict__[self.slot]
        if callable(found):
            found = item.__dict__[self.slot] = tuple(found())
        result: tuple[Reason, ...] = found
        return result

    def __set__(
        self, item: object, value: Sequence[Reason] | Callable[[], Sequence[Reason]]
    ) -> None:
        item.__dict__[self.slot] = value if callable(value) else tuple(value)


@dataclass(frozen=True)
class Recommendation:
    """One item of a list: its id, kind and score, and its reasons (a tuple, or a function
    that words them when they are first read)."""

    id: str
    kind: str
    score: float
    reasons: Worded = Worded()

    def __reduce__(self) -> tuple[type[Recommendation], tuple[object, ...]]:
        """Pickled with its reasons worded."""
        return Recommendation, (self.id, self.kind, self.score, self.reasons)

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


def item_id(item: Vacancy | Course | Shelter) -> str:
    if isinstance(item, Vacancy):
        return item.vacancy_id
    if isinstance(item, Course):
        return item.course_id
    return item.shelter_id


def reasons(
    item: Vacancy | Course | Shelter, pair: Pair, contributions: Mapping[str, float]
) -> list[Reason]:
    """The reasons of a person's item, from its pair's values and facts."""
    if isinstance(item, Vacancy):
        return explain.vacancy_reasons(pair.values, pair.facts, contributions, title=item.title)
    if isinstance(item, Course):
        return explain.course_reasons(pair.facts, contributions)
    return explain.shelter_reasons(pair.facts, contributions)


Row = tuple[Vacancy | Course | Shelter, Callable[[], Pair], float]
"""A list's row: its item, its ``Pair`` (made when first asked for), and its score."""


class Wording:
    """The reasons of a list's rows, worded when read: a row's pair is made, and its shares of
    the score asked of the ranker, at its first read (every row's shares at once from a
    ranker that batches them, ``scoring.shares``)."""

    def __init__(self, ranker: Ranker, names: tuple[str, ...], rows: Sequence[Row]) -> None:
        self.ranker, self.names, self.rows = ranker, names, rows
        self.batched = getattr(ranker, "contributions_many", None) is not None
        self._shares: list[dict[str, float]] | None = None

    def reasons(self, k: int) -> list[Reason]:
        """The reasons of row ``k`` (and the congestion note, when its score was discounted)."""
        item, pair_of, _ = self.rows[k]
        pair = pair_of()
        found = reasons(item, pair, self.share(k))
        if "congestion" in pair.facts:
            referrals, free = pair.facts["congestion"]
            note = Reason("congested", {"referrals": referrals, "free": free})
            found = [*found[:MAX_REASONS_BEFORE_CONGESTION], note]
        return found

    def share(self, k: int) -> dict[str, float]:
        """Each feature's share of row ``k``'s score."""
        if not self.batched:
            return self.ranker.contributions(self.rows[k][1]().vector(self.names))
        if self._shares is None:
            rows = [pair_of().vector(self.names) for _, pair_of, _ in self.rows]
            self._shares = shares(self.ranker, rows)
        return self._shares[k]

    def items(self, kind: str) -> list[Recommendation]:
        """The rows as a list's items, their reasons worded when read."""
        return [
            Recommendation(item_id(item), kind, value, partial(self.reasons, k))
            for k, (item, _, value) in enumerate(self.rows)
        ]


def measured_verdict(verdict: Verdict, origin: Origin | None) -> Verdict:
    """A verdict about a distance, worded for where the distance starts (``too_far`` from a
    centre or from the profile's town, ``explain.FROM_ELSEWHERE``); others as they are."""
    if origin is None or (verdict.code, origin.kind) not in FROM_ELSEWHERE:
        return verdict
    reason = measured(verdict.code, origin, verdict.params)
    return Verdict(reason.code, reason.params)
