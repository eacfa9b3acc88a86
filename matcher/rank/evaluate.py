"""How a ranker is judged on a held-out period: NDCG@10 and AUC, and a fairness audit.

- **NDCG@10**: each person's referrals of the period form one list, the gain of an item is 1
  when the referral succeeded (a job kept 3 months); lists with no success say nothing about
  order and are left out. The mean over lists.
- **AUC**: how often a success is scored above a failure, over all referrals of the period.
- **Fairness** (for each attribute: sex, age band, region, urban or rural, offence category):
  *exposure*, the position-weighted place (1 / log2(1 + rank), top 10 only) that members of a
  group get in each item's list of the period's candidates, over what a random order of that
  list would give them (1 = a fair share, whatever the list's length); and *equal
  opportunity*, the share of a group's true successes that the ranker puts in the upper half
  of the person's own options (rank ≤ (n + 1) / 2): a person's list only ever holds their own
  options, so this compares how well each group's good options are surfaced, not how groups'
  success rates differ. For each, the ratio of the worst group to the best; groups with fewer
  than ``MIN_GROUP`` referrals (or successes) are shown, not judged.
  A group fails only when it is *clearly* below ``FAIRNESS_FLOOR`` of the best: even the top of
  its 95 % confidence interval lies below the floor (small groups are noisy, and a gate that
  fails on noise teaches nothing).
- **Trade first** (``trade_first``): among the persons with a trade whose period's referrals
  hold an *exact-trade match* (a job of the person's own occupation code, occupation fit above
  ``EXACT_TRADE_FIT``), the share whose top ``TRADE_TOP`` holds one, and the mean rank of their
  best exact-trade match.
- **Trade first on the lists an officer sees** (``trade_first_shown``): the same share and mean
  rank over the first ``K`` jobs the engine shows each person of a sample with a trade and an
  exact-trade match the rules let through (``service.training.trade_gate`` builds the lists),
  a list without one counting its best at ``K + 1``. A challenger whose share falls more than
  ``TRADE_SLACK`` below the champion's or the baseline's (whichever is higher) moves skilled
  persons' trades down and is refused; over fewer than ``TRADE_MIN_LISTS`` lists the shares
  are shown, not judged (as a small group in the fairness audit). The referral lists of
  ``trade_first`` are short and mostly of the person's own trade, so every model keeps nearly
  all of them: that figure is kept beside, and judges only where no lists can be built.
- **As shown**: given each row's occupation fit (and whether it is a quota vacancy open then),
  a person's list is ordered as the engine shows it, the exact-trade matches within
  ``TRADE_BAND`` of the list's best other job first, and among them the quota vacancies within
  ``TRADE_BAND`` of the best of them (``matcher.engine.ordering``, ``shown_ranks``; a test
  holds the two to the same order on random lists); NDCG@10 and trade first are measured on
  that order, so a challenger is judged on the lists it would give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.metrics import roc_auc_score

# the engine's trade-first rule, which the gate judges lists by
from matcher.engine.ordering import EXACT_TRADE_FIT as EXACT_TRADE_FIT
from matcher.engine.ordering import TRADE_BAND as TRADE_BAND
from matcher.rank.weights import WeightedSum

K = 10
FAIRNESS_FLOOR = 0.8
"""No judged group may fall below this share of the best group's exposure or opportunity."""
MIN_GROUP = 30
"""Referrals (for exposure) or successes (for opportunity) a group needs to be judged."""

TRADE_TOP = 3
"""The top of a list that must keep a person's exact-trade match."""
TRADE_SLACK = 0.02
"""How far the challenger's share may fall below the reference's before it is refused."""
TRADE_MIN_LISTS = 30
"""Lists (persons with an exact-trade match to find) the gate needs to judge on the lists
an officer sees: fewer are shown, not judged (one person is more than 3 points of 30)."""

Array = npt.NDArray[np.float64]


