"""Retraining end to end: outcomes imported → a challenger judged → promoted or refused."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogs.demo import DemoSpec
from matcher.allocate import scarce
from service.api.app import create_app
from service.runtime import Runtime
from service.store import demo, modelstore, tokens
from service.store import rows as glue
from service.store.tables import ModelVersion, OutcomeEvent
from service.store.tables import Person as PersonRow
from tests import outcome_world
from tests.factories import bin_number
from tests.outcome_world import good_employer

TODAY = date.today()


@pytest.fixture
def world(runtime: Runtime, session: Session) -> Runtime:
    demo.build(
        session,
        DemoSpec(seed=11, as_of=TODAY, vacancies=500, courses=30, persons=500),
        protector=runtime.protector,
    )
    session.commit()
    return runtime


def _import(run, runtime: Runtime, session: Session, rule, tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    events = outcome_world.referrals(session, runtime.protector, rule, today=TODAY)
    path = outcome_world.write_csv(events, tmp_path / name)
    result = run("import", "outcomes", str(path))
    assert result.exit_code == 0, result.output
    return events


def _top_share_of_good(session: Session, runtime: Runtime, *, learned: bool) -> float:
    """Among persons' top-3 vacancies, the share offered by employers who keep people."""
    engine = glue.load_engine(session, today=TODAY, congestion=False, learned=learned)
    good = total = 0
    for row in session.exec(select(PersonRow)).all()[:80]:
        person = glue.person(row, runtime.protector)
        for rec in engine.recommend(person, "vacancy", limit=3):
            good += good_employer(engine, rec.id)
            total += 1
    return good / total


