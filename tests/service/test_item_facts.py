"""A person's list items say what an officer acts on (title, who offers it, place and address,
money, schedule, dates, free places, contact), in the API and in ``matcher recommend``; the
same job at the same employer under several ids is one item with its places summed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogs.i18n import messages
from matcher import Reason, Recommendation
from matcher.rank import shown
from service.api.app import create_app
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.usecases import offers, shortlists
from service.usecases.actor import Actor
from tests.factories import AKTAU, bin_number, person, vacancy
from tests.test_messages import latin_words

EMPLOYER = bin_number(31)
OTHER = bin_number(32)
TODAY = date.today()
WINDOW = (TODAY - timedelta(days=10)).isoformat()
START = TODAY + timedelta(days=40)


def _catalog(rt: Runtime, session: Session) -> None:
    """Three vacancies of one employer in Aktau: V00001 and V00002 the same job (the title
    written differently), V00003 the same title for another salary; V00004 elsewhere; a
    centre and a course with what the engine does not read (address, phone, web address)."""
    same = {"employer_bin": EMPLOYER, "quota_from": WINDOW, "employer_name": "ТОО «Каспий Строй»"}
    batches: list[tuple[str, list[dict[str, Any]]]] = [
        ("employers", [{"employer_bin": EMPLOYER, "name": "ТОО «Каспий Строй»", "kato": AKTAU,
                        "phone": "+7 7292 50 12 34"}]),
        ("vacancies", [
            vacancy(1, **same, quota_slots="2"),
            vacancy(2, **same, quota_slots="3", title="ЭЛЕКТРОГАЗОСВАРЩИК  5 разряда"),
            vacancy(3, **same, quota_slots="1", salary_kzt="380000"),
            vacancy(4, employer_bin=OTHER, employer_name="ТОО «Другой»", quota_from=WINDOW,
                    title="Сварщик"),
        ]),
        ("courses", [{"course_id": "C001", "programme": "enbek", "title": "Сварочное дело",
                      "provider": "Колледж Актау", "format": "offline", "kato": AKTAU,
                      "hours": "120", "seats": "12", "starts_on": START.isoformat(),
                      "cost_kzt": "0", "occupation_codes": "7212",
                      "url": "https://college.example.kz/welding"}]),
        ("shelters", [{"shelter_id": "S001", "name": "Центр адаптации «Жол»", "kato": AKTAU,
                       "operator": "ОФ «Жол»", "address": "г. Актау, 12 мкр., 5",
                       "phone": "+7 7292 40 00 01", "capacity": "10", "occupied": "4",
                       "max_stay_days": "120"}]),
        ("persons", [person(1, kato=AKTAU, status="released", release_date=TODAY.isoformat(),
                            probation_kind="post_penitentiary", education="vocational",
                            wants_training="true")]),
    ]  # fmt: skip
    for kind, rows in batches:
        made = import_records(session, kind, rows, protector=rt.protector, commit=False)
        assert made.ok, (kind, made)
    session.commit()


@pytest.fixture
def client(runtime: Runtime, session: Session) -> TestClient:
    _catalog(runtime, session)
    return TestClient(create_app(runtime))


@pytest.fixture
def officer(session: Session) -> dict[str, str]:
    token = tokens.create(session, role="officer")[0]
    session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Language": "ru"}


def _items(client: TestClient, headers: dict[str, str], kind: str, limit: int = 10) -> list[Any]:
    answer = client.get(
        f"/api/v1/persons/P00001/recommendations?kind={kind}&limit={limit}", headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_the_same_job_twice_is_one_item_with_its_places_summed(
    client: TestClient, officer: dict[str, str]
) -> None:
    items = _items(client, officer, "vacancy")
    ids = [item["id"] for item in items]
    listed = {i for item in items for i in (item["id"], *item["also_ids"])}
    assert {"V00001", "V00002", "V00003", "V00004"} <= listed
    joined = next(item for item in items if {"V00001", "V00002"} & {item["id"], *item["also_ids"]})
    assert sorted([joined["id"], *joined["also_ids"]]) == ["V00001", "V00002"]
    assert joined["free_places"] == 5  # 2 + 3 quota places
    assert joined["slots"] == 5
    texts = {r["code"]: r["text"] for r in joined["reasons"]}  # the reasons count them all too
    assert texts["places_free"] == "Свободно 5 мест из 5"
    assert texts["quota_period"].startswith("Квотная вакансия, срок квоты до ")  # said once
    assert "V00003" in ids  # another salary: another offer
    assert len(ids) == len(set(ids)) == 3
    # the list still has ``limit`` items when the same job takes two places of the ranking
    assert len(_items(client, officer, "vacancy", limit=3)) == 3


def test_a_vacancy_says_who_where_how_much_when_and_whom_to_call(
    client: TestClient, officer: dict[str, str]
) -> None:
    item = next(i for i in _items(client, officer, "vacancy") if i["id"] == "V00003")
    assert item["title"] == "Электрогазосварщик 5 разряда"
    assert item["by"] == "ТОО «Каспий Строй»"
    assert item["place"] == "Актау"
    assert item["salary_kzt"] == 380000
    assert item["cost_kzt"] is None
    assert item["schedule"] == "вахтовый метод"
    assert item["window_from"] == WINDOW
    assert date.fromisoformat(item["window_to"]) > TODAY
    assert item["free_places"] == 1
    assert item["contact"] == "+7 7292 50 12 34"
    assert item["also_ids"] == []
    assert item["chance_percent"] is None  # the baseline's score is a fit, not a chance
    assert {"id", "kind", "score", "reasons"} <= set(item)


def test_a_course_and_a_centre_say_what_they_are(
    client: TestClient, officer: dict[str, str]
) -> None:
    (course,) = _items(client, officer, "course")
    assert course["by"] == "Колледж Актау"
    assert course["cost_kzt"] == 0
    assert course["starts_on"] == START.isoformat()
    assert course["schedule"] == "очно, 120 ч."
    assert course["free_places"] == 12
    assert course["contact"] == "https://college.example.kz/welding"
    (centre,) = _items(client, officer, "shelter")
    assert centre["by"] == "ОФ «Жол»"
    assert centre["address"] == "г. Актау, 12 мкр., 5"
    assert centre["contact"] == "+7 7292 40 00 01"
    assert centre["free_places"] == 6
    assert centre["schedule"] == "проживание до 120 дн."


def test_the_command_gives_the_apis_items(
    client: TestClient, officer: dict[str, str], run: Any
) -> None:
    for kind in ("vacancy", "course", "shelter"):
        api = _items(client, officer, kind)
        result = run("--lang", "ru", "recommend", "P00001", "--kind", kind, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["items"] == api


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_commands_text_names_each_fact_in_the_language(
    client: TestClient, run: Any, lang: str
) -> None:
    result = run("--lang", lang, "recommend", "P00001", "--kind", "vacancy")
    assert result.exit_code == 0, result.output
    words = {
        "kk": ["Жұмыс беруші: ТОО «Каспий Строй»", "Жалақы: 450 000 ₸", "Кестесі: вахталық әдіс",
               "Бос орындар: 5", "Байланыс: +7 7292 50 12 34", "(барлығы 5 орын)"],
        "ru": ["Работодатель: ТОО «Каспий Строй»", "Зарплата: 450 000 ₸",
               "График: вахтовый метод", "Свободные места: 5",
               "Связаться: +7 7292 50 12 34", "(всего 5 мест)"],
    }[lang]  # fmt: skip
    for word in words:
        assert word in result.stdout, word
    shelters = run("--lang", lang, "recommend", "P00001", "--kind", "shelter").stdout
    assert {"kk": "Мекенжайы: г. Актау", "ru": "Адрес: г. Актау"}[lang] in shelters


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_kazakh_and_russian_facts_hold_no_latin_words(
    runtime: Runtime, client: TestClient, lang: str
) -> None:
    for kind in ("vacancy", "course", "shelter"):
        found = shortlists.person_shortlist(
            runtime, Actor.command("test"), person_id="P00001", kind=kind, limit=10, record=False
        )
        for facts in offers.facts(runtime, found, lang):
            data = {facts.title, facts.by, facts.address, facts.contact, *facts.ids}
            for label, value in facts.rows(lang):
                assert not latin_words(label), label
                if value not in data:
                    assert not latin_words(value.replace(", ".join(facts.ids), "")), value


def test_a_learned_rankers_score_is_shown_as_a_chance(
    client: TestClient, officer: dict[str, str], monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    monkeypatch.setattr(shown, "is_chance", lambda ranker: True)
    items = _items(client, officer, "vacancy")
    for item in items:
        assert item["chance_percent"] == round(100 * item["score"])
    printed = run("--lang", "ru", "recommend", "P00001", "--kind", "vacancy").stdout
    assert f"% — {messages('matcher').text('chance_vacancy', 'ru')}" in printed
    assert f"{items[0]['id']}  {items[0]['chance_percent']} %" in printed


def test_same_job_reads_employer_title_place_salary_quota_and_schedule(
    runtime: Runtime, client: TestClient
) -> None:
    engine = runtime.serving.engine(runtime)
    items = [Recommendation(f"V0000{n}", "vacancy", 1 - n / 10, ()) for n in (1, 2, 3, 4)]
    kept, also = shortlists.collapse(engine, "vacancy", items)
    assert [item.id for item in kept] == ["V00001", "V00003", "V00004"]
    assert also == {"V00001": ("V00002",)}
    courses = [Recommendation("C001", "course", 0.5, ())] * 2
    assert len(shortlists.collapse(engine, "course", courses)[0]) == 2


def test_a_new_phone_imported_is_the_next_lists_contact(
    runtime: Runtime, session: Session, client: TestClient, officer: dict[str, str]
) -> None:
    assert {
        i["contact"] for i in _items(client, officer, "vacancy") if i["by"] != "ТОО «Другой»"
    } == {"+7 7292 50 12 34"}
    row = {"employer_bin": EMPLOYER, "name": "ТОО «Каспий Строй»", "kato": AKTAU,
           "phone": "+7 701 000 00 01"}  # fmt: skip
    assert import_records(session, "employers", [row], protector=runtime.protector).ok
    contacts = {
        i["contact"] for i in _items(client, officer, "vacancy") if i["by"] != "ТОО «Другой»"
    }
    assert contacts == {"+7 701 000 00 01"}


def test_a_courses_free_seats_are_said_once() -> None:
    from service.store.places import Overlay, Places, Standing
    from service.usecases.places import live

    course = Recommendation(
        "C001",
        "course",
        0.8,
        (Reason("course_starts", {"date": "2027-01-11"}), Reason("course_seats", {"seats": 12})),
    )
    overlay = Overlay({("course", "C001"): Standing(Places(12, 1, 0), None, date.today())}, {}, {})
    (shown,) = live(overlay, "P00001", "course", [course], today=date.today(), limit=10)
    assert [r.code for r in shown.reasons] == ["places_free", "course_starts"]
    assert shown.reasons[0].text("ru") == "Свободно 11 мест из 12"
