"""The model card, retraining and versions."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)


class ModelCard(BaseModel):
    """A model version's card: what it was trained on, how it scored against the model it
    challenged, the fairness audit, and why any kind was refused (docs/retraining.md)."""

    model_config = ConfigDict(extra="allow")

    version: str
    kind: str
    """``baseline`` or ``learned``."""
    status: str
    """``active``, ``inactive`` (promoted once, rolled back) or ``refused``."""
    description: str | None = None
    created_at: str | None = None
    champion: str | None = None
    """The version this one was judged against."""
    data: dict[str, Any] | None = None
    features: dict[str, list[str]] | None = None
    weights: dict[str, dict[str, float]] | None = None
    kinds: dict[str, dict[str, Any]] = {}
    """Per kind of list: data window, held-out NDCG@10 and AUC of challenger and champion,
    fairness audit, and the reasons a kind was refused."""
    served: dict[str, str] | None = None
    """Which version scores each kind of list."""


class Refusal(BaseModel):
    kind: str
    code: str
    text: str


class RetrainOut(BaseModel):
    version: str
    promoted: bool
    active: str
    refused: list[Refusal]
    card: ModelCard


class ModelVersionOut(BaseModel):
    version: str
    status: str
    created_at: str | None
    has_file: bool


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: str = Field(min_length=1, max_length=40, pattern=r"^[\p{L}\p{N}_.:-]+$")
