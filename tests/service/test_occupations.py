"""Occupations from outside: ``matcher occupations read``, the autocomplete route, NKZ codes
in imports, an officer's confirmation of a person's occupation, and the notice a list
carries when a person's profession was not recognised (issue 14, acceptance 1-3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matcher import Person as EnginePerson
from matcher.index import person_codes
from matcher.text import OccupationMatch
from service.api.app import create_app
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.store.persons import confirmed_titles
from service.store.tables import AuditEvent, Person, Vacancy
from tests.factories import AKTAU, bin_number, csv_bytes, person, vacancy

Headers = dict[str, str]
EMPLOYER = bin_number(61)
VAGUE = "любая работа"
"""A profession written so that no occupation can be read from it."""
ACCEPTANCE = ["сварка", "Backend-разработчик", "Жүргізушісі С санаты", "Специалист"]


@pytest.fixture
def world(runtime: Runtime, session: Session) -> dict[str, str]:
    """Welders' and drivers' jobs, two jobs that need no trade, all in Aktau; persons in
    Aktau whose profession is written «любая работа» (P00001) and «Специалист» (P00002); a
    token per role."""
    jobs = [
        vacancy(1, title="Электрогазосварщик", occupation_code="7212", employer_bin=EMPLOYER),
        vacancy(2, title="Сварщик аргонщик", occupation_code="7212-2-005", employer_bin=EMPLOYER),
        vacancy(3, title="Водитель категории С", occupation_code="8332", is_quota="false",
                quota_slots="", quota_from="", education_min="none"),
        vacancy(4, title="Уборщица", occupation_code="9112", is_quota="false", quota_slots="",
                quota_from="", education_min="none", skills=""),
        vacancy(5, title="Грузчик", occupation_code="9333", is_quota="false", quota_slots="",
                quota_from="", education_min="none", skills=""),
    ]  # fmt: skip
    for kind, rows in (
        ("vacancies", jobs),
        ("persons", [person(n, kato=AKTAU, status="released", release_date="2026-01-10",
                            professions=written, offence_category="")
                     for n, written in ((1, VAGUE), (2, "Специалист"))]),
    ):  # fmt: skip
        report = import_records(session, kind, rows, protector=runtime.protector)
        assert report.ok, report.errors
    made = {
        "officer": tokens.create(session, role="officer")[0],
        "inspector": tokens.create(session, role="inspector")[0],
        "admin": tokens.create(session, role="admin")[0],
        "employer": tokens.create(session, role="employer", employer_bin=EMPLOYER)[0],
    }
    made["officer-75"] = tokens.create(session, role="officer", region_kato="750000000")[0]
    return made


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def as_role(world: dict[str, str]) -> Callable[..., Headers]:
    def headers(role: str, lang: str = "en") -> Headers:
        return {"Authorization": f"Bearer {world[role]}", "Accept-Language": lang}

    return headers


# -- matcher occupations read -----------------------------------------------------------------


def test_read_gives_the_contract_shape_for_the_acceptance_texts(run: Any) -> None:
    result = run("occupations", "read", "--json", *ACCEPTANCE)
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [item["text"] for item in items] == ACCEPTANCE
    for item in items:
        assert set(item) == {"text", "recognised", "codes"}
        assert len(item["codes"]) <= 3
        for code in item["codes"]:
            assert set(code) == {"code", "nkz", "title", "confidence"}
            assert len(code["code"]) == 4
            assert 0 <= code["confidence"] <= 1
        confidences = [code["confidence"] for code in item["codes"]]
        assert confidences == sorted(confidences, reverse=True)
    best = {item["text"]: item["codes"][0]["code"] for item in items if item["recognised"]}
    assert best == {"сварка": "7212", "Backend-разработчик": "2512", "Жүргізушісі С санаты": "8332"}
    assert items[3]["recognised"] is False


def test_read_says_plainly_what_it_did_not_recognise(run: Any) -> None:
    russian = run("--lang", "ru", "occupations", "read", "Специалист", "сварка")
    assert russian.exit_code == 0, russian.output
    assert "«Специалист»: не распознано" in russian.stdout
    assert "«сварка»: распознано" in russian.stdout
    assert "7212" in russian.stdout
    kazakh = run("occupations", "read", "Специалист", "--lang", "kk")
    assert "«Специалист»: танылмады" in kazakh.stdout


# -- GET /occupations/search and /occupations/read ---------------------------------------------


def test_search_is_open_to_every_role_in_the_asked_language(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    for role in ("officer", "inspector", "employer", "admin"):
        answer = client.get("/api/v1/occupations/search?q=сварщик&limit=5", headers=as_role(role))
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        assert 1 <= len(items) <= 5
        assert any(item["code"] == "7212" for item in items)
    russian = client.get("/api/v1/occupations/search?q=сварщик&lang=ru", headers=as_role("officer"))
    kazakh = client.get("/api/v1/occupations/search?q=сварщик&lang=kk", headers=as_role("officer"))
    assert russian.status_code == kazakh.status_code == 200
    assert [i["title"] for i in russian.json()["items"]] != [
        i["title"] for i in kazakh.json()["items"]
    ]
    assert client.get("/api/v1/occupations/search?q=сварщик").status_code == 401


@pytest.mark.parametrize(
    "query",
    ["q=", "q=%20%20", "q=" + "а" * 101, "q=сварщик&limit=0", "q=сварщик&limit=51",
     "q=сварщик&lang=de", ""],
)  # fmt: skip
def test_search_refuses_bad_input_in_the_readers_language(
    client: TestClient, as_role: Callable[..., Headers], query: str
) -> None:
    for lang in ("ru", "kk"):
        answer = client.get(f"/api/v1/occupations/search?{query}", headers=as_role("officer", lang))
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["message"]


def test_read_route_answers_as_the_command_line(
    client: TestClient,
    as_role: Callable[..., Headers],
    run: Any,
) -> None:
    answer = client.get(
        "/api/v1/occupations/read?text=сварка&text=Специалист&lang=ru", headers=as_role("employer")
    )
    assert answer.status_code == 200, answer.text
    cli = json.loads(
        run("--lang", "ru", "occupations", "read", "--json", "сварка", "Специалист").stdout
    )
    assert answer.json() == cli
    assert (
        client.get("/api/v1/occupations/read?text=%20", headers=as_role("officer")).status_code
        == 422
    )


# -- NKZ codes in imports ----------------------------------------------------------------------


def test_an_nkz_code_is_imported_and_shown_with_its_isco_group(
    world: dict[str, str], session: Session, client: TestClient, as_role: Callable[..., Headers]
) -> None:
    row = session.get(Vacancy, "V00002")
    assert row is not None
    assert (row.occupation_code, row.occupation_nkz) == ("7212", "7212-2-005")
    plain = session.get(Vacancy, "V00001")
    assert plain is not None
    assert (plain.occupation_code, plain.occupation_nkz) == ("7212", None)
    answer = client.get(f"/api/v1/employers/{EMPLOYER}/vacancies", headers=as_role("officer", "ru"))
    assert answer.status_code == 200, answer.text
    shown = {v["vacancy_id"]: v["occupation"] for v in answer.json()}
    assert shown["V00002"] == {"code": "7212", "nkz": "7212-2-005", "title": "Электрогазосварщик"}
    assert shown["V00001"]["nkz"] is None
    assert shown["V00001"]["code"] == "7212"
    kazakh = client.get(f"/api/v1/employers/{EMPLOYER}/vacancies", headers=as_role("officer", "kk"))
    assert {v["vacancy_id"]: v["occupation"] for v in kazakh.json()}["V00002"]["title"] == (
        "Электр газбен пісіруші"
    )


def test_an_nkz_code_from_the_command_line_and_an_unknown_one_refused(
    world: dict[str, str],
    run: Any,
    tmp_path: Path,
    session: Session,
) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([vacancy(20, occupation_code="7212-2-005")]))
    assert run("import", "vacancies", str(good)).exit_code == 0
    stored = session.get(Vacancy, "V00020", populate_existing=True)
    assert stored is not None
    assert (stored.occupation_code, stored.occupation_nkz) == (
        "7212",
        "7212-2-005",
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(
            [
                vacancy(21),
                vacancy(22, occupation_code="9999-9-999"),
                vacancy(23, occupation_code="72-12"),
            ]
        )
    )
    for lang, words in (
        ("ru", "нет в Национальном классификаторе занятий"),
        ("kk", "Ұлттық кәсіптер жіктеуішінде жоқ"),
        ("en", "not in Kazakhstan's classifier of occupations"),
    ):
        result = run("--lang", lang, "import", "vacancies", str(bad))
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        unknown = next(line for line in lines if "9999-9-999" in line)
        assert "3" in unknown
        assert "occupation_code" in unknown
        assert words in unknown
        assert any("72-12" in line and "4" in line for line in lines)
    assert session.get(Vacancy, "V00021", populate_existing=True) is None


# -- an officer confirms a person's occupation; the lists follow ------------------------------


def test_an_unrecognised_profession_gives_a_notice_not_trade_jobs_until_confirmed(
    world: dict[str, str], client: TestClient, as_role: Callable[..., Headers], session: Session
) -> None:
    url = "/api/v1/persons/P00001/recommendations?kind=vacancy&limit=10"
    before = client.get(url, headers=as_role("officer", "kk"))
    assert before.status_code == 200, before.text
    body = before.json()
    assert {item["id"] for item in body["items"]} <= {"V00004", "V00005"}  # no trade needed
    assert body["items"], "jobs that need no trade are still offered"
    (notice,) = body["notices"]
    assert notice["code"] == "profession_not_recognised"
    assert notice["text"].startswith(f"«{VAGUE}» мамандығы танылмады")
    assert len(notice["suggestions"]) <= 3
    russian = client.get(url, headers=as_role("officer", "ru")).json()["notices"][0]["text"]
    assert russian.startswith(f"Профессия «{VAGUE}» не распознана — выберите её из справочника")

    assert (
        client.put(
            "/api/v1/persons/P00001/occupation",
            json={"code": "7212-2-005"},
            headers=as_role("employer"),
        ).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/persons/P00001/occupation",
            json={"code": "7212-2-005"},
            headers=as_role("officer-75"),
        ).status_code
        == 404
    )
    refused = client.put(
        "/api/v1/persons/P00001/occupation",
        json={"code": "9999-9-999"},
        headers=as_role("officer", "ru"),
    )
    assert refused.status_code == 404  # an unknown code, as an unknown id
    assert "9999-9-999" in refused.json()["error"]["message"]
    malformed = client.put(
        "/api/v1/persons/P00001/occupation", json={"code": "72"}, headers=as_role("officer")
    )
    assert malformed.status_code == 422
    not_written = client.put(
        "/api/v1/persons/P00001/occupation",
        json={"code": "7212", "text": "не его профессия"},
        headers=as_role("officer"),
    )
    assert not_written.status_code == 409
    assert (
        client.get(
            "/api/v1/occupations/read", params={"text": ""}, headers=as_role("officer")
        ).status_code
        == 422
    )
    confirmed = client.put(
        "/api/v1/persons/P00001/occupation",
        json={"code": "7212-2-005"},
        headers=as_role("officer", "ru"),
    )
    assert confirmed.status_code == 200, confirmed.text
    shown = confirmed.json()["confirmed_occupation"]
    assert (shown["code"], shown["nkz"], shown["text"]) == ("7212", "7212-2-005", VAGUE)
    assert shown["title"] == "Электрогазосварщик"
    assert shown["confirmed_by"].startswith("officer:")

    after = client.get(url, headers=as_role("officer", "ru")).json()
    assert after["notices"] == []
    assert after["items"][0]["id"] in {"V00001", "V00002"}
    assert {"V00001", "V00002"} <= {item["id"] for item in after["items"]}
    # the match is worded by the confirmed occupation, not by the text that was not understood
    said = " ".join(reason["text"] for reason in after["items"][0]["reasons"])
    assert "Сварщики и газорезчики" in said
    assert VAGUE not in said
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.person_id == "P00001")).all()
    assert "confirm_occupation" in actions
    assert confirmed_titles(session) == [(VAGUE, "7212")]


def test_confirming_from_the_command_line(
    world: dict[str, str], run: Any, session: Session
) -> None:
    listed = json.loads(run("recommend", "P00001", "--json", "--no-record").stdout)
    assert listed["notices"][0]["code"] == "profession_not_recognised"
    human = run("--lang", "ru", "recommend", "P00001", "--no-record")
    assert f"Профессия «{VAGUE}» не распознана" in human.stdout
    result = run("--lang", "ru", "person", "occupation", "P00001", "7212")
    assert result.exit_code == 0, result.output
    assert "P00001" in result.stdout
    assert "7212" in result.stdout
    row = session.get(Person, "P00001", populate_existing=True)
    assert row is not None
    assert row.confirmed_occupation == "7212"
    assert row.confirmed_occupation_nkz is None
    listed = json.loads(run("recommend", "P00001", "--json", "--no-record").stdout)
    assert "notices" not in listed
    assert listed["items"][0]["id"] in {"V00001", "V00002"}
    shown = run("--lang", "ru", "recommend", "P00001", "--no-record").stdout
    assert "Сварщик аргонщик [7212-2-005 · 7212]" in shown  # the NKZ code beside ISCO-08
    bad = run("person", "occupation", "P00001", "сварщик")
    assert bad.exit_code == 1
    assert "7212-2-005" in bad.stderr


def test_a_vague_title_of_the_acceptance_gets_the_notice(
    world: dict[str, str], client: TestClient, as_role: Callable[..., Headers]
) -> None:
    url = "/api/v1/persons/P00002/recommendations?kind=vacancy"
    body = client.get(url, headers=as_role("inspector", "ru")).json()
    assert [notice["code"] for notice in body["notices"]] == ["profession_not_recognised"]
    assert {item["id"] for item in body["items"]} <= {"V00004", "V00005"}


def test_a_confirmed_code_wins_over_the_reading_of_its_text() -> None:
    read = {
        "сварка": [OccupationMatch("9622", 0.9, "разнорабочие")],
        "грузчик": [OccupationMatch("9333", 0.95, "грузчики")],
    }
    codes, sources = person_codes(
        ("сварка", "грузчик"), read, confirmed="7212", confirmed_text="сварка"
    )
    assert codes == {"7212": 1.0, "9333": 0.95}
    assert sources == {"9333": "грузчик"}  # a confirmed code is worded by its title
    assert EnginePerson("P", "471010000", 43.6, 51.2, "released", confirmed_occupation="7212")
