"""What the engine needs of a ranker, and how it asks one for scores and for each feature's
share of a score (the baseline and the learned ranker answer the same questions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

RERANK = 100
"""How many of the baseline's best a learned ranker re-scores (its latency budget; the
longest list the API gives)."""


class Ranker(Protocol):
    """What the engine needs of a ranker (the baseline and the learned ranker both have it)."""

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]: ...

    def contributions(self, row: Sequence[float]) -> dict[str, float]: ...


def shares(ranker: Ranker, rows: Sequence[Sequence[float]]) -> list[dict[str, float]]:
    """Each row's contributions, in one call when the ranker can batch them."""
    many = getattr(ranker, "contributions_many", None)
    if many is not None and rows:
        found: list[dict[str, float]] = many(rows)
        return found
    return [ranker.contributions(row) for row in rows]


def score(ranker: Ranker, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
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
