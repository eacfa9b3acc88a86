"""Rankers: the transparent baseline and the learned ranker trained on outcomes, with the same
scikit-learn interface; labels from outcomes, track records and the held-out evaluation; the
rankers' light form (NumPy alone), which a saved model serves from. The names below are what
training and the model store import; they load on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher.rank import evaluate as evaluate
    from matcher.rank import outcomes as outcomes
    from matcher.rank.baseline import BaselineRanker as BaselineRanker
    from matcher.rank.learned import LearnedRanker as LearnedRanker
    from matcher.rank.outcomes import HORIZON_DAYS as HORIZON_DAYS
    from matcher.rank.outcomes import STAGE_DAYS as STAGE_DAYS
    from matcher.rank.track import TRACK_FEATURES as TRACK_FEATURES
    from matcher.rank.track import Outcomes as Outcomes
    from matcher.rank.track import TrackRecords as TrackRecords
    from matcher.rank.track import snapshot as track_snapshot
    from matcher.rank.trees import pack as pack_light
    from matcher.rank.trees import unpack as unpack_light
    from matcher.rank.weights import WEIGHTS as WEIGHTS
    from matcher.rank.weights import baseline as baseline_ranker

_EXPORTS = {
    "evaluate": ("matcher.rank.evaluate", None),
    "outcomes": ("matcher.rank.outcomes", None),
    "WEIGHTS": ("matcher.rank.weights", "WEIGHTS"),
    "BaselineRanker": ("matcher.rank.baseline", "BaselineRanker"),
    "baseline_ranker": ("matcher.rank.weights", "baseline"),
    "LearnedRanker": ("matcher.rank.learned", "LearnedRanker"),
    "HORIZON_DAYS": ("matcher.rank.outcomes", "HORIZON_DAYS"),
    "STAGE_DAYS": ("matcher.rank.outcomes", "STAGE_DAYS"),
    "TRACK_FEATURES": ("matcher.rank.track", "TRACK_FEATURES"),
    "Outcomes": ("matcher.rank.track", "Outcomes"),
    "TrackRecords": ("matcher.rank.track", "TrackRecords"),
    "track_snapshot": ("matcher.rank.track", "snapshot"),
    "pack_light": ("matcher.rank.trees", "pack"),
    "unpack_light": ("matcher.rank.trees", "unpack"),
}
__all__ = [
    "HORIZON_DAYS",
    "STAGE_DAYS",
    "TRACK_FEATURES",
    "WEIGHTS",
    "BaselineRanker",
    "LearnedRanker",
    "Outcomes",
    "TrackRecords",
    "baseline_ranker",
    "evaluate",
    "outcomes",
    "pack_light",
    "track_snapshot",
    "unpack_light",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'matcher.rank' has no attribute {name!r}") from None
    loaded = importlib.import_module(module)
    return loaded if attribute is None else getattr(loaded, attribute)
