"""Employer routes: records with their quota standing, seen by role and region."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.app import create_app
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.store.workflow import Referral, ReferralEvent
from tests.factories import bin_number, person, vacancy

AKTAU, KOKSHETAU = "471010000", "111010000"
E1, E2, E3, E4 = bin_number(201), bin_number(202), bin_number(203), bin_number(204)
AS_OF = "2026-06-30"


def _quota(n: int, bin_: str, kato: str, slots: int, start: str, **more: str) -> dict[str, Any]:
    return vacancy(
        n, employer_bin=bin_, kato=kato, is_quota="true", quota_slots=str(slots),
        quota_from=start, **more,
    )  # fmt: skip


VACANCIES = [
    _quota(1, E1, AKTAU, 3, "2026-03-01"),  # window open: last day 31 August, 62 days left
    _quota(2, E1, AKTAU, 2, "2026-05-01"),  # last day 31 October: 123 days left
    vacancy(3, employer_bin=E1, kato=AKTAU, is_quota="false", quota_slots="0", quota_from=""),
    _quota(4, E1, AKTAU, 1, "2025-10-01"),  # window over
    _quota(5, E1, AKTAU, 2, "2026-09-01"),  # window not started
    _quota(6, E1, AKTAU, 1, "2026-04-01", status="closed"),
    _quota(7, E2, KOKSHETAU, 1, "2026-06-01"),
    _quota(8, E3, AKTAU, 1, "2026-06-01", employer_name="ИП «Заготовка»"),  # E3: a stub
]
EMPLOYERS = [
    {"employer_bin": E1, "name": "ТОО «Каспий Строй»", "kato": AKTAU, "headcount": "140",
     "quota_percent": "2,5", "quota_year": "2026", "phone": "+7 729 250 10 10",
     "email": "hr@kaspiy.kz"},
    {"employer_bin": E2, "name": "ТОО «Кокше Нан»", "kato": KOKSHETAU, "headcount": "20",
     "quota_percent": "2", "quota_year": "2024"},
    # no place, no quota year (read as the current one): 3 % of 10 people is 0.3 -> 1 job
    {"employer_bin": E4, "name": "ИП «Без адреса»", "headcount": "10", "quota_percent": "3"},
]  # fmt: skip


@pytest.fixture
def world(session: Session, runtime: Runtime) -> None:
    persons = [
        person(n, kato=AKTAU, status="released", probation_kind="post_penitentiary",
               release_date="2026-01-15")
        for n in (1, 2)
    ]  # fmt: skip
    events = [
        {"person_id": "P00001", "item_kind": "vacancy", "item_id": "V00001", "event": event,
         "date": day, "contract_months": months}
        for event, day, months in (("referred", "2026-04-01", ""), ("hired", "2026-04-10", "6"))
    ]  # fmt: skip
    for kind, rows in (
        ("vacancies", VACANCIES),
        ("employers", EMPLOYERS),
        ("persons", persons),
        ("outcomes", events),
    ):
        report = import_records(session, kind, rows, protector=runtime.protector)
        assert report.ok, [e.as_dict("en") for e in report.errors]
    # P2 hired on V2 through a referral, on a 2-month contract: a hire, not a fulfilment
    referral = Referral(
        person_id="P00002", item_kind="vacancy", item_id="V00002", employer_bin=E1,
        region_kato="470000000", state="hired", place="taken", sent_on=date(2026, 5, 1),
        state_on=date(2026, 5, 15), contract_months=2, created_by="test",
    )  # fmt: skip
    session.add(referral)
    session.flush()
    assert referral.id is not None
    for before, state, day in ((None, "sent", "2026-05-01"), ("sent", "hired", "2026-05-15")):
        session.add(
            ReferralEvent(
                referral_id=referral.id, from_state=before, to_state=state,
                on=date.fromisoformat(day), actor="test",
            )
        )  # fmt: skip
    session.flush()


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def bearer(session: Session, world: None) -> dict[str, str]:
    return {
        "admin": tokens.create(session, role="admin")[0],
        "officer": tokens.create(session, role="officer")[0],
        "mangystau": tokens.create(session, role="inspector", region_kato="470000000")[0],
        "akmola": tokens.create(session, role="officer", region_kato="110000000")[0],
        "e1": tokens.create(session, role="employer", employer_bin=E1)[0],
        "e2": tokens.create(session, role="employer", employer_bin=E2)[0],
    }


def _get(client: TestClient, token: str | None, url: str, lang: str = "en") -> Any:
    headers = {"Accept-Language": lang}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(url, headers=headers)


def _bins(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["employer_bin"] for item in answer.json()["items"]]


def test_the_list_follows_role_and_region(client: TestClient, bearer: dict[str, str]) -> None:
    everyone = sorted([E1, E2, E3, E4])
    assert _bins(_get(client, bearer["admin"], "/api/v1/employers")) == everyone
    assert _bins(_get(client, bearer["officer"], "/api/v1/employers")) == everyone
    assert _bins(_get(client, bearer["mangystau"], "/api/v1/employers")) == sorted([E1, E3])
    assert _bins(_get(client, bearer["mangystau"], "/api/v1/employers?kato=4710")) == sorted(
        [E1, E3]
    )
    assert _bins(_get(client, bearer["akmola"], "/api/v1/employers")) == [E2]
    assert _bins(_get(client, bearer["admin"], "/api/v1/employers?kato=11")) == [E2]
    assert _bins(_get(client, bearer["admin"], "/api/v1/employers?limit=1&offset=1")) == [
        everyone[1]
    ]
    outside = _get(client, bearer["mangystau"], "/api/v1/employers?kato=110000000")
    assert outside.status_code == 403
    assert outside.json()["error"]["code"] == "out_of_region"
    assert _get(client, bearer["e1"], "/api/v1/employers").status_code == 403
    unknown = _get(client, bearer["admin"], "/api/v1/employers?kato=999999999")
    assert unknown.status_code == 404
    assert _get(client, bearer["admin"], "/api/v1/employers?kato=4").status_code == 422
    assert _get(client, bearer["admin"], "/api/v1/employers?limit=0").status_code == 422
    assert _get(client, None, "/api/v1/employers").status_code == 401


def test_an_employer_s_standing(client: TestClient, bearer: dict[str, str]) -> None:
    answer = _get(client, bearer["admin"], f"/api/v1/employers/{E1}?as_of={AS_OF}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["headcount"], body["quota_percent"]) == (
        "ТОО «Каспий Строй»", 140, 2.5
    )  # fmt: skip
    assert (body["obligation"], body["obligation_unknown"]) == (4, None)  # 3.5 jobs, half up
    assert body["slots_offered"] == 9  # every quota vacancy, whatever its status or window
    assert (body["hired"], body["fulfilled"]) == (2, 1)  # one event, one referral
    assert [(w["vacancy_id"], w["window_end"], w["days_left"]) for w in body["open_windows"]] == [
        ("V00001", "2026-08-31", 62),
        ("V00002", "2026-10-31", 123),
    ]
    assert body["email"] == "hr@kaspiy.kz"
    assert body["as_of"] == AS_OF

    stub = _get(client, bearer["admin"], f"/api/v1/employers/{E3}?as_of={AS_OF}").json()
    assert (stub["is_stub"], stub["name"], stub["obligation"], stub["obligation_unknown"]) == (
        True, "ИП «Заготовка»", None, "stub"
    )  # fmt: skip
    assert stub["slots_offered"] == 1
    last_year = _get(client, bearer["admin"], f"/api/v1/employers/{E2}?as_of={AS_OF}").json()
    assert (last_year["obligation"], last_year["obligation_unknown"]) == (None, "other_year")
    in_its_year = _get(client, bearer["admin"], f"/api/v1/employers/{E2}?as_of=2025-12-31")
    assert in_its_year.json()["obligation"] == 1  # 0.4 of a job: at least one
    nowhere = _get(client, bearer["admin"], f"/api/v1/employers/{E4}?as_of={AS_OF}").json()
    assert (nowhere["obligation"], nowhere["kato"], nowhere["slots_offered"]) == (1, None, 0)


def test_who_may_read_an_employer(client: TestClient, bearer: dict[str, str]) -> None:
    own = _get(client, bearer["e1"], f"/api/v1/employers/{E1}")
    assert own.status_code == 200
    assert own.json()["phone"] == "+7 729 250 10 10"
    other = _get(client, bearer["e1"], f"/api/v1/employers/{E2}", lang="ru")
    assert other.status_code == 404  # another employer's record does not exist for it
    assert E2 in other.json()["error"]["message"]
    assert "работодатель" in other.json()["error"]["message"]
    assert _get(client, bearer["e2"], f"/api/v1/employers/{E2}").status_code == 200
    assert _get(client, bearer["mangystau"], f"/api/v1/employers/{E1}").status_code == 200
    assert _get(client, bearer["mangystau"], f"/api/v1/employers/{E2}").status_code == 403
    assert _get(client, bearer["mangystau"], f"/api/v1/employers/{E4}").status_code == 403
    assert _get(client, bearer["officer"], f"/api/v1/employers/{E4}").status_code == 200
    assert _get(client, bearer["akmola"], f"/api/v1/employers/{E2}").status_code == 200
    unknown = _get(client, bearer["admin"], f"/api/v1/employers/{bin_number(299)}", lang="kk")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_employer"
    assert _get(client, bearer["admin"], "/api/v1/employers/12345").status_code == 422
    assert (
        _get(client, bearer["admin"], f"/api/v1/employers/{E1}?as_of=1999-12-31").status_code == 422
    )
    assert _get(client, None, f"/api/v1/employers/{E1}").status_code == 401


def _employers_csv(*rows: dict[str, str]) -> bytes:
    from tests.factories import csv_bytes

    return csv_bytes(rows, ["employer_bin", "name", "kato", "headcount", "quota_percent", "email"])


def test_import_employers_from_the_command_line(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "employers.csv"
    good.write_bytes(
        _employers_csv(
            {"employer_bin": E1, "name": "ТОО «Каспий Строй»", "kato": AKTAU, "headcount": "140",
             "quota_percent": "2,5", "email": "hr@kaspiy.kz"}
        )
    )  # fmt: skip
    result = run("import", "employers", str(good))
    assert result.exit_code == 0, result.output
    assert "employers" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        _employers_csv(
            {"employer_bin": E2, "name": "x", "kato": "", "headcount": "", "quota_percent": "",
             "email": "hr@kokshe"},
            {"employer_bin": "123456789012", "name": "y", "kato": "", "headcount": "",
             "quota_percent": "101", "email": ""},
        )
    )  # fmt: skip
    result = run("import", "employers", str(bad))
    assert result.exit_code != 0
    assert "line 2, column email" in result.stderr
    assert "line 3, column employer_bin" in result.stderr
    assert "line 3, column quota_percent" in result.stderr


def test_import_employers_over_http(client: TestClient, session: Session) -> None:
    admin = tokens.create(session, role="admin")[0]
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "text/csv"}
    body = _employers_csv(
        {"employer_bin": E1, "name": "ТОО «Каспий Строй»", "kato": AKTAU, "headcount": "140",
         "quota_percent": "2,5", "email": "hr@kaspiy.kz"}
    )  # fmt: skip
    answer = client.post("/api/v1/imports/employers", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["kind"], answer.json()["inserted"]) == ("employers", 1)
    bad = _employers_csv(
        {"employer_bin": E2, "name": "x", "kato": "", "headcount": "-1", "quota_percent": "",
         "email": ""}
    )  # fmt: skip
    refused = client.post("/api/v1/imports/employers", content=bad, headers=headers)
    assert refused.status_code == 422
    assert [(d["line"], d["column"]) for d in refused.json()["error"]["details"]] == [
        (2, "headcount")
    ]
