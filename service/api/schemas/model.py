"""The model card, retraining and versions."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from service.store.model_card import Artifact, Gates, KindEntry, TrainingData


class ModelCard(BaseModel):
    """A model version's card: what it was trained on, how it scored against the model it
    challenged, the fairness audit, and why any kind was refused (docs/retraining.md).

    The card is answered as it is stored (``service.store.model_card``), its parts typed by
    the store's own shapes. ``description`` to ``served`` are answered as ``null`` when the card
    lacks them; ``gates`` to ``artifact`` only when it has them."""

    # a key an earlier or a later version wrote is answered as stored, in the card and in its
    # parts (the store's TypedDicts take the configuration of the model they sit in)
    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    version: str
    """``baseline-X.Y.Z``, or ``learned-`` and the moment it was trained."""
    kind: str
    """``baseline`` or ``learned``."""
    status: str
    """``active``, ``inactive`` (promoted once, rolled back) or ``refused``."""
    description: str | None = None
    """The baseline's: how it scores."""
    created_at: str | None = None
    """When it was trained (ISO date and time, UTC)."""
    champion: str | None = None
    """The version this one was judged against."""
    data: TrainingData | None = None
    features: dict[str, list[str]] | None = None
    """The baseline's features, by kind of list."""
    weights: dict[str, dict[str, float]] | None = None
    """The baseline's weight of each feature, by kind of list."""
    kinds: dict[str, KindEntry] = {}
    """Per kind of list (``vacancy``, ``course``, ``shelter``): data window, held-out NDCG@10
    and AUC of challenger and champion, fairness audit, and whether it was promoted or why
    not."""
    served: dict[str, str] | None = None
    """Which version scores each kind of list."""
    gates: Gates | None = None
    """The promotion gates it was judged by: the metrics to match and the fairness floor."""
    versions: dict[str, str] | None = None
    """The library versions its rankers were pickled with."""
    seconds: float | None = None
    """How long the retraining took."""
    timings: dict[str, float] | None = None
    """Seconds by phase (reading, features, fitting, judging)."""
    tracks: dict[str, int] | None = None
    """The referrals the items' track records were built from, by kind of list."""
    artifact: Artifact | None = None

    @classmethod
    def of(cls, card: Mapping[str, object]) -> ModelCard:
        """The card as answered: with ``exclude_unset`` (the model routes), what it holds, and
        the keys always answered."""
        return cls.model_validate({**ALWAYS, **card})


ALWAYS: dict[str, object] = {
    "description": None,
    "created_at": None,
    "champion": None,
    "data": None,
    "features": None,
    "weights": None,
    "kinds": {},
    "served": None,
}
"""The keys a card is answered with even when it lacks them, as they always were."""


class Refusal(BaseModel):
    """One reason a kind of list was not promoted, in words."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: str
    """``vacancy``, ``course`` or ``shelter``."""
    code: str
    """The reason's code (the card's ``refused`` holds its figures)."""
    text: str
    """The reason in the language the retraining was asked in."""


class RetrainOut(BaseModel):
    """What a retraining did (a refusal is an answer, not an error)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    version: str
    """The version trained."""
    promoted: bool
    """Whether it now scores at least one kind of list."""
    active: str
    """The version in force after it."""
    refused: list[Refusal]
    """Why each kind not promoted was refused."""
    card: ModelCard
    """Its card, as stored (keys it lacks are not answered)."""


class ModelVersionOut(BaseModel):
    version: str
    status: str
    created_at: str | None
    has_file: bool


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: str = Field(min_length=1, max_length=40, pattern=r"^[\p{L}\p{N}_.:-]+$")
