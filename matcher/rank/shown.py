"""A score as an officer reads it. A learned ranker's score is what it was fitted to be, an
expected chance of success (a job kept 3 months, a course completed, a stay begun), so it is
shown in per cent with what it is the chance of; the baseline's is a fit from 0 to 1 and is
shown as such. ``matcher why`` shows each feature's share in the same unit, and the shares add
up to the score (``LearnedRanker.contributions``)."""

from __future__ import annotations

from typing import Any

from catalogs.i18n import decimal, messages


def is_chance(ranker: Any) -> bool:
    """Whether the ranker's score is an expected chance of success (a learned ranker's)."""
    return bool(getattr(ranker, "scores_chance", False))


def label(ranker: Any, kind: str, lang: str) -> str:
    """What the score is: «Оценка», or the chance of what."""
    code = f"chance_{kind}" if is_chance(ranker) else "score"
    return messages("matcher").text(code, lang)


def legend(lang: str) -> str:
    """What the baseline's fit is, said once above a list: not a chance."""
    return messages("matcher").text("score_legend", lang)


def value(ranker: Any, score: float, lang: str) -> str:
    """The score: «37 %» (English «37%») for a chance, «0,912» (English «0.912») for a fit."""
    if not is_chance(ranker):
        return decimal(score, lang, 3)
    return f"{100 * score:.0f}%" if lang == "en" else f"{100 * score:.0f} %"


def share(ranker: Any, part: float, lang: str = "en") -> str:
    """A feature's share of the score, in the score's unit: «+12.3» points of a chance (with a
    decimal comma in Kazakh and Russian)."""
    if not is_chance(ranker):
        return decimal(part, lang, 3)
    points = decimal(100 * part, lang, 1)
    return points if points.startswith("-") else f"+{points}"
