"""The responsible person's name on a plan action from the command line: ``matcher plan-action
--responsible-name`` and ``matcher plan-add --responsible-name``; a name with a control
character is refused and changes nothing."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def planned(run):  # type: ignore[no-untyped-def]
    made = run(
        "demo", "--vacancies", "60", "--courses", "6", "--persons", "8", "--as-of", "2026-11-25"
    )
    assert made.exit_code == 0, made.output
    made = run("plan", "P00001", "--as-of", "2026-11-25")
    assert made.exit_code == 0, made.output
    return run, json.loads(made.stdout)["plan"]["actions"][0]["id"]


def _actions(run) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    shown = run("plan", "P00001", "--as-of", "2026-11-25")
    return {a["id"]: a for a in json.loads(shown.stdout)["plan"]["actions"]}


def test_the_commands_name_the_responsible_person(planned) -> None:  # type: ignore[no-untyped-def]
    run, first = planned
    named = run("plan-action", "P00001", first, "--responsible-name", " Ахметова Дана ")
    assert named.exit_code == 0, named.output
    refused = run("plan-action", "P00001", first, "--responsible-name", "Ахметова\x1bДана")
    assert refused.exit_code == 1
    assert "120" in refused.stderr
    added = run(
        "plan-add", "P00001", "--text", "Call the family", "--due", "2027-01-10",
        "--responsible-name", "Ким Ольга",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    actions = _actions(run)  # regenerated: the inspector's decisions kept
    assert actions[first]["responsible_name"] == "Ахметова Дана"
    assert actions["manual-1"]["responsible_name"] == "Ким Ольга"
    cleared = run("plan-action", "P00001", first, "--responsible-name", "")
    assert cleared.exit_code == 0, cleared.output
    assert _actions(run)[first]["responsible_name"] is None
