"""The model card: what a version was trained on, how it scored against the model it
challenged, the fairness audit and why any kind was refused (docs/retraining.md).

A card is stored as JSON on its ``model_versions`` row and served as it is stored, so its
types are ``TypedDict``s: the same dictionaries, read and written unchanged (a card saved
before a key existed simply lacks it), with the keys a reader may rely on named here. The
parts written by several versions of the code (refusal reasons, the fairness audit, the gates,
the ranker's description) have every key optional: an old card lacks the ones added since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, Required, cast

# typing_extensions' TypedDict: the HTTP schema (``service.api.schemas.model``) reads these
# shapes through pydantic, which takes only this one before Python 3.12
from typing_extensions import TypedDict

from catalogs.i18n import decimal, messages
from matcher import FEATURES, __version__
from matcher.rank import WEIGHTS

BASELINE = f"baseline-{__version__}"


class Reason(TypedDict, total=False):
    """One reason a kind was refused: its ``code`` and the figures its message names
    (``reason_text``): ``worse_than_champion`` (``metric``, ``challenger``, ``champion``),
    ``fairness`` (``attribute``, ``metric``, ``ratio``, ``group``, ``champion``, ``floor``),
    ``exact_trade_down`` (``persons``, ``top``, ``challenger``, ``reference``),
    ``too_few_outcomes`` (``train_successes``, ``held_out_successes``, ``needed``),
    ``no_outcomes`` (none)."""

    code: Required[str]
    """``worse_than_champion``, ``fairness``, ``exact_trade_down``, ``too_few_outcomes`` or
    ``no_outcomes``."""
    metric: str
    """The figure that failed: ``ndcg@10``, ``auc``, ``exposure_ratio`` or
    ``opportunity_ratio``."""
    challenger: float | int
    """This version's figure; for ``exact_trade_down``, the percentage of lists keeping an
    exact-trade match in the top ``top``."""
    champion: float | None
    """The same figure of the version in force (for ``fairness``, null when it had none)."""
    reference: int
    """``exact_trade_down``: the higher percentage of the version in force and the baseline."""
    attribute: str
    """``fairness``: the attribute audited (``sex``, ``age_band``, ``region``, ...)."""
    group: str
    """``fairness``: the group worst served."""
    ratio: float
    """``fairness``: that group's share of the best group's figure."""
    floor: float
    """``fairness``: the share no judged group may fall clearly below."""
    persons: int
    """``exact_trade_down``: the lists holding an exact-trade match (on a card since the gate
    judges the lists an officer sees: the sampled persons with one the rules let through)."""
    top: int
    """``exact_trade_down``: the top of a list that must keep such a match."""
    train_successes: int
    """``too_few_outcomes``: successful referrals to train on."""
    held_out_successes: int
    """``too_few_outcomes``: successful referrals to judge on."""
    needed: list[int]
    """``too_few_outcomes``: the successes needed to train on and to judge on."""


class GroupFigures(TypedDict, total=False):
    """One group's figures in a fairness audit (``matcher.rank.evaluate.GroupFigures``)."""

    referrals: int
    """Held-out referrals of persons of the group."""
    successes: int
    """Those that succeeded."""
    exposure: float
    """Mean place the group's members get in an item's list, over a random order's (1: a
    fair share)."""
    exposure_high: float
    """The top of the 95 % confidence interval of ``exposure``."""
    opportunity: float | None
    """Share of the group's successes put in the upper half of the person's own options
    (null without successes)."""
    opportunity_high: float | None
    """The top of the 95 % (Wilson) confidence interval of ``opportunity``."""


class Ratio(TypedDict, total=False):
    """The worst judged group's figure over the best group's."""

    ratio: float
    """The worst judged group's figure over the best's (1: even)."""
    worst: str
    """The worst served group."""
    clearly_below: bool
    """Whether even the top of its confidence interval is below the fairness floor."""


class Audit(TypedDict, total=False):
    """The fairness audit of one attribute (``matcher.rank.evaluate.audit``): the worst-to-best
    ratios, and the groups' figures (which an employer does not see)."""

    groups: dict[str, GroupFigures]
    """Each group's figures, by group (a region by its KATO prefix)."""
    exposure_ratio: Ratio | None
    """Null when fewer than two groups have enough referrals to be judged."""
    opportunity_ratio: Ratio | None
    """Null when fewer than two groups have enough successes to be judged."""


