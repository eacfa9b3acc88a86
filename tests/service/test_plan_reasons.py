"""A plan action that changed item says why in words, whatever facts the reason's text names."""

from __future__ import annotations

import pytest

from catalogs.i18n import LANGS
from service.plans import rendering


def _action(changed: dict[str, object]) -> dict[str, object]:
    return {
        "id": "A1",
        "due": "2027-01-10",
        "part": "employment",
        "responsible": "employment_centre",
        "status": "planned",
        "origin": "plan",
        "what": "plan_items",
        "params": {"items": "V000001"},
        "items": [{"kind": "vacancy", "id": "V000002"}],
        "changed": changed,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_a_changed_item_names_the_facts_the_plan_kept(lang: str) -> None:
    text = rendering._action_text(
        _action(
            {
                "from": "V000001",
                "reason": "starts_after_quota_window",
                "params": {"date": "2027-01-27", "start": "2027-10-12"},
            }
        ),
        lang,
        {},
    )
    written = " ".join(text["details"])
    if lang == "kk":  # a Kazakh day takes its case on the month's name
        assert "2027 жылғы 27 қаңтарда" in written
        assert "2027 жылғы 12 қазаннан" in written
    else:
        assert "27.01.2027" in written
        assert "12.10.2027" in written


@pytest.mark.parametrize(
    "reason",
    ["starts_after_quota_window", "custody_course_other_institution", "too_far", "better_option"],
)
def test_a_plan_made_before_the_facts_were_kept_still_renders(reason: str) -> None:
    for lang in LANGS:
        rendering._action_text(_action({"from": "V000001", "reason": reason}), lang, {})
