"""A plan saved before its body had types (``plan_bodies/saved-2026-11.json``: made by the code
of November 2026 — generated, regenerated with a moved bed and a pick below the list's #1, then
edited: an action dropped with a reason, one done through a referral, a named responsible
person, a moved referral day, an added action) still loads, words and prints as it did: the
words are those that code gave, kept beside the body in the same file."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, cast

import pytest

from matcher import plan as planner
from matcher.plan.body import Body
from service.plans import document, rendering
from service.plans.document import Facts, Place

SAVED = Path(__file__).parent / "plan_bodies" / "saved-2026-11.json"


@pytest.fixture(scope="module")
def saved() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(SAVED.read_text(encoding="utf-8"))
    return found


def body_of(saved: dict[str, Any]) -> Body:
    return cast(Body, copy.deepcopy(saved["body"]))


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_saved_body_is_worded_as_it_was(saved: dict[str, Any], lang: str) -> None:
    words = rendering.render(body_of(saved), lang, labels=saved["labels"])
    assert words == saved["rendered"][lang]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_saved_body_prints_every_word_it_had(saved: dict[str, Any], lang: str) -> None:
    body = body_of(saved)
    place = Place(
        "shelter", "S-1", "Центр адаптации", "НКО", None, "ул. Абая, 1", "+7 701 000 00 00", ""
    )
    shelter = next(a for a in body["actions"] if a["id"] == "shelter")
    shelter["items"] = [{"kind": "shelter", "id": "S-1"}]
    page = document.html(body, lang, labels=saved["labels"], facts=Facts(places={"S-1": place}))
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split("</style>")[1]).split())
    was = saved["rendered"][lang]
    shown = [*was["before_release"], *(a for g in was["after_release"] for a in g["actions"])]
    for action in shown:
        assert " ".join(action["text"].split()) in text.replace("&#34;", '"').replace("&#39;", "'")
        for line in action["details"][1 if action["items"] else 0 :]:
            assert " ".join(line.split()) in text.replace("&#34;", '"').replace("&#39;", "'")
    for part in was["parts"]:
        assert part["title"] in text
    for line in [*was["risks"], *was["recomputed"], was["review"], was["review_date"]]:
        assert " ".join(line.split()) in text
    assert "ул. Абая, 1" in text
    assert "+7 701 000 00 00" in text
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", text), "a day not written as 27.01.2027"


def test_a_saved_body_recomputes_to_itself(saved: dict[str, Any]) -> None:
    """The dates derived from the actions read the old body as they did: nothing moves."""
    body = body_of(saved)
    moved = planner.recompute(body, planner.timing.date.fromisoformat(body["recomputed_on"]))
    assert moved == []
    assert {k: v for k, v in body.items() if k != "recomputed"} == {
        k: v for k, v in saved["body"].items() if k != "recomputed"
    }


def test_a_saved_body_is_stored_as_it_was(saved: dict[str, Any]) -> None:
    """Typed or not, the body is the same JSON (the store writes it with sorted keys)."""
    body = body_of(saved)
    again = json.dumps(body, ensure_ascii=False, sort_keys=True)
    assert again == json.dumps(saved["body"], ensure_ascii=False, sort_keys=True)
    assert planner.review(body)["counts"] == {"done": 1, "dropped": 1, "planned": 12, "overdue": 0}
