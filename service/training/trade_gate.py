"""The trade-first gate on the lists an officer sees (docs/retraining.md).

A challenger is judged on the vacancy lists the engine would show with it, not only on the
held-out referrals (short lists, mostly of the person's own trade, which every model keeps
in order). For a sample of the held-out period's persons who have a trade (a profession read
as an ISCO-08 code), the same engine lists each person's first ``evaluate.K`` jobs with the
challenger's ranker, the champion's and the baseline's swapped in (``Engine.with_rankers``:
no index is rebuilt). Only persons for whom the rules let through at least one job of their
own trade (an *exact-trade match*) count; for each list, the place of the best such match
(``K + 1`` when the list holds none). ``evaluate.trade_first_shown`` turns the places into
the share whose top ``TRADE_TOP`` holds one and the mean place; a challenger whose share
falls more than ``TRADE_SLACK`` below the champion's or the baseline's is refused
(``refusal``), when there are at least ``TRADE_MIN_LISTS`` such persons (fewer are shown,
not judged).

Which jobs of a list are exact-trade matches is read from the same engine scoring by the
occupation fit alone (``evaluate.occupation_fit_ranker``): its list is every job the rules
let through, each with its fit as its score.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher import Engine, Person, Ranker
from matcher.rank import TrackRecords, evaluate, track_snapshot
from service.store.model_card import Reason, TradeLists, TradeShare

K = evaluate.K
"""The jobs of a list an officer sees first (the lists' default length)."""
SAMPLE = 300
"""At most this many persons of the held-out period with a trade get their lists built (a
deterministic sample spread over their ids): what a retraining spends on the gate stays
bounded whatever the period holds."""


def sample(ids: Sequence[str], size: int = SAMPLE) -> list[str]:
    """``size`` of ``ids`` (sorted), evenly spread; all of them when there are no more."""
    ordered = sorted(set(ids))
    if len(ordered) <= size:
        return ordered
    return [ordered[i * len(ordered) // size] for i in range(size)]


@dataclass(frozen=True)
class Shortlists:
    """What the lists are built from: a retraining's engine (the catalogs as of its day,
    no congestion discount), the persons by id, and the track records a learned ranker
    reads (``Shortlists.of``)."""

    engine: Engine
    persons: Mapping[str, Person]
    tracks: Mapping[str, Any]

    @classmethod
    def of(
        cls,
        engine: Engine,
        persons: Mapping[str, Person],
        records: Mapping[str, TrackRecords],
        *,
        today: date,
    ) -> Shortlists:
        """With the track records as a model serves them the day after ``today``
        (``service.training.dataset.tracks``)."""
        day = today.toordinal() + 1
        return cls(engine, persons, {k: track_snapshot(r, day) for k, r in records.items()})

    def measure(
        self, held_out: npt.ArrayLike, *, challenger: Ranker, champion: Ranker, baseline: Ranker
    ) -> TradeLists:
        """The gate's figures of each vacancy ranker on the lists of a sample of the persons
        named in ``held_out``."""
        started = time.perf_counter()
        ids = [str(p) for p in np.unique(np.asarray(held_out).astype(str)) if p in self.persons]
        with_trade = sample([p for p in ids if self.engine.view(self.persons[p]).codes])
        exact = self._exact(with_trade)
        figures: TradeLists = {"persons": len(with_trade), "reachable": len(exact), "size": K}
        if exact:
            figures["challenger"] = self._shares(challenger, "challenger", exact)
            figures["champion"] = self._shares(champion, "champion", exact)
            figures["baseline"] = self._shares(baseline, "baseline", exact)
        figures["seconds"] = round(time.perf_counter() - started, 2)
        return figures

    def _exact(self, ids: Sequence[str]) -> dict[str, set[str]]:
        """The exact-trade matches the rules let through, by person (only persons with one)."""
        fits = self.engine.with_rankers(
            {"vacancy": evaluate.occupation_fit_ranker()}, model_version="occupation-fit"
        )
        found: dict[str, set[str]] = {}
        for person_id in ids:
            listed = fits.recommend(self.persons[person_id], "vacancy", limit=fits.prefilter)
            if jobs := {item.id for item in listed if item.score > evaluate.EXACT_TRADE_FIT}:
                found[person_id] = jobs
        return found

    def _shares(self, ranker: Ranker, name: str, exact: Mapping[str, set[str]]) -> TradeShare:
        engine = self.engine.with_rankers(
            {"vacancy": ranker}, model_version=name, tracks=self.tracks
        )
        places = [_best_place(engine, self.persons[p], jobs) for p, jobs in exact.items()]
        share = evaluate.trade_first_shown(places)
        return {"top_share": share["top_share"], "best_rank": share["best_rank"]}


def _best_place(engine: Engine, person: Person, exact: set[str]) -> int:
    """The place of the first of ``exact`` in the person's list (``K + 1`` when not in it)."""
    listed = engine.recommend(person, "vacancy", limit=K)
    return next((k for k, item in enumerate(listed, 1) if item.id in exact), K + 1)


def refusal(
    figures: Mapping[str, Any],
    *,
    persons: int,
    top: int = evaluate.TRADE_TOP,
    least: int = 0,
) -> Reason | None:
    """``exact_trade_down`` when the challenger's ``top_share`` falls more than
    ``TRADE_SLACK`` below the higher of the champion's and the baseline's (None otherwise, and
    when there is nothing to compare); ``persons``: the lists the shares are over, judged
    only when they are at least ``least``."""
    names = ("challenger", "champion", "baseline")
    if persons < least or not all(isinstance(figures.get(name), Mapping) for name in names):
        return None
    challenger = float(figures["challenger"]["top_share"])
    reference = max(float(figures[name]["top_share"]) for name in ("champion", "baseline"))
    if not challenger < reference - evaluate.TRADE_SLACK:
        return None
    return {
        "code": "exact_trade_down",
        "persons": persons,
        "top": top,
        "challenger": round(100 * challenger),
        "reference": round(100 * reference),
    }