_Bars = TypedDict("_Bars", {"ndcg@10": str, "auc": str}, total=False)


class Gates(_Bars, total=False):
    """The promotion gates a version was judged by: ``ndcg@10`` and ``auc`` say what the
    challenger must reach (``at least the champion's``); then the fairness floor and the
    trade-first rule's figures (docs/retraining.md)."""

    fairness_floor: float
    """No judged group may fall clearly below this share of the best group's exposure or
    opportunity."""
    fairness_min_group: int
    """Referrals (for exposure) or successes (for opportunity) a group needs to be judged."""
    exact_trade_top: int
    """The top of a list that must keep a person's exact-trade match."""
    exact_trade_slack: float
    """How far the share keeping one may fall below the reference's before a refusal."""
    exact_trade_fit: float
    """The occupation fit above which a job is of the person's own trade."""
    exact_trade_band: float
    """A job of the trade comes first when it scores at least this share of the best other
    job of its list."""
    exact_trade_lists: int
    """The length of the lists the gate is measured on (the first jobs an officer sees)."""
    exact_trade_sample: int
    """At most this many persons of the held-out period with a trade get their lists built."""
    exact_trade_min_lists: int
    """The persons with a job of their own trade to find that the gate needs to judge: over
    fewer, its figures are shown, not judged."""


class RankerCard(TypedDict, total=False):
    """A promoted ranker's own description (``matcher.rank.learned`` ``card``)."""

    kind: str | None
    """The kind of list it ranks."""
    features: list[str]
    """The features it reads, in order."""
    blend: float
    """The share of its trees' score in the mix with the baseline's."""
    positives: float
    """The successes (weighted) it was fitted on."""
    trees: int
    """Boosting rounds fitted."""
    monotone: list[str]
    """The features its trees may only rise with."""
    baseline_weights: dict[str, float]
    """The baseline's weights it starts from."""


Figures = TypedDict("Figures", {"ndcg@10": float, "auc": float})
"""A ranker's held-out NDCG@10 and AUC."""

Window = TypedDict(
    "Window",
    {
        "from": str,
        "held_out_from": str,
        "until": str,
        "train_referrals": int,
        "train_successes": int,
    },
)
"""The days a kind was trained on and judged on (ISO dates)."""


class HeldOut(TypedDict):
    """The held-out period a kind was judged on."""

    referrals: int
    successes: int
    """Referrals that succeeded (a job kept 3 months, a course completed, an admission)."""
    lists: int
    """The persons' lists they come from."""


class TradeShare(TypedDict):
    """One ranker's trade-first figures on the lists an officer sees."""

    top_share: float
    """The share of the persons whose first ``exact_trade_top`` jobs hold one of their own
    trade."""
    best_rank: float
    """The mean place of a person's best job of their own trade (one past the list's length
    when the list holds none)."""


class TradeLists(TypedDict, total=False):
    """The trade-first gate measured on the vacancy lists the engine shows
    (``service.training.trade_gate``): the rankers' figures are there only when some person
    has a job of their own trade to find."""

    persons: Required[int]
    """Persons of the held-out period with a trade whose lists were built (a sample)."""
    reachable: Required[int]
    """Of them, those for whom the rules let through at least one job of their own trade:
    the shares are over these."""
    size: Required[int]
    """The length of each list."""
    challenger: TradeShare
    """This version's figures."""
    champion: TradeShare
    """The figures of the version it challenged."""
    baseline: TradeShare
    """The baseline's figures."""
    seconds: float
    """How long building the lists took."""


