"""The daily clock, with time moved by ``--as-of`` and messages read back from a real local
SMTP server: reminders on working days 5 and 8, the officer told when an answer is overdue
and when the referral expires (its place freed), the retention check 90 days after a hire,
a person in custody whose release date has passed marked released, and a shelter stay from
request to departure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from catalogs.workdays import add_working_days
from service.api.app import create_app
from service.cli.main import app as cli_app
from service.config import Settings
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.store.tables import OutcomeEvent, Person
from service.store.workflow import Employer, Referral
from tests.factories import AKTAU, bin_number, person, vacancy
from tests.serving import Mailbox, smtp_server

EMPLOYER = bin_number(7)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def rt(runtime: Runtime, mailbox: tuple[Mailbox, int]) -> Runtime:
    settings = Settings(
        home=runtime.settings.home, secret_key=SecretStr("c" * 32), lang="ru",
        smtp_host="127.0.0.1", smtp_port=mailbox[1], smtp_timeout=5,
    )  # fmt: skip
    return Runtime(settings, runtime.bind, _ready=True)


@pytest.fixture
def world(rt: Runtime, session: Session) -> dict[str, dict[str, str]]:
    today = date.today()
    window = (today - timedelta(days=20)).isoformat()
    released = {"kato": AKTAU, "status": "released", "release_date": today.isoformat(),
                "probation_kind": "post_penitentiary", "education": "vocational"}  # fmt: skip
    for kind, rows in (
        ("vacancies", [vacancy(1, quota_slots="2", quota_from=window)]),
        ("persons", [person(n, **released) for n in (1, 2, 3)]),
        ("shelters", [{"shelter_id": "S001", "name": "Центр адаптации «Жол»", "kato": AKTAU,
                       "capacity": "10", "occupied": "9", "max_stay_days": "180"}]),
    ):  # fmt: skip
        assert import_records(session, kind, rows, protector=rt.protector, commit=False).ok
    found = session.get(Employer, EMPLOYER)
    employer = found or Employer(employer_bin=EMPLOYER, name="ТОО «Каспий Строй»")
    employer.email, employer.lang, employer.is_stub = "hr@kaspiy.example.kz", "kk", False
    later = today + timedelta(days=90)  # the ledger is read then
    employer.headcount, employer.quota_percent, employer.quota_year = 200, 2.5, later.year
    session.add(employer)
    officer, officer_row = tokens.create(session, role="officer", region_kato="470000000")
    officer_row.email = "officer@enbek.example.kz"
    employer_token, _ = tokens.create(session, role="employer", employer_bin=EMPLOYER)
    session.add(officer_row)
    session.commit()
    return {
        "officer": {"Authorization": f"Bearer {officer}"},
        "employer": {"Authorization": f"Bearer {employer_token}"},
    }


def clock(rt: Runtime, day: date) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli_app, ["clock", "--as-of", day.isoformat()], obj=rt)
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_overdue_and_expiry_by_working_days(
    rt: Runtime, world: dict[str, dict[str, str]], mailbox: tuple[Mailbox, int], session: Session
) -> None:
    box = mailbox[0]
    client = TestClient(create_app(rt))
    today = date.today()
    made = client.post(
        "/api/v1/referrals", headers=world["officer"],
        json={"person_id": "P00001", "item_kind": "vacancy", "item_id": "V00001"},
    ).json()  # fmt: skip
    clock(rt, today)
    new = box.to("hr@kaspiy.example.kz")
    assert len(new) == 1
    assert "жолдама" in new[0]["Subject"].lower()
    body = new[0].get_content()
    assert "Тестов" not in body
    assert "P00001" not in body

    clock(rt, add_working_days(today, 4))
    assert len(box.to("hr@kaspiy.example.kz")) == 1
    clock(rt, add_working_days(today, 5))
    clock(rt, add_working_days(today, 8))
    reminders = box.to("hr@kaspiy.example.kz")[1:]
    assert len(reminders) == 2
    due = add_working_days(today, 10).strftime("%d.%m.%Y")
    assert all(due in m.get_content() for m in reminders)
    assert box.to("officer@enbek.example.kz") == []

    clock(rt, add_working_days(today, 11))
    overdue = box.to("officer@enbek.example.kz")
    assert len(overdue) == 1
    assert "P00001" in overdue[0].get_content()

    clock(rt, add_working_days(today, 20))
    assert session.get(Referral, made["id"]).state == "sent"  # type: ignore[union-attr]
    day21 = add_working_days(today, 21)
    clock(rt, day21)
    clock(rt, day21)  # a second run of the same day changes nothing more
    session.expire_all()
    row = session.get(Referral, made["id"])
    assert row is not None
    assert (row.state, row.reason, row.place) == (
        "expired",
        "no_answer",
        "free",
    )
    told = box.to("officer@enbek.example.kz")
    assert len(told) == 2
    assert len(box.to("hr@kaspiy.example.kz")) == 3
    events = session.exec(select(OutcomeEvent.event, OutcomeEvent.reason)).all()
    assert ("rejected", "no_answer") in events

    from typer.testing import CliRunner

    listed = CliRunner().invoke(
        cli_app, ["referrals", "--view", "expired_this_week", "--as-of", day21.isoformat(),
                  "--json"], obj=rt,
    )  # fmt: skip
    assert listed.exit_code == 0, listed.output
    assert '"state": "expired"' in listed.output


def test_retention_is_asked_90_days_after_the_hire(
    rt: Runtime, world: dict[str, dict[str, str]], mailbox: tuple[Mailbox, int], session: Session
) -> None:
    from typer.testing import CliRunner

    box = mailbox[0]
    client = TestClient(create_app(rt))
    made = client.post(
        "/api/v1/referrals", headers=world["officer"],
        json={"person_id": "P00002", "item_kind": "vacancy", "item_id": "V00001"},
    ).json()  # fmt: skip
    hired = client.post(
        f"/api/v1/referrals/{made['id']}/transitions", headers=world["employer"],
        json={"to": "hired", "contract_months": 12},
    )  # fmt: skip
    assert hired.status_code == 200
    today = date.today()
    clock(rt, today + timedelta(days=89))
    sent_before = len(box.messages)
    clock(rt, today + timedelta(days=90))
    asked = box.messages[sent_before:]
    assert sorted(m["To"] for m in asked) == ["hr@kaspiy.example.kz", "officer@enbek.example.kz"]
    day = (today + timedelta(days=90)).isoformat()
    kept = CliRunner().invoke(
        cli_app,
        ["referral", str(made["id"]), "retained_3m", "--date", day, "--as-of", day],
        obj=rt,
    )
    assert kept.exit_code == 0, kept.output
    events = list(session.exec(select(OutcomeEvent.event)).all())
    assert "retained_3m" in events
    ledger = CliRunner().invoke(cli_app, ["report", "quota", "--json", "--as-of", day], obj=rt)
    assert ledger.exit_code == 0, ledger.output
    import json

    rows = json.loads(ledger.output)["rows"]
    mine = next(r for r in rows if r["level"] == "employer" and r["key"] == EMPLOYER)
    assert (mine["obligation"], mine["hired"], mine["fulfilled"]) == (5, 1, 1)  # 200 × 2.5 %


def test_a_passed_release_date_makes_the_person_released(
    rt: Runtime, world: dict[str, dict[str, str]], session: Session
) -> None:
    yesterday = date.today() - timedelta(days=1)
    row = session.get(Person, "P00003")
    assert row is not None
    row.status, row.release_date, row.probation_kind = "in_custody", yesterday, "penitentiary"
    session.add(row)
    session.commit()
    client = TestClient(create_app(rt))
    shown = client.get("/api/v1/persons/P00003", headers=world["officer"]).json()
    assert (shown["status"], shown["probation_kind"]) == ("released", "post_penitentiary")
    assert "отмечено освобождёнными: 1" in clock(rt, date.today())
    session.expire_all()
    again = session.get(Person, "P00003")
    assert again is not None
    assert again.status == "released"


def test_a_shelter_stay_from_request_to_departure(
    rt: Runtime, world: dict[str, dict[str, str]], session: Session
) -> None:
    client = TestClient(create_app(rt))
    officer = world["officer"]
    made = client.post(
        "/api/v1/referrals", headers=officer,
        json={"person_id": "P00001", "item_kind": "shelter", "item_id": "S001"},
    ).json()  # fmt: skip
    assert (made["state"], made["place"]) == ("requested", "held")
    full = client.post(
        "/api/v1/referrals", headers=officer,
        json={"person_id": "P00002", "item_kind": "shelter", "item_id": "S001"},
    )  # fmt: skip
    assert full.status_code == 409  # one bed free, held by the first request
    url = f"/api/v1/referrals/{made['id']}/transitions"
    for body in ({"to": "confirmed"}, {"to": "arrived"}):
        assert client.post(url, headers=officer, json=body).status_code == 200
    arrived = client.get(f"/api/v1/referrals/{made['id']}", headers=officer).json()
    assert arrived["deadlines"]["stay_until"] == (date.today() + timedelta(days=89)).isoformat()
    too_long = date.today() + timedelta(days=180)
    refused = client.post(
        url, headers=officer, json={"to": "extended", "until": too_long.isoformat()}
    )
    assert refused.status_code == 422
    longer = date.today() + timedelta(days=179)
    assert (
        client.post(
            url, headers=officer, json={"to": "extended", "until": longer.isoformat()}
        ).status_code
        == 200
    )
    no_where = client.post(url, headers=officer, json={"to": "departed"})
    assert no_where.status_code == 422
    left = client.post(url, headers=officer, json={"to": "departed", "destination": "family"})
    assert left.status_code == 200
    assert left.json()["place"] == "free"
    states = [h["to_state"] for h in left.json()["history"]]
    assert states == ["requested", "confirmed", "arrived", "extended", "departed"]
    events = set(session.exec(select(OutcomeEvent.event)).all())
    assert {"referred", "admitted", "left"} <= events
    again = client.post(
        "/api/v1/referrals", headers=officer,
        json={"person_id": "P00002", "item_kind": "shelter", "item_id": "S001"},
    )  # fmt: skip
    assert again.status_code == 201  # the departure freed the bed


def test_each_recipient_reads_its_notifications_and_switches_kinds_off(
    rt: Runtime, world: dict[str, dict[str, str]], mailbox: tuple[Mailbox, int]
) -> None:
    client = TestClient(create_app(rt))
    off = client.put(
        "/api/v1/notifications/settings/referral_reminder",
        headers=world["employer"], json={"enabled": False},
    )  # fmt: skip
    assert off.status_code == 200
    made = client.post(
        "/api/v1/referrals", headers=world["officer"],
        json={"person_id": "P00001", "item_kind": "vacancy", "item_id": "V00001"},
    ).json()  # fmt: skip
    clock(rt, add_working_days(date.today(), 5))
    mine = client.get("/api/v1/notifications", headers=world["employer"]).json()
    assert [(n["kind"], n["state"]) for n in mine] == [
        ("referral_reminder", "off"),
        ("referral_new", "sent"),
    ]
    assert all(n["referral_id"] == made["id"] for n in mine)
    assert client.get("/api/v1/notifications", headers=world["officer"]).json() == []
    kinds = client.get("/api/v1/notifications/settings", headers=world["employer"]).json()
    assert {"kind": "referral_reminder", "enabled": False} in kinds
    reasons = client.get(
        "/api/v1/referral-reasons", headers=world["employer"] | {"Accept-Language": "kk"}
    ).json()
    no_show = next(r for r in reasons["declined"] if r["code"] == "no_show")
    assert no_show["cooldown_days"] == 60
    assert "сұхбат" in no_show["suggestion"]


def test_the_inspector_is_told_when_a_plan_action_falls_due(
    rt: Runtime, world: dict[str, dict[str, str]], mailbox: tuple[Mailbox, int], session: Session
) -> None:
    box = mailbox[0]
    secret, inspector = tokens.create(session, role="inspector", email="insp@probation.example.kz")
    inspector.lang = "kk"
    session.add(inspector)
    session.commit()
    client = TestClient(create_app(rt))
    made = client.post("/api/v1/persons/P00001/plan", headers={"Authorization": f"Bearer {secret}"})
    assert made.status_code in (200, 201), made.text
    stored = made.json()["plan"]
    dues = sorted(
        date.fromisoformat(a["due"]) for a in stored["actions"] if a["status"] == "planned"
    )
    first = dues[0] if dues[0] >= date.today() else date.today()
    clock(rt, first)
    told = box.to("insp@probation.example.kz")
    assert told, [m["Subject"] for m in box.messages]
    body = told[0].get_content()
    assert "P00001" in body
    assert "Тестов" not in body
    clock(rt, first)
    assert len(box.to("insp@probation.example.kz")) == len(told)  # once only


def test_an_officer_using_the_pages_is_told_of_answers_too(
    rt: Runtime, world: dict[str, dict[str, str]], mailbox: tuple[Mailbox, int], session: Session
) -> None:
    from service.store.tables import Account
    from service.usecases import referrals
    from service.usecases.actor import Actor

    account = Account(login="aigul", password_hash="x", role="officer", region_kato="470000000",
                      email="aigul@enbek.example.kz", lang="kk")  # fmt: skip
    session.add(account)
    session.commit()
    actor = Actor.of_account(account, method="POST", route="/persons/P00001")
    made = referrals.refer(rt, actor, person_id="P00001", item_kind="vacancy", item_id="V00001")
    assert made.row.created_by == f"officer:account:{account.id}"
    employer = Actor(role="employer", employer_bin=EMPLOYER)
    referrals.move(rt, employer, made.row.id or 0, referrals.Move(to="declined", reason="other"))
    clock(rt, date.today())
    told = mailbox[0].to("aigul@enbek.example.kz")
    assert len(told) == 1
    assert "бас тартылды" in told[0].get_content()  # in the account's Kazakh
