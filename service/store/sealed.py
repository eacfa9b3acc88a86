"""A person's support data, plan bodies and free-text notes, sealed at rest.

Besides the IIN, the name and the offence (``service.store.protect``), these tell of
imprisonment, health and private life, so none is stored in clear:

- ``persons.support_cipher``: the institution, the support and health needs, disability,
  the civil claim and family ties, as one encrypted JSON document (``Support``), padded to a
  fixed size so that its length tells nothing (who has an institution, a claim, ties);
- ``plan_versions.body_cipher``: the whole plan (needs, claims, inspectors' notes);
- ``referral_events.note_cipher``: the note written with a referral's change.

All are Fernet tokens under the database's key, ending in ``_cipher``, so ``matcher key
rotate`` re-encrypts them with the rest (``service.store.keys``). Nothing here is hashed:
the caseload's filter by need decrypts within the rows the other filters left
(``service.usecases.caseload``), so no value in the database groups persons by a need.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from service.store.protect import Protector

PAD = 256
"""A sealed support document's clear text is padded to a multiple of this many bytes."""


@dataclass(frozen=True)
class Support:
    """What a person needs and carries: read only by staff and the engine, never stored in
    clear."""

    institution: str | None = None
    need_housing: bool = False
    need_documents: bool = False
    need_medical_commission: bool = False
    need_psychological: bool = False
    need_addiction_treatment: bool = False
    need_legal_aid: bool = False
    has_disability: bool = False
    civil_claim_kzt: int = 0
    family_ties: str | None = None

    def needs(self, names: tuple[str, ...]) -> list[str]:
        """Of ``names`` (``housing``, ``documents``...), those the person needs."""
        return [name for name in names if getattr(self, f"need_{name}")]


SUPPORT_FIELDS = tuple(f.name for f in fields(Support))
"""The person fields kept in ``support_cipher``."""


def seal_support(protector: Protector, values: Mapping[str, Any]) -> str:
    """The encrypted document of the ``SUPPORT_FIELDS`` in ``values`` (a missing or empty
    one takes its default)."""
    given = {name: values[name] for name in SUPPORT_FIELDS if values.get(name) is not None}
    text = json.dumps(asdict(Support(**given)), ensure_ascii=False, sort_keys=True)
    size = len(text.encode())
    text += " " * (-size % PAD)
    sealed = protector.encrypt(text)
    assert sealed is not None
    return sealed


def open_support(protector: Protector, sealed: str | None) -> Support:
    """The support document of a person (a row written without one has none of it)."""
    text = protector.decrypt(sealed)
    if text is None:
        return Support()
    found = json.loads(text)
    return Support(**{name: found[name] for name in SUPPORT_FIELDS if name in found})


def seal_json(protector: Protector, document: Mapping[str, Any]) -> str:
    sealed = protector.encrypt(json.dumps(document, ensure_ascii=False, sort_keys=True))
    assert sealed is not None
    return sealed


def open_json(protector: Protector, sealed: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(protector.decrypt(sealed) or "{}")
    return found
