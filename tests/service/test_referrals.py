"""Referrals over HTTP: a referral holds a place, the last place goes to one of two at once,
an employer answers only its own, each move writes its history and outcome event, and a move
that makes no sense changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogs.i18n import day_in_case
from service.api.app import create_app
from service.runtime import Runtime
from service.store import changes, tokens
from service.store.imports import import_records
from service.store.tables import OutcomeEvent, Vacancy
from service.store.workflow import Referral, ReferralEvent
from tests.factories import AKTAU, bin_number, person, vacancy

Headers = dict[str, str]
EMPLOYER = bin_number(7)
OTHER_EMPLOYER = bin_number(11)


@pytest.fixture
def world(runtime: Runtime, session: Session) -> dict[str, Headers]:
    today = date.today()
    window = (today - timedelta(days=30)).isoformat()
    vacancies = [
        vacancy(1, quota_slots="2", quota_from=window),
        vacancy(2, employer_bin=OTHER_EMPLOYER, quota_slots="1", quota_from=window),
        vacancy(3, is_quota="false", quota_slots="0", quota_from=""),
    ]
    for kind, rows in (
        ("vacancies", vacancies),
        (
            "persons",
            [
                person(n, kato=AKTAU, status="released", release_date=today.isoformat(),
                       probation_kind="post_penitentiary", consent_employer_view="true",
                       education="vocational")
                for n in range(1, 6)
            ],
        ),
    ):  # fmt: skip
        report = import_records(session, kind, rows, protector=runtime.protector, commit=False)
        assert report.ok, report.as_dict()
    made = {
        "officer": tokens.create(session, role="officer", region_kato="470000000")[0],
        "far": tokens.create(session, role="officer", region_kato="750000000")[0],
        "employer": tokens.create(session, role="employer", employer_bin=EMPLOYER)[0],
        "other": tokens.create(session, role="employer", employer_bin=OTHER_EMPLOYER)[0],
    }
    session.commit()
    return {name: {"Authorization": f"Bearer {token}"} for name, token in made.items()}


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def refer(client: TestClient, headers: Headers, person_id: str, item_id: str = "V00001") -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/referrals",
        json={"person_id": person_id, "item_kind": "vacancy", "item_id": item_id},
        headers=headers,
    )
    return {"status": response.status_code, **response.json()}


def move(client: TestClient, headers: Headers, referral_id: int, **body: object) -> dict:  # type: ignore[type-arg]
    response = client.post(
        f"/api/v1/referrals/{referral_id}/transitions", json=body, headers=headers
    )
    return {"status": response.status_code, **response.json()}


def test_two_slots_hold_two_referrals_and_a_decline_frees_one(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    first = refer(client, world["officer"], "P00001")
    second = refer(client, world["officer"], "P00002")
    assert (first["status"], second["status"]) == (201, 201)
    assert first["state"] == "sent"
    assert first["place"] == "held"
    assert "answer_due" in first["deadlines"]
    third = refer(client, world["officer"] | {"Accept-Language": "kk"}, "P00003")
    assert third["status"] == 409
    assert third["error"]["code"] == "referral_no_place"
    assert "орын қалмады" in third["error"]["message"]

    waiting = client.get("/api/v1/referrals?view=waiting", headers=world["employer"]).json()
    assert [r["id"] for r in waiting["items"]] == [first["id"], second["id"]]
    assert all(r["person"].startswith("C-") for r in waiting["items"])  # pseudonyms only

    opened = client.get(f"/api/v1/referrals/{first['id']}", headers=world["employer"]).json()
    assert opened["state"] == "viewed"  # opened by the employer
    hired = move(client, world["employer"], first["id"], to="hired", contract_months=12)
    assert hired["status"] == 200
    assert hired["place"] == "taken"
    assert hired["person"] == "Тестов Тест Тестович"  # consented: the name, once hired
    declined = move(client, world["employer"], second["id"], to="declined",
                    reason="lacking_skills")  # fmt: skip
    assert declined["status"] == 200
    assert declined["place"] == "free"
    assert declined["reason_label"]

    again = refer(client, world["officer"], "P00003")
    assert again["status"] == 201
    assert refer(client, world["officer"], "P00004")["status"] == 409  # one taken, one held

    events = session.exec(
        select(OutcomeEvent.person_id, OutcomeEvent.event, OutcomeEvent.reason)
        .where(OutcomeEvent.item_id == "V00001")
        .order_by(OutcomeEvent.id)
    ).all()
    assert ("P00001", "hired", None) in events
    assert ("P00002", "rejected", "lacking_skills") in events
    assert sum(1 for e in events if e[1] == "referred") == 3


def test_a_decline_starts_a_cool_down_with_that_employer(
    client: TestClient, world: dict[str, Headers]
) -> None:
    made = refer(client, world["officer"], "P00001")
    move(client, world["employer"], made["id"], to="declined", reason="no_show")
    again = refer(client, world["officer"] | {"Accept-Language": "ru"}, "P00001")
    assert again["status"] == 409
    assert again["error"]["code"] == "referral_cooldown"
    until = (date.today() + timedelta(days=60)).strftime("%d.%m.%Y")
    assert until in again["error"]["message"]


def test_moves_that_make_no_sense_change_nothing(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    made = refer(client, world["officer"], "P00001")
    rid = made["id"]
    declined = move(client, world["employer"], rid, to="declined", reason="other")
    assert declined["status"] == 200
    before = session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent))
    cases = [
        (world["employer"], {"to": "hired", "contract_months": 6}, 409, "referral_bad_move"),
        (world["officer"], {"to": "expired"}, 403, "referral_only_the_clock"),
        (world["other"], {"to": "interview"}, 404, "unknown_referral"),
        (world["far"], {"to": "withdrawn"}, 404, "unknown_referral"),
    ]
    for headers, body, status, code in cases:
        answer = move(client, headers | {"Accept-Language": "kk"}, rid, **body)
        assert (answer["status"], answer["error"]["code"]) == (status, code), answer
        assert "declined" not in answer["error"]["message"]  # labels, not codes
    fresh = refer(client, world["officer"], "P00002")
    for body, status, code in [
        ({"to": "declined"}, 422, "referral_reason_needed"),
        ({"to": "declined", "reason": "salary"}, 422, "referral_bad_reason"),
        ({"to": "hired"}, 422, "referral_contract_needed"),
        ({"to": "retained_3m"}, 409, "referral_bad_move"),
    ]:
        answer = move(client, world["employer"], fresh["id"], **body)
        assert (answer["status"], answer["error"]["code"]) == (status, code), answer
    hired = move(client, world["employer"], fresh["id"], to="hired", contract_months=6)
    assert hired["status"] == 200
    early = move(client, world["employer"], fresh["id"], to="retained_3m")
    assert early["status"] == 422
    assert early["error"]["code"] == "referral_retention_too_soon"
    after = session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent))
    assert after == before + 2  # the new referral and its hire, nothing from the refusals


def test_an_ordinary_vacancy_takes_referrals_until_a_hire(
    client: TestClient, world: dict[str, Headers]
) -> None:
    made = [refer(client, world["officer"], f"P0000{n}", "V00003") for n in (1, 2, 3)]
    assert [m["status"] for m in made] == [201, 201, 201]
    move(client, world["employer"], made[0]["id"], to="hired", contract_months=3)
    assert refer(client, world["officer"], "P00004", "V00003")["status"] == 409


def test_staff_see_their_region_and_employers_their_own(
    client: TestClient, world: dict[str, Headers]
) -> None:
    refer(client, world["officer"], "P00001")
    refer(client, world["officer"], "P00002", "V00002")
    assert len(client.get("/api/v1/referrals", headers=world["officer"]).json()["items"]) == 2
    assert client.get("/api/v1/referrals", headers=world["far"]).json()["items"] == []
    other = client.get("/api/v1/referrals", headers=world["other"]).json()["items"]
    assert [r["item_id"] for r in other] == ["V00002"]
    asked = client.get(f"/api/v1/referrals?employer_bin={EMPLOYER}", headers=world["other"])
    assert asked.status_code == 403
    person = client.get("/api/v1/referrals?person_id=P00001", headers=world["officer"]).json()
    assert [r["item_id"] for r in person["items"]] == ["V00001"]
    assert person["items"][0]["history"][0]["to_state"] == "sent"


def test_a_withdrawal_frees_the_place_and_the_referral_can_be_made_again(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    made = refer(client, world["officer"], "P00001", "V00002")
    assert refer(client, world["officer"], "P00002", "V00002")["status"] == 409
    withdrawn = move(client, world["officer"], made["id"], to="withdrawn", reason="person_refused")
    assert withdrawn["status"] == 200
    assert withdrawn["place"] == "free"
    assert refer(client, world["officer"], "P00002", "V00002")["status"] == 201
    rows = session.exec(select(Referral).where(Referral.item_id == "V00002")).all()
    assert sorted(r.place for r in rows) == ["free", "held"]


def _list(client: TestClient, headers: Headers, person_id: str) -> dict[str, list[str]]:
    answer = client.get(
        f"/api/v1/persons/{person_id}/recommendations?kind=vacancy&limit=20", headers=headers
    )
    assert answer.status_code == 200, answer.text
    return {item["id"]: [r["code"] for r in item["reasons"]] for item in answer.json()["items"]}


def test_lists_count_only_free_places_and_say_who_is_referred(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    before = _list(client, world["officer"], "P00003")
    assert "V00001" in before
    assert "places_free" in before["V00001"]
    # the places free are said once: the quota reason keeps only its period
    assert "quota_slots" not in before["V00001"]
    assert "quota_period" in before["V00001"]
    refer(client, world["officer"], "P00001")
    refer(client, world["officer"], "P00002")
    assert "V00001" not in _list(client, world["officer"], "P00003")  # both slots held
    mine = _list(client, world["officer"], "P00001")
    assert mine["V00001"][0] == "already_referred"
    kk = client.get(
        "/api/v1/persons/P00001/recommendations?kind=vacancy&limit=20",
        headers=world["officer"] | {"Accept-Language": "kk"},
    ).json()["items"]
    first = next(i for i in kk if i["id"] == "V00001")["reasons"][0]["text"]
    assert "жіберілді" in first
    assert day_in_case(date.today(), "loc", "kk") in first  # «2026 жылғы 30 қарашада»


def test_a_capacity_nobody_confirmed_for_90_days_leaves_the_lists(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    assert "V00003" in _list(client, world["officer"], "P00004")
    session.execute(
        sa.update(Vacancy)
        .where(Vacancy.vacancy_id == "V00003")
        .values(capacity_confirmed_on=date.today() - timedelta(days=90))
    )
    changes.bump(session, "places")  # as every write of the service does
    session.commit()
    assert "V00003" not in _list(client, world["officer"], "P00004")


def test_an_engine_built_now_counts_only_free_places(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    from service.store import rows

    refer(client, world["officer"], "P00001")
    made = refer(client, world["officer"], "P00002", "V00003")
    move(client, world["employer"], made["id"], to="hired", contract_months=3)
    engine = rows.load_engine(session, today=date.today(), learned=False)
    assert engine.item("vacancy", "V00001").quota_slots == 1  # two slots, one held
    assert engine.item("vacancy", "V00003").status == "closed"  # an ordinary job, filled


def test_an_employer_reads_its_vacancies_places_and_confirms_them(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    refer(client, world["officer"], "P00001")
    mine = client.get(f"/api/v1/employers/{EMPLOYER}/vacancies", headers=world["employer"])
    assert mine.status_code == 200
    quota = next(v for v in mine.json() if v["vacancy_id"] == "V00001")
    assert (quota["quota_slots"], quota["held"], quota["taken"], quota["free"]) == (2, 1, 0, 1)
    assert quota["quota_window_last_day"] is not None
    other = client.get(f"/api/v1/employers/{EMPLOYER}/vacancies", headers=world["other"])
    assert other.status_code == 404
    session.execute(
        sa.update(Vacancy)
        .where(Vacancy.vacancy_id == "V00001")
        .values(capacity_confirmed_on=date.today() - timedelta(days=120))
    )
    changes.bump(session, "places")
    session.commit()
    assert "V00001" not in _list(client, world["officer"], "P00003")
    stale = client.get(f"/api/v1/employers/{EMPLOYER}/vacancies", headers=world["employer"])
    assert next(v for v in stale.json() if v["vacancy_id"] == "V00001")["stale"] is True
    confirmed = client.post(
        "/api/v1/vacancies/V00001/confirmation", json={}, headers=world["employer"]
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["capacity_confirmed_on"] == date.today().isoformat()
    assert "V00001" in _list(client, world["officer"], "P00003")
    foreign = client.post("/api/v1/vacancies/V00001/confirmation", json={}, headers=world["other"])
    assert foreign.status_code == 404


def test_a_referral_made_for_a_plan_action_marks_it_done(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    planned = client.post("/api/v1/persons/P00001/plan", headers=world["officer"])
    assert planned.status_code in (200, 201)
    body = planned.json()["plan"]
    action = next(a for a in body["actions"] if a["status"] == "planned")
    made = client.post(
        "/api/v1/referrals",
        headers=world["officer"],
        json={"person_id": "P00001", "item_kind": "vacancy", "item_id": "V00001",
              "source": "plan", "plan_action": action["id"]},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    latest = client.get("/api/v1/persons/P00001/plan", headers=world["officer"]).json()["plan"]
    done = next(a for a in latest["actions"] if a["id"] == action["id"])
    assert (done["status"], done["referrals"]) == ("done", [made.json()["id"]])
    unknown = client.post(
        "/api/v1/referrals",
        headers=world["officer"],
        json={"person_id": "P00002", "item_kind": "vacancy", "item_id": "V00001",
              "source": "plan", "plan_action": "nope"},
    )  # fmt: skip
    assert unknown.status_code == 404
    assert client.get("/api/v1/referrals?person_id=P00002", headers=world["officer"]).json() == {
        "items": []
    }  # nothing written


def test_a_referral_takes_its_rank_from_the_list_it_was_chosen_from(
    client: TestClient, world: dict[str, Headers], session: Session
) -> None:
    shown = client.get(
        "/api/v1/persons/P00003/recommendations?kind=vacancy&limit=20", headers=world["officer"]
    ).json()["items"]
    rank = next(n for n, item in enumerate(shown, start=1) if item["id"] == "V00001")
    refer(client, world["officer"], "P00003")
    event = session.exec(
        select(OutcomeEvent).where(
            OutcomeEvent.person_id == "P00003", OutcomeEvent.event == "referred"
        )
    ).one()
    assert (event.rank, event.source, event.model_version) == (rank, "referral", "baseline-0.1.0")
    assert event.created_by is not None
