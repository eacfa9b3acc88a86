"""Model cards are typed (``service.store.model_card``) but stored and served as the JSON they
were written as: a card saved by an older version, with keys since added missing and a key
since dropped, reads and serves unchanged, in its order, with only its status as it is now."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.app import create_app
from service.runtime import Runtime
from service.store import modelstore, tokens
from service.store.tables import ModelVersion
from service.usecases import model
from service.usecases.actor import Actor

OLD_CARD: dict[str, Any] = {
    "version": "learned-20250301-101500-123",
    "kind": "learned",
    "created_at": "2025-03-01T10:15:00+00:00",
    "champion": "baseline-0.1.0",
    "data": {"events": 812, "until": "2025-03-01"},
    "kinds": {
        "vacancy": {
            "window": {"from": "2024-03-01", "held_out_from": "2025-01-02", "until": "2025-03-01",
                       "train_referrals": 640, "train_successes": 91},
            "held_out": {"referrals": 172, "successes": 23, "lists": 80},
            "challenger": {"ndcg@10": 0.41, "auc": 0.66},
            "champion": {"ndcg@10": 0.44, "auc": 0.68},
            "fairness": {"sex": {"exposure_ratio": {"ratio": 0.93, "worst": "female"},
                                 "groups": {"female": {"exposure": 0.31}, "male": {"exposure": 0.33}}}},
            "refused": [{"code": "worse_than_champion", "metric": "auc",
                         "challenger": 0.66, "champion": 0.68}],
            "promoted": False,
        },
        "course": {"promoted": False, "refused": [{"code": "no_outcomes"}]},
    },
    "note": "a key no card carries any more",
    "status": "refused",
}  # fmt: skip


def _stored(session: Session) -> None:
    session.add(ModelVersion(version=OLD_CARD["version"], kind="learned", card=OLD_CARD))
    session.commit()


def test_an_old_card_reads_as_it_was_stored(runtime: Runtime, session: Session) -> None:
    _stored(session)
    admin = Actor(role="admin")
    card = model.version_card(runtime, admin, OLD_CARD["version"])
    assert json.dumps(card) == json.dumps(OLD_CARD)
    row = session.get(ModelVersion, OLD_CARD["version"])
    assert row is not None
    assert json.dumps(modelstore.card_of(row)) == json.dumps(OLD_CARD)


def test_an_old_card_is_served_as_it_was_stored(runtime: Runtime, session: Session) -> None:
    _stored(session)
    admin = tokens.create(session, role="admin")[0]
    session.commit()
    client = TestClient(create_app(runtime))
    answer = client.get(
        f"/api/v1/model/versions/{OLD_CARD['version']}",
        headers={"Authorization": f"Bearer {admin}", "Accept-Language": "en"},
    )
    assert answer.status_code == 200, answer.text
    served = answer.json()
    assert {key: value for key, value in served.items() if key in OLD_CARD} == OLD_CARD
    # the schema's optional fields the card lacks are answered as null, as they always were
    assert {key: value for key, value in served.items() if key not in OLD_CARD} == {
        "description": None, "features": None, "weights": None, "served": None,
    }  # fmt: skip


def test_an_employer_sees_the_ratios_of_an_old_card_not_the_groups(
    runtime: Runtime, session: Session
) -> None:
    _stored(session)
    row = session.get(ModelVersion, OLD_CARD["version"])
    assert row is not None
    row.is_active = True
    session.add(row)
    session.commit()
    seen = model.card(runtime, Actor(role="employer", employer_bin="123456789012"))
    audit = seen["kinds"]["vacancy"]["fairness"]["sex"]
    assert audit == {"exposure_ratio": {"ratio": 0.93, "worst": "female"}}
    assert seen["note"] == OLD_CARD["note"]  # type: ignore[typeddict-item]
    assert seen["status"] == "active"


def test_a_refusals_figures_take_the_languages_decimal_mark() -> None:
    from service.store.model_card import reason_text

    reason = {
        "code": "worse_than_champion",
        "metric": "auc",
        "challenger": 0.5325,
        "champion": 0.554,
    }
    assert reason_text(reason, "ru").endswith("0,5325 против 0,554")
    assert "0,5325" in reason_text(reason, "kk")
    assert reason_text(reason, "en").count("0.5") == 2
