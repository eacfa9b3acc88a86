"""Regenerating a plan: keep what the inspector decided, explain the options that moved."""

from __future__ import annotations

from datetime import date

from matcher.engine import Engine
from matcher.plan.body import Action, Body, ItemRef
from matcher.profile import Person


def merge(
    fresh: list[Action], previous: Body | None, engine: Engine, person: Person
) -> list[Action]:
    """Keep the inspector's decisions; explain options that moved since the last version."""
    if previous is None:
        return fresh
    old = {a["id"]: a for a in previous.get("actions", [])}
    merged: list[Action] = []
    for action in fresh:
        before = old.pop(action["id"], None)
        if before is not None and (
            before["origin"] == "inspector" or before.get("edited") or before["status"] != "planned"
        ):
            merged.append(before)
            continue
        if (
            before is not None
            and before["items"]
            and action["items"]
            and before["items"][0] != action["items"][0]
        ):
            gone = before["items"][0]
            why = engine.why(person, gone["kind"], gone["id"]) if _known(engine, gone) else None
            verdict = why.verdicts[0] if why is not None and why.verdicts else None
            action["changed"] = {
                "from": gone["id"],
                "reason": verdict.code if verdict is not None else "better_option",
                # the facts the reason's text names (a day as YYYY-MM-DD: the body is JSON)
                "params": {
                    key: value.isoformat() if isinstance(value, date) else value
                    for key, value in (verdict.params if verdict is not None else {}).items()
                    if isinstance(value, str | int | float | date)
                },
            }
        merged.append(action)
    merged.extend(a for a in old.values() if a["origin"] == "inspector" or a["status"] != "planned")
    return merged


def _known(engine: Engine, item: ItemRef) -> bool:
    try:
        engine.item(item["kind"], item["id"])
    except KeyError:
        return False
    return True