class KindEntry(TypedDict, total=False):
    """One kind of list on a learned card: a kind refused early has only ``promoted`` and
    ``refused``."""

    promoted: bool
    """Whether this kind is now scored by this version."""
    refused: list[Reason]
    """Why it was not promoted (empty when it was): each reason's ``code`` and the figures
    its message names."""
    window: Window
    """The days it was trained on (``from``) and judged on (``held_out_from`` to ``until``),
    with the training referrals and successes."""
    held_out: HeldOut
    challenger: Figures
    """This version's held-out NDCG@10 and AUC."""
    champion: Figures
    """The same figures of the version it challenged, on the same referrals."""
    fairness: dict[str, Audit]
    """This version's fairness audit, by attribute (``sex``, ``age_band``, ``region``, ...):
    exposure and opportunity ratios, and each group's figures (not shown to an employer)."""
    fairness_champion: dict[str, Audit]
    """The same audit of the version it challenged."""
    trade_first: dict[str, dict[str, float | int]]
    """Shares of the held-out referral lists that put an exact-trade match first, by ranker
    (empty: nothing to judge)."""
    trade_first_lists: TradeLists
    """The trade-first gate on the lists an officer sees (vacancies only; absent on cards
    made before it)."""
    model: RankerCard
    """The promoted ranker's own description (its parameters)."""


class TrainingData(TypedDict):
    """The outcomes a version was trained on."""

    events: int
    """Outcome events read."""
    until: str
    """The last day read, YYYY-MM-DD."""


class Artifact(TypedDict):
    """The stored model file."""

    sha256: str
    bytes: int
    form: NotRequired[str]
    """``joblib+light``: a zip archive of the joblib file and the rankers' light form
    (``service.store.modelstore.dump``); absent: the joblib file alone."""


class ModelCard(TypedDict, total=False):
    """A version's card. ``version`` and ``kind`` are always there; ``status`` is set when the
    card is stored and replaced by the version's status as it is now when it is read. The
    HTTP API answers it as ``service.api.schemas.model.ModelCard``, which says what each key
    holds."""

    version: str
    kind: str
    """``baseline`` or ``learned``."""
    status: str
    """``active``, ``inactive`` (promoted once, rolled back) or ``refused``."""
    description: str
    created_at: str
    champion: str
    """The version this one was judged against."""
    data: TrainingData
    gates: Gates
    features: dict[str, list[str]]
    weights: dict[str, dict[str, float]]
    kinds: dict[str, KindEntry]
    versions: dict[str, str]
    """The library versions its rankers were pickled with."""
    artifact: Artifact
    seconds: float
    timings: dict[str, float]
    served: dict[str, str]
    """Which version scores each kind of list."""
    tracks: dict[str, int]


def stored(card: Mapping[str, object]) -> ModelCard:
    """A card as read from the database: the stored JSON itself, every key kept (a card
    written before a key existed lacks it, one written since a key was dropped keeps it)."""
    return cast(ModelCard, dict(card))


def baseline_card(*, active: bool = True) -> ModelCard:
    return {
        "version": BASELINE,
        "kind": "baseline",
        "status": "active" if active else "inactive",
        "description": "Weighted sum of features in [0, 1]; weights and reasons in "
        "docs/algorithm.md.",
        "features": {kind: list(names) for kind, names in FEATURES.items()},
        "weights": {kind: dict(weights) for kind, weights in WEIGHTS.items()},
    }


def words(code: str, lang: str, **params: object) -> str:
    return messages("service").text(code, lang, **params)


def reason_text(reason: Mapping[str, Any], lang: str) -> str:
    """One refusal reason of a model card, in the reader's words (CLI and API alike)."""
    params = {
        # a figure with the language's decimal mark: 0,554 in Russian and Kazakh
        k: decimal(v, lang) if isinstance(v, float) else v
        for k, v in reason.items()
        if k != "code"
    }
    if "metric" in params:
        params["metric"] = words(f"metric_{params['metric']}", lang)
    if "attribute" in params:
        if "group" in params:
            params["group"] = group_label(str(params["attribute"]), str(params["group"]), lang)
        params["attribute"] = words(f"attribute_{params['attribute']}", lang)
    return words(f"refused_{reason['code']}", lang, **params)


def group_label(attribute: str, group: str, lang: str) -> str:
    """A group as a reader knows it: a region by its name."""
    if attribute == "region":
        from catalogs.reference.places import places

        place = places().get(group.ljust(9, "0"))
        return place.name(lang) if place is not None else group
    if attribute == "age_band" and group != "unknown":
        return group
    return words(f"group_{group}", lang)
