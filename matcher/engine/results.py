"""What the engine returns: a list's items (``Recommendation``), everything about one pair
(``Why``), and the reasons of an item, worded by ``matcher.explain``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matcher import explain
from matcher.eligibility import Verdict
from matcher.explain import Reason
from matcher.features.pairs import Pair
from matcher.profile import Course, Shelter, Vacancy

MAX_REASONS_BEFORE_CONGESTION = 4
"""A congested item keeps its best four reasons, then says it is congested."""


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


def recommendation(
    kind: str,
    item: Vacancy | Course | Shelter,
    pair: Pair,
    score: float,
    contributions: Mapping[str, float],
) -> Recommendation:
    """One item of a person's list, with its reasons (and the congestion note, when the
    item's score was discounted)."""
    found = reasons(item, pair, contributions)
    if "congestion" in pair.facts:
        referrals, free = pair.facts["congestion"]
        note = Reason("congested", {"referrals": referrals, "free": free})
        found = [*found[:MAX_REASONS_BEFORE_CONGESTION], note]
    return Recommendation(item_id(item), kind, score, tuple(found))
