"""After an edit through the use cases the plan's derived dates and timing risks follow the
edited actions, and the new version says what moved, in words (issue 15, finding 5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from catalogs.i18n import messages
from service.plans import versions
from service.runtime import Runtime
from service.usecases import plans
from service.usecases.actor import Actor
from service.usecases.errors import Invalid

AS_OF = date(2026, 11, 25)


def _actions(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in body["actions"]}


def test_moving_the_referral_moves_the_first_pay_and_the_history_says_so(
    runtime: Runtime,
    run: Any,
) -> None:
    made = run("demo", "--vacancies", "120", "--courses", "10", "--persons", "30", "--as-of", "2026-11-25")  # fmt: skip
    assert made.exit_code == 0, made.output
    actor = Actor.command("plan")
    planned = None
    for number in range(1, 31):
        plan = plans.generate(runtime, actor, f"P{number:05d}", today=AS_OF)
        if {"shelter", "job_referral"} <= set(_actions(plan.version.body)):
            planned = plan
            break
    assert planned is not None, "no person of the demo needs a shelter"
    person_id, body = planned.version.person_id, planned.version.body
    until = date.fromisoformat(_actions(body)["shelter"]["params"]["until"])
    old_pay = body["first_pay_day"]
    assert date.fromisoformat(old_pay) <= until
    search = date.fromisoformat(_actions(body)["housing_search"]["due"])
    assert search <= until - timedelta(30)

    later = until - timedelta(10)
    edited = plans.edit_action(runtime, actor, person_id, "job_referral", due=later, today=AS_OF)
    new = edited.version.body
    assert new["first_pay_day"] == (later + timedelta(44)).isoformat()
    assert _actions(new)["job_referral"]["params"]["first_pay"] == new["first_pay_day"]
    assert "stay_ends_before_first_pay" in new["risk_flags"]
    assert date.fromisoformat(new["review_date"]) >= date.fromisoformat(new["first_pay_day"])
    words = versions.render(new, "ru")["recomputed"]
    assert messages("matcher").text("plan_moved_first_pay", "ru", **{"from": old_pay, "to": new["first_pay_day"]}) in words  # fmt: skip
    assert any(line.startswith("Новый риск") for line in words)
    kk = versions.render(new, "kk")["recomputed"]
    assert any("жылғы" in line for line in kk)  # a Kazakh day: «2027 жылғы 3 мамырдан»

    # dropping the referral: no job option any more, said as a new risk
    dropped = plans.edit_action(
        runtime, actor, person_id, "job_referral", status="dropped", note="Отказался", today=AS_OF
    )
    assert "no_job_option" in dropped.version.body["risk_flags"]
    assert dropped.version.body["first_pay_day"] is None  # and no first pay expected
    with pytest.raises(Invalid) as refused:  # a dropped action is not done: back in the plan first
        plans.edit_action(runtime, actor, person_id, "job_referral", status="done", today=AS_OF)
    assert refused.value.code == "plan_dropped_not_done"
    history = plans.history(runtime, actor, person_id)
    assert [row.change for row in history][-2:] == ["edited", "edited"]
    stored = plans.read(runtime, actor, person_id)
    assert stored.version.body["recomputed"] == dropped.version.body["recomputed"]

    # an action added by the inspector keeps the derived dates as they were
    added = plans.add_action(
        runtime, actor, person_id, text="Встреча с матерью", part="social_legal",
        responsible="ngo", due=AS_OF + timedelta(5), today=AS_OF,
    )  # fmt: skip
    assert added.version.body["first_pay_day"] == dropped.version.body["first_pay_day"]
    assert added.version.body["review_date"] == dropped.version.body["review_date"]
