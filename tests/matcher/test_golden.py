"""Golden shortlists: hand-checked lists pinned as files, so that any change in ranking is a
visible diff. After a deliberate change, regenerate with ``MATCHER_UPDATE_GOLDEN=1 ./dev test
tests/matcher/test_golden.py``, read the diff, and commit it with the reason."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from matcher.engine import Engine
from matcher.index import PersonIndex
from matcher.profile import Person

GOLDEN = Path(__file__).parent.parent / "golden"
CASES: list[dict[str, Any]] = json.loads((GOLDEN / "cases.json").read_text())
UPDATE = os.environ.get("MATCHER_UPDATE_GOLDEN") == "1"


def person_of(case: dict[str, Any]) -> Person:
    fields = dict(case["person"])
    fields["person_id"] = case["case"]
    for name in ("professions", "skills", "languages"):
        fields[name] = tuple(fields.get(name, ()))
    if "release_date" in fields:
        fields["release_date"] = date.fromisoformat(fields["release_date"])
    return Person(**fields)


def snapshot(engine: Engine, items: list[Any], kind: str) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "what": getattr(engine.item(kind, item.id), "title", None)
            or getattr(engine.item(kind, item.id), "name", ""),
            "score": round(item.score, 3),
            "reasons": [reason.text("ru") for reason in item.reasons],
        }
        for item in items
    ]


def check(name: str, actual: dict[str, Any]) -> None:
    path = GOLDEN / "shortlists" / f"{name}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=1) + "\n"
    if UPDATE or not path.exists():
        path.write_text(text)
        if not UPDATE:
            pytest.fail(f"{path} was missing and has been written: check it and commit it")
    assert json.loads(path.read_text()) == actual, f"ranking changed: diff {path}"


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_golden_shortlist(engine: Engine, case: dict[str, Any]) -> None:
    person = person_of(case)
    items = engine.recommend(person, case["kind"], limit=10)
    check(
        case["case"],
        {
            "case": case["case"],
            "kind": case["kind"],
            "items": snapshot(engine, items, case["kind"]),
        },
    )


def test_golden_candidates(engine: Engine, people: PersonIndex) -> None:
    vacancy = next(
        v
        for v in engine.vacancies.items
        if v.occupation_code == "7212"
        and v.is_quota
        and v.status == "open"
        and v.kato.startswith("75")
    )
    items = engine.candidates(vacancy.vacancy_id, people, limit=10)
    check(
        "candidates-welding-quota-almaty",
        {
            "case": "candidates-welding-quota-almaty",
            "vacancy": vacancy.vacancy_id,
            "items": [
                {
                    "id": i.id,
                    "score": round(i.score, 3),
                    "reasons": [r.text("ru") for r in i.reasons],
                }
                for i in items
            ],
        },
    )
