"""The hidden world's chances: the coefficients of its logistic propensities (documented in
docs/simulation.md), the reasons it gives, contract lengths, and the seeded draws it makes."""

from __future__ import annotations

import hashlib
import math
import random
from typing import Final

from catalogs import law
from catalogs.enums import REASONS_BY_EVENT

# the documented reason codes (catalogs/enums.py), the world draws from them
REJECTED_REASONS: Final = REASONS_BY_EVENT["rejected"]
QUIT_REASONS: Final = REASONS_BY_EVENT["quit"]
DROPPED_REASONS: Final = REASONS_BY_EVENT["dropped"]
LEFT_REASONS: Final = REASONS_BY_EVENT["left"]

HIRE: Final = {
    "intercept": -1.2,
    "occupation": 1.6,
    "skills": 0.8,
    "distance": -1.0,
    "openness": 4.0,
    "violent_closed": -3.0,
    "documents": -0.6,
    "medical": -0.3,
}
"""P(hired | referred) = σ(intercept + occupation·fit + skills·overlap + distance·min(3, km /
max(commute, 5)) + openness·(o_e − ½) + violent_closed·[violent]·closedness + documents·[needs
documents] + medical·[needs a medical commission]); closedness = max(0, 1 − 2·o_e)."""

KEEP: Final = {
    "intercept": -0.3,
    "openness": 3.0,
    "housed": 0.9,
    "supportive_family": 0.5,
    "no_family": -0.3,
    "course_match": 0.8,
    "salary_above_median": 0.5,
    "steadiness": 2.0,
    "addiction": -1.0,
    "first_two_months": -0.8,
}
"""P(kept 3 months | hired) = σ(intercept + openness·(o_e − ½) + housed·[housing solved] +
supportive_family·[supportive ties] + no_family·[no ties] + course_match·[a completed course
leads to this occupation] + salary_above_median·[salary above the regional median] +
steadiness·(s − ½) + addiction·[needs addiction treatment] + first_two_months·[hired within 61
days of release])."""

ENROL: Final = {
    "intercept": -0.6,
    "relevance": 1.2,
    "reach": 1.0,
    "timing": 0.6,
    "paid": -0.5,
    "quality": 1.0,
}
"""P(enrolled | referred) = σ(intercept + relevance + reach + timing (the course features) +
paid·[not free] + quality·(q − ½))."""

COMPLETE: Final = {
    "intercept": 0.0,
    "relevance": 0.8,
    "quality": 2.5,
    "steadiness": 1.2,
    "addiction": -0.8,
    "wants_training": 0.3,
}
"""P(completed | enrolled) = σ(intercept + relevance + quality·(q − ½) + steadiness·(s − ½) +
addiction·[needs treatment] + wants_training·[wants training])."""

ADMIT: Final = {"intercept": 0.8, "services": 1.5, "substance_refused": -1.5}
"""P(admitted | referred, a bed free) = σ(intercept + services·(needs served) +
substance_refused·[needs addiction treatment and the centre does not admit substance use])."""

CONTRACT_MONTHS: Final = ((1, 0.1), (3, 0.25), (6, 0.3), (12, 0.35))
"""Contract lengths of a hire and their shares; a 1-month contract cannot reach 3 months."""
RETENTION_DAYS: Final = law.RETENTION_DAYS
FIRST_MONTHS_DAYS: Final = 61


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def seeded(seed: int, *parts: str) -> random.Random:
    digest = hashlib.blake2b("|".join((str(seed), *parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def choose(rng: random.Random, weights: dict[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def pick(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]