def trade_first(
    lists: npt.ArrayLike, fit: npt.ArrayLike, scores: npt.ArrayLike, top: int = TRADE_TOP
) -> dict[str, float | int]:
    """Over the lists that hold an exact-trade match (``fit`` > ``EXACT_TRADE_FIT``): how many
    (``persons``), the share whose top ``top`` holds one (``top_share``) and the mean rank of
    the best one (``best_rank``); both nan when no list holds one."""
    codes = _codes(lists)
    fits = np.asarray(fit, dtype=np.float64)
    exact = fits > EXACT_TRADE_FIT
    score = np.asarray(scores, dtype=np.float64)
    if not exact.any():
        return {"persons": 0, "top_share": float("nan"), "best_rank": float("nan")}
    ranks = _ranks(codes, score, fits)
    best = np.full(int(codes.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(best, codes[exact], ranks[exact])
    held = best[best < np.iinfo(np.int64).max]
    return {
        "persons": len(held),
        "top_share": round(float(np.mean(held <= top)), 4),
        "best_rank": round(float(np.mean(held)), 3),
    }


def trade_first_shown(best: Sequence[int], top: int = TRADE_TOP) -> dict[str, float]:
    """Over shown lists, given each person's place of their best exact-trade match in theirs
    (``K + 1`` when it holds none): the share whose top ``top`` holds one (``top_share``) and
    the mean place (``best_rank``); both nan without a list."""
    if not best:
        return {"top_share": float("nan"), "best_rank": float("nan")}
    places = np.asarray(best, dtype=np.int64)
    return {
        "top_share": round(float(np.mean(places <= top)), 4),
        "best_rank": round(float(np.mean(places)), 3),
    }


def occupation_fit_ranker() -> WeightedSum:
    """A ranker of jobs that scores each by its occupation fit alone: an engine scoring with it
    lists a person's jobs the rules let through, their own trade's first, each with its fit as
    its score (how the trade-first gate finds which jobs of a list are exact-trade matches)."""
    return WeightedSum({"occupation": 1.0}, features=("occupation",))


def shown_ranks(
    lists: npt.ArrayLike,
    scores: npt.ArrayLike,
    fit: npt.ArrayLike,
    quota: npt.ArrayLike | None = None,
) -> npt.NDArray[np.int64]:
    """1-based rank of every row within its list as the engine shows a person's jobs
    (``matcher.engine.ordering.ranked``): the exact-trade matches scoring at least
    ``TRADE_BAND`` of the best other job of their list first (``trade_leads``), and among
    those, the quota vacancies open now (``quota``) scoring at least ``TRADE_BAND`` of the best
    of them (``quota_leads``); then the rest; each part best score first."""
    return _ranks(
        _codes(lists),
        np.asarray(scores, dtype=np.float64),
        np.asarray(fit, dtype=np.float64),
        None if quota is None else np.asarray(quota, dtype=bool),
    )


def _ranks(
    lists: npt.NDArray[np.int64],
    scores: Array,
    fit: Array | None = None,
    quota: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """1-based rank of every row within its list, best score first (ties: earlier row); with
    ``fit`` (and ``quota``), the engine's trade-first (and quota-first) rows of each list
    before the others, as ``shown_ranks`` says."""
    part = np.zeros(len(scores), dtype=np.int64)  # 0 quota of the trade, 1 the trade, 2 rest
    if fit is not None and len(scores):
        size = int(lists.max()) + 1
        exact = fit > EXACT_TRADE_FIT
        others = _best(size, lists[~exact], scores[~exact])  # each list's best other job
        leads = exact & (scores >= TRADE_BAND * others[lists])
        first = np.zeros(len(scores), dtype=bool)
        if quota is not None:
            best_lead = _best(size, lists[leads], scores[leads])
            first = leads & quota & (scores >= TRADE_BAND * best_lead[lists])
        part = np.where(first, 0, np.where(leads, 1, 2))
    order = np.lexsort((np.arange(len(scores)), -scores, part, lists))
    sorted_lists = lists[order]
    start = np.r_[0, np.flatnonzero(np.diff(sorted_lists)) + 1]
    first_row = np.repeat(start, np.diff(np.r_[start, len(order)]))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - first_row + 1
    return ranks


def _best(size: int, lists: npt.NDArray[np.int64], scores: Array) -> Array:
    """The best of ``scores`` in each of ``size`` lists (-inf for a list with none)."""
    best = np.full(size, -np.inf)
    np.maximum.at(best, lists, scores)
    return best


def _codes(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    _, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return codes.astype(np.int64)


def ndcg(
    lists: npt.ArrayLike,
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    k: int = K,
    *,
    fit: npt.ArrayLike | None = None,
    quota: npt.ArrayLike | None = None,
) -> float:
    """Mean NDCG@k over the lists that hold at least one success (nan when none does); with
    ``fit`` (each row's occupation fit) and ``quota`` (whether it is a quota vacancy open
    then), the lists ordered as shown (``shown_ranks``: trade first, its quota jobs first)."""
    codes = _codes(lists)
    fits = None if fit is None else np.asarray(fit, dtype=np.float64)
    quotas = None if quota is None or fit is None else np.asarray(quota, dtype=bool)
    gain = np.asarray(labels, dtype=np.float64)
    score = np.asarray(scores, dtype=np.float64)
    if len(gain) == 0:
        return float("nan")

    def discount(rank: npt.NDArray[np.int64]) -> Array:
        return np.where(rank <= k, 1.0 / np.log2(rank + 1.0), 0.0)

    dcg = np.bincount(codes, weights=gain * discount(_ranks(codes, score, fits, quotas)))
    ideal = np.bincount(codes, weights=gain * discount(_ranks(codes, gain)))
    useful = ideal > 0
    return float(np.mean(dcg[useful] / ideal[useful])) if useful.any() else float("nan")


def auc(labels: npt.ArrayLike, scores: npt.ArrayLike) -> float:
    y = np.asarray(labels)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, np.asarray(scores, dtype=np.float64)))


@dataclass(frozen=True)
class GroupFigures:
    referrals: int
    successes: int
    exposure: float
    exposure_high: float
    """The top of the 95 % confidence interval of ``exposure``."""
    opportunity: float | None
    opportunity_high: float | None
    """The top of the 95 % (Wilson) confidence interval of ``opportunity``."""


def _wilson_high(hits: int, n: int, z: float = 1.96) -> float:
    p = hits / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(min(1.0, (centre + spread) / (1 + z * z / n)))


def audit(
    attributes: Mapping[str, npt.ArrayLike],
    *,
    lists: npt.ArrayLike,
    persons: npt.ArrayLike,
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
) -> dict[str, dict[str, object]]:
    """For each attribute: every group's figures, and the worst-to-best ratios. ``lists``
    names the item each row was a candidate for (exposure), ``persons`` the person whose
    options each row was among (opportunity)."""
    y = np.asarray(labels, dtype=bool)
    score = np.asarray(scores, dtype=np.float64)
    exposure = _relative_exposure(_codes(lists), score)
    found = _found(_codes(persons), score)
    result: dict[str, dict[str, object]] = {}
    for attribute, values in attributes.items():
        groups = np.asarray(values).astype(str)
        figures: dict[str, GroupFigures] = {}
        for group in sorted(set(groups.tolist())):
            members = groups == group
            hits = members & y
            seen = exposure[members]
            n_hits = int(hits.sum())
            figures[group] = GroupFigures(
                referrals=int(members.sum()),
                successes=n_hits,
                exposure=round(float(seen.mean()), 4),
                exposure_high=round(float(seen.mean() + 1.96 * seen.std() / np.sqrt(len(seen))), 4),
                opportunity=round(float(found[hits].mean()), 4) if n_hits else None,
                opportunity_high=(
                    round(_wilson_high(int(found[hits].sum()), n_hits), 4) if n_hits else None
                ),
            )
        exposure_judged = {
            g: (f.exposure, f.exposure_high) for g, f in figures.items() if f.referrals >= MIN_GROUP
        }
        opportunity_judged = {
            g: (f.opportunity, f.opportunity_high)
            for g, f in figures.items()
            if f.opportunity is not None
            and f.opportunity_high is not None
            and f.successes >= MIN_GROUP
        }
        result[attribute] = {
            "groups": {g: vars(f) for g, f in figures.items()},
            "exposure_ratio": _ratio(exposure_judged),
            "opportunity_ratio": _ratio(opportunity_judged),
        }
    return result


def _relative_exposure(
    lists: npt.NDArray[np.int64], score: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Each row's exposure in its list (``1 / log2(1 + rank)`` in the top ``K``) over what a
    random order would give it on average in that list: 1 is a fair share whatever the
    list's length (a crowded list gives everyone less)."""
    ranks = _ranks(lists, score)
    exposure = np.where(ranks <= K, 1.0 / np.log2(ranks + 1.0), 0.0)
    sizes = np.bincount(lists)
    fair = np.bincount(lists, weights=exposure) / np.maximum(sizes, 1)
    relative: npt.NDArray[np.float64] = exposure / np.maximum(fair[lists], 1e-12)
    return relative


def _found(persons: npt.NDArray[np.int64], score: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Whether each row is in the upper half of its person's options (rank ≤ (n + 1) / 2)."""
    ranks = _ranks(persons, score)
    sizes = np.bincount(persons)[persons]
    found: npt.NDArray[np.bool_] = 2 * ranks <= sizes + 1
    return found


def _ratio(judged: Mapping[str, tuple[float, float]]) -> dict[str, object] | None:
    """Worst over best, the worst group, and whether it is clearly below the floor; None
    when fewer than two groups can be judged."""
    if len(judged) < 2:
        return None
    best = max(value for value, _ in judged.values())
    if best <= 0:
        return None
    worst = min(judged, key=lambda g: judged[g][0])
    value, high = judged[worst]
    return {
        "ratio": round(value / best, 4),
        "worst": worst,
        "clearly_below": bool(high < FAIRNESS_FLOOR * best),
    }


def fairness_problems(
    challenger: Mapping[str, Mapping[str, object]],
    champion: Mapping[str, Mapping[str, object]] | None,
    *,
    floor: float = FAIRNESS_FLOOR,
) -> list[dict[str, object]]:
    """The audit's failures: a ratio below ``floor`` that is also worse than the champion's
    (a challenger is not blamed for an unfairness it inherited and did not deepen)."""
    problems = []
    for attribute, figures in challenger.items():
        for metric in ("exposure_ratio", "opportunity_ratio"):
            found = figures.get(metric)
            if not isinstance(found, Mapping):
                continue
            ratio = float(found["ratio"])
            if ratio >= floor or not found["clearly_below"]:
                continue
            was = (champion or {}).get(attribute, {}).get(metric)
            before = float(was["ratio"]) if isinstance(was, Mapping) else None
            if before is not None and ratio >= before - 0.01:
                continue
            problems.append(
                {
                    "attribute": attribute,
                    "metric": metric,
                    "ratio": ratio,
                    "group": found["worst"],
                    "champion": before,
                }
            )
    return problems