def test_retrain_learns_what_the_baseline_cannot_see(  # type: ignore[no-untyped-def]
    run, world: Runtime, session: Session, tmp_path: Path
) -> None:
    engine = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
    # success depends on a hidden trait of the employer that only outcomes reveal
    events = _import(
        run,
        world,
        session,
        lambda p, rec, rank, day: 0.75 if good_employer(engine, rec.id) else 0.1,
        tmp_path,
        "outcomes.csv",
    )
    assert session.exec(select(OutcomeEvent)).all().__len__() == len(events)
    before = _top_share_of_good(session, world, learned=False)

    result = run("retrain", "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    vacancy = card["kinds"]["vacancy"]
    assert vacancy["promoted"] is True, vacancy
    assert vacancy["challenger"]["auc"] > vacancy["champion"]["auc"] + 0.1, json.dumps(
        [vacancy["model"], vacancy["held_out"], vacancy["window"]]
    )
    assert vacancy["challenger"]["ndcg@10"] > vacancy["champion"]["ndcg@10"]
    assert set(vacancy["fairness"]) == {"sex", "age_band", "region", "settlement", "offence"}
    assert card["kinds"]["course"]["refused"][0]["code"] == "no_outcomes"
    assert card["data"]["events"] == len(events)
    version = card["version"]
    assert modelstore.active_version(session) == version
    files = list((world.settings.home / "models").iterdir())
    assert {f.name for f in files} == {f"{version}.joblib", f"{version}.json"}

    # the lists of the persons concerned change: employers who keep people rise
    after = _top_share_of_good(session, world, learned=True)
    assert after > before + 0.15
    # and an officer reads why: the employer's record with people referred before
    learned = glue.load_engine(session, today=TODAY, congestion=False)
    records = [
        reason
        for row in session.exec(select(PersonRow)).all()[:60]
        for rec in learned.recommend(glue.person(row, world.protector), "vacancy", limit=5)
        for reason in rec.reasons
        if reason.code == "employer_record"
    ]
    assert records
    # the score is the expected chance of a kept job, and why's shares add up to it
    listed_pairs = (
        (row.person_id, rec.id)
        for row in session.exec(select(PersonRow)).all()[:60]
        for rec in learned.recommend(glue.person(row, world.protector), "vacancy", limit=1)
    )
    person_id, vacancy_id = next(listed_pairs)
    why = json.loads(run("why", person_id, "vacancy", vacancy_id, "--json").stdout)
    assert sum(f["contribution"] for f in why["features"].values()) == pytest.approx(
        why["score"], abs=2e-3
    )
    said = run("--lang", "en", "why", person_id, "vacancy", vacancy_id).stdout
    assert f"keeping this job 3 months or more: {100 * why['score']:.0f}%" in said
    # the trade-first gate was measured on the held-out lists and shown on the card
    assert set(vacancy["trade_first"]) == {"challenger", "champion", "baseline"}
    assert card["gates"]["exact_trade_top"] == 3
    # a cohort allocation scores with the same model and the same records
    lean = scarce(learned)
    assert (lean.model_version, lean.tracks) == (learned.model_version, learned.tracks)
    referred, kept = records[0].params["referred"], records[0].params["kept"]
    assert f"{kept} of the {referred}" in records[0].text("en")

    shown = run("--lang", "en", "model", "show")
    assert version in shown.stdout
    assert "promoted" in shown.stdout
    assert "a job of their own trade in the top 3: " in shown.stdout
    listed = json.loads(run("model", "list", "--json").stdout)
    assert [row["status"] for row in listed] == ["active", "inactive"]
    shown = run("--lang", "kk", "model", "list").stdout  # statuses in words, local time
    assert "әрекет етеді" in shown
    assert "active" not in shown

    rolled = run("--lang", "en", "model", "rollback", modelstore.BASELINE)
    assert rolled.exit_code == 0
    assert "serves" in rolled.stdout
    assert modelstore.active_version(session) == modelstore.BASELINE
    statuses = {
        row["version"]: row["status"] for row in json.loads(run("model", "list", "--json").stdout)
    }
    assert statuses == {version: "inactive", modelstore.BASELINE: "active"}
    assert run("model", "rollback", "learned-nothing").exit_code == 2
    assert run("model", "rollback", version).exit_code == 0
    assert modelstore.active_version(session) == version


def test_a_worse_challenger_is_refused_with_its_reasons(  # type: ignore[no-untyped-def]
    run, world: Runtime, session: Session, tmp_path: Path
) -> None:
    # what worked earlier stops working: low-ranked jobs kept people, then the top ones do,
    # so a ranker that learns the old pattern is worse than the baseline on the latest period
    turn = TODAY - timedelta(215)

    def rule(person, rec, rank, day):  # type: ignore[no-untyped-def]
        if day < turn:
            return 0.7 if rank >= 4 else 0.05
        return 0.7 if rank <= 3 else 0.05

    _import(run, world, session, rule, tmp_path, "drift.csv")
    result = run("--lang", "en", "retrain")
    assert result.exit_code == 1, result.output
    assert "was not promoted" in result.stdout
    assert "below the model in force" in result.stdout
    assert modelstore.active_version(session) == modelstore.BASELINE
    refused = session.exec(select(ModelVersion)).one()
    assert refused.card["status"] == "refused"
    assert refused.path is None
    card: dict[str, Any] = refused.card
    reasons = card["kinds"]["vacancy"]["refused"]
    assert {r["metric"] for r in reasons if r["code"] == "worse_than_champion"} == {
        "ndcg@10",
        "auc",
    }


def test_too_few_outcomes_keep_the_baseline(run, world: Runtime) -> None:  # type: ignore[no-untyped-def]
    result = run("retrain", "--json")
    assert result.exit_code == 1
    card = json.loads(result.stdout)
    assert card["status"] == "refused"
    assert {k: e["refused"][0]["code"] for k, e in card["kinds"].items()} == {
        "vacancy": "no_outcomes",
        "course": "no_outcomes",
        "shelter": "no_outcomes",
    }


def test_model_routes(  # type: ignore[no-untyped-def]
    run, world: Runtime, session: Session, tmp_path: Path
) -> None:
    engine = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
    _import(
        run,
        world,
        session,
        lambda p, rec, rank, day: 0.75 if good_employer(engine, rec.id) else 0.1,
        tmp_path,
        "outcomes.csv",
    )
    admin = tokens.create(session, role="admin")[0]
    employer = tokens.create(session, role="employer", employer_bin=bin_number(7))[0]
    officer = tokens.create(session, role="officer")[0]
    session.commit()
    client = TestClient(create_app(world))

    def headers(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    assert client.get("/api/v1/model", headers=headers(officer)).json()["kind"] == "baseline"
    assert client.post("/api/v1/model/retrain", headers=headers(officer)).status_code == 403
    # a list served before the swap, and after it: the server switches without a restart
    listed = client.get(
        "/api/v1/persons/P00001/recommendations?kind=vacancy", headers=headers(officer)
    )
    assert listed.status_code == 200
    answer = client.post("/api/v1/model/retrain", headers=headers(admin))
    assert answer.status_code == 202, answer.text
    job = client.get(answer.headers["Location"], headers=headers(admin)).json()
    assert job["state"] == "succeeded", job
    body = job["result"]
    assert body["promoted"] is True
    assert body["active"] == body["version"]
    assert {r["kind"] for r in body["refused"]} == {"course", "shelter"}
    card = client.get("/api/v1/model", headers=headers(officer)).json()
    assert card["version"] == body["version"]
    assert card["status"] == "active"
    assert "groups" in card["kinds"]["vacancy"]["fairness"]["sex"]
    seen = client.get("/api/v1/model", headers=headers(employer)).json()
    assert "groups" not in seen["kinds"]["vacancy"]["fairness"]["sex"]
    again = client.get(
        "/api/v1/persons/P00001/recommendations?kind=vacancy", headers=headers(officer)
    )
    assert again.status_code == 200
    one = client.get(f"/api/v1/model/versions/{body['version']}", headers=headers(admin))
    assert one.json()["kinds"]["vacancy"]["promoted"] is True
    missing_card = client.get("/api/v1/model/versions/learned-none", headers=headers(admin))
    assert missing_card.status_code == 404
    versions = client.get("/api/v1/model/versions", headers=headers(admin)).json()
    assert versions[0]["status"] == "active"
    assert versions[-1]["version"] == modelstore.BASELINE
    back = client.post(
        "/api/v1/model/rollback", json={"version": modelstore.BASELINE}, headers=headers(admin)
    )
    assert back.status_code == 200
    assert back.json()["kind"] == "baseline"
    missing = client.post(
        "/api/v1/model/rollback", json={"version": "learned-x"}, headers=headers(admin)
    )
    assert missing.status_code == 404
    assert "learned-x" in missing.json()["error"]["message"]


def test_a_server_can_retrain_on_a_schedule(world: Runtime, session: Session) -> None:
    from service.training.schedule import RetrainSchedule

    schedule = RetrainSchedule(world, every_hours=24)
    version = schedule.run_once()
    assert version is not None
    assert session.get(ModelVersion, version).card["status"] == "refused"  # type: ignore[union-attr]
    world.settings = world.settings.model_copy(update={"retrain_every_hours": 24.0})
    with TestClient(create_app(world)) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert any(t.name == "matcher-retrain" for t in threading.enumerate())


def test_the_demo_can_come_with_a_history_and_a_model(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "--lang", "en", "demo", "--vacancies", "300", "--courses", "30", "--persons", "150",
        "--history", "200",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Simulation (synthetic" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("New version") or "was not promoted" in last
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["outcome_events"] > 100


def test_one_retraining_at_a_time(run, world: Runtime, session: Session) -> None:  # type: ignore[no-untyped-def]
    from service.training import retrain as retraining
    from service.training.schedule import RetrainSchedule

    admin = tokens.create(session, role="admin")[0]
    session.commit()
    client = TestClient(create_app(world))
    with retraining._running:  # as if another request were retraining
        busy = client.post(
            "/api/v1/model/retrain",
            headers={"Authorization": f"Bearer {admin}", "Accept-Language": "en"},
        )
        assert busy.status_code == 409
        assert "already running" in busy.json()["error"]["message"]
        assert run("--lang", "en", "retrain").exit_code == 3
        assert RetrainSchedule(world, every_hours=1).run_once() is None
    assert session.exec(select(ModelVersion)).all() == []


def test_a_version_the_installed_libraries_cannot_read_is_refused(  # type: ignore[no-untyped-def]
    run, world: Runtime, session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import sklearn

    engine = glue.load_engine(session, today=TODAY, congestion=False, learned=False)
    _import(
        run,
        world,
        session,
        lambda p, rec, rank, day: 0.75 if good_employer(engine, rec.id) else 0.1,
        tmp_path,
        "outcomes.csv",
    )
    promoted = run("retrain", "--json")
    assert promoted.exit_code == 0, promoted.output
    version = json.loads(promoted.stdout)["version"]
    row = session.get(ModelVersion, version)
    assert row is not None
    assert row.artifact is not None
    card: dict[str, Any] = dict(row.card)
    assert card["artifact"]["bytes"] == len(row.artifact)
    # the database copy is what loads: the file under home may go
    Path(str(row.path)).unlink()
    assert modelstore.rankers(session, version)[0] == version
    assert run("model", "rollback", modelstore.BASELINE).exit_code == 0

    # the card says it was pickled by another scikit-learn minor release
    row.card = {**card, "versions": {**card["versions"], "scikit-learn": "0.24.2"}}
    session.add(row)
    session.commit()
    refused = run("--lang", "en", "model", "rollback", version)
    assert refused.exit_code != 0
    assert f"scikit-learn 0.24.2, but {sklearn.__version__} is installed" in refused.output
    assert "0.24.2" in run("--lang", "kk", "model", "rollback", version).output
    assert modelstore.active_version(session) == modelstore.BASELINE
    admin = tokens.create(session, role="admin")[0]
    session.commit()
    client = TestClient(create_app(world))
    answer = client.post(
        "/api/v1/model/rollback",
        json={"version": version},
        headers={"Authorization": f"Bearer {admin}", "Accept-Language": "ru"},
    )
    assert answer.status_code == 409
    assert "0.24.2" in answer.json()["error"]["message"]
    assert sklearn.__version__ in answer.json()["error"]["message"]

    # made active elsewhere (a host with other libraries promoted it): this one serves the
    # baseline and says why, rather than failing
    row.is_active = True
    session.add(row)
    session.commit()
    with caplog.at_level("ERROR", logger="matcher.models"):
        served = glue.load_engine(session, today=TODAY, congestion=False)
    assert served.model_version == modelstore.BASELINE
    assert any("0.24.2" in r.getMessage() for r in caplog.records)

    # bytes that are not the ones saved are never unpickled
    row.is_active = False
    row.card = {**row.card, "versions": modelstore.installed_versions()}
    row.artifact = bytes(row.artifact[:-1]) + bytes([row.artifact[-1] ^ 1])  # one bit flipped
    session.add(row)
    session.commit()
    tampered = run("--lang", "en", "model", "rollback", version)
    assert tampered.exit_code != 0
    assert "SHA-256" in tampered.output
    assert modelstore.active_version(session) == modelstore.BASELINE
