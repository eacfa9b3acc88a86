"""The quota ledger, checked figure by figure against a small world counted by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.app import create_app
from service.reports import quota as reports
from service.reports import render
from service.runtime import Runtime
from service.store import tokens
from service.store.imports import import_records
from service.store.protect import Protector
from service.store.workflow import Referral, ReferralEvent
from tests.factories import bin_number, person, vacancy

AS_OF = date(2026, 6, 30)
AKTAU, BEINEU, KOKSHETAU = "471010000", "473600000", "111010000"
E1, E2, E3 = bin_number(101), bin_number(102), bin_number(103)


def _vacancy(
    n: int, bin_: str, name: str, kato: str, slots: int, start: str | None, **more: Any
) -> dict[str, Any]:
    quota = (
        {"is_quota": "true", "quota_slots": str(slots), "quota_from": start}
        if start
        else {"is_quota": "false", "quota_slots": "0", "quota_from": ""}
    )
    return vacancy(n, employer_bin=bin_, employer_name=name, kato=kato, **quota, **more)


VACANCIES = [
    _vacancy(1, E1, "ТОО «Каспий Строй»", AKTAU, 3, "2026-03-01"),
    _vacancy(2, E1, "ТОО «Каспий Строй»", AKTAU, 2, "2026-05-01"),
    _vacancy(3, E1, "ТОО «Каспий Строй»", AKTAU, 0, None),
    _vacancy(4, E2, "ТОО «Бейнеу Газ»", BEINEU, 1, "2025-10-01", status="closed"),
    _vacancy(5, E2, "ТОО «Бейнеу Газ»", BEINEU, 2, "2025-11-01"),
    _vacancy(6, E3, "ИП «Кокше»", KOKSHETAU, 4, "2026-02-01"),
    _vacancy(7, E3, "ИП «Кокше»", KOKSHETAU, 0, None),
    _vacancy(8, E3, "ИП «Кокше»", KOKSHETAU, 1, "2026-09-01"),
]


def _released(n: int, kato: str, released: str) -> dict[str, Any]:
    return person(
        n, kato=kato, status="released", probation_kind="post_penitentiary", release_date=released
    )


PERSONS = [
    _released(1, AKTAU, "2025-12-01"),
    _released(2, AKTAU, "2026-01-10"),
    _released(3, BEINEU, "2025-09-01"),
    _released(4, KOKSHETAU, "2025-06-01"),
    _released(5, KOKSHETAU, "2026-03-01"),
    person(
        6, kato=AKTAU, status="in_custody", probation_kind="penitentiary", release_date="2030-01-01"
    ),
]


def _event(p: int, v: int, event: str, day: str, months: int | None = None) -> dict[str, Any]:
    return {
        "person_id": f"P{p:05d}",
        "item_kind": "vacancy",
        "item_id": f"V{v:05d}",
        "event": event,
        "date": day,
        "contract_months": "" if months is None else str(months),
    }


EVENTS = [
    # P1: a 12-month contract on V1, also reported as kept 3 months: one fulfilment.
    _event(1, 1, "referred", "2026-01-05"),
    _event(1, 2, "referred", "2026-01-05"),
    _event(1, 1, "hired", "2026-01-20", 12),
    _event(1, 1, "retained_3m", "2026-04-25"),
    # P2: a 2-month contract on V1 (hired, not fulfilled), quit; then a job outside the quota.
    _event(2, 1, "referred", "2026-02-01"),
    _event(2, 1, "hired", "2026-02-15", 2),
    _event(2, 1, "quit", "2026-04-01"),
    _event(2, 3, "referred", "2026-04-20"),
    _event(2, 3, "hired", "2026-05-01"),
    _event(2, 2, "referred", "2026-07-10"),  # after the report's date: not counted
    # P3: hired on V4 without a stated term, kept 3 months, quit after 132 days.
    _event(3, 4, "referred", "2025-10-10"),
    _event(3, 4, "hired", "2025-10-20"),
    _event(3, 4, "retained_3m", "2026-01-20"),
    _event(3, 4, "quit", "2026-03-01"),
    # P4: a job outside the quota quit after 45 days; referred to V5; a 6-month quota contract.
    _event(4, 7, "referred", "2025-06-20"),
    _event(4, 7, "hired", "2025-07-01"),
    _event(4, 7, "quit", "2025-08-15"),
    _event(4, 5, "referred", "2025-12-01"),
    _event(4, 6, "referred", "2026-02-10"),
    _event(4, 6, "hired", "2026-02-20", 6),
    # P5: a contract of exactly 3 months counts.
    _event(5, 6, "referred", "2026-03-10"),
    _event(5, 6, "hired", "2026-03-20", 3),
    # P6, still in custody: referred ahead of release.
    _event(6, 1, "referred", "2026-06-01"),
]


@pytest.fixture
def world(session: Session, runtime: Runtime) -> None:
    for kind, rows in (("vacancies", VACANCIES), ("persons", PERSONS), ("outcomes", EVENTS)):
        report = import_records(session, kind, rows, protector=runtime.protector)
        assert report.ok, [e.as_dict("en") for e in report.errors]


FIELDS = (
    "quota_vacancies", "quota_slots", "open_quota_vacancies", "windows_open", "days_left",
    "referred", "hired", "fulfilled", "fulfilment_rate", "hired_outside_quota",
)  # fmt: skip


def figures(row: reports.LedgerRow) -> tuple[object, ...]:
    return tuple(row.as_dict("en")[name] for name in FIELDS)


def test_every_figure_matches_the_hand_count(session: Session, world: None) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    lines = [(row.level, row.key) for row in ledger.rows]
    assert lines == [
        ("total", ""),
        ("region", "110000000"),
        ("district", "111000000"),
        ("employer", E3),
        ("region", "470000000"),
        ("district", "471000000"),
        ("employer", E1),
        ("district", "473600000"),
        ("employer", E2),
    ]
    by = {(row.level, row.key): row for row in ledger.rows}
    # vacancies, slots, open, windows open, days left, referred, hired, fulfilled, rate, outside
    assert figures(by["total", ""]) == (6, 13, 5, 3, 31, 6, 5, 4, 0.3077, 2)
    assert figures(by["region", "470000000"]) == (4, 8, 3, 2, 62, 5, 3, 2, 0.25, 1)
    assert figures(by["region", "110000000"]) == (2, 5, 2, 1, 31, 2, 2, 2, 0.4, 1)
    assert figures(by["district", "471000000"]) == (2, 5, 2, 2, 62, 3, 2, 1, 0.2, 1)
    assert figures(by["district", "473600000"]) == (2, 3, 1, 0, None, 2, 1, 1, 0.3333, 0)
    assert figures(by["district", "111000000"]) == (2, 5, 2, 1, 31, 2, 2, 2, 0.4, 1)
    assert figures(by["employer", E1]) == (2, 5, 2, 2, 62, 3, 2, 1, 0.2, 1)
    assert figures(by["employer", E2]) == (2, 3, 1, 0, None, 2, 1, 1, 0.3333, 0)
    assert figures(by["employer", E3]) == (2, 5, 2, 1, 31, 2, 2, 2, 0.4, 1)
    assert by["employer", E2].employer_name == "ТОО «Бейнеу Газ»"
    assert by["employer", E2].district_kato == "473600000"
    assert by["employer", E2].region_kato == "470000000"

    # a window runs 6 calendar months: the last day is the day before the same date 6 months on
    # (1 September + 6 months = 1 March; the last day is 28 February)
    windows = {w.vacancy_id: (w.window_end.isoformat(), w.days_left) for w in ledger.windows}
    assert windows == {
        "V00001": ("2026-08-31", 62),
        "V00002": ("2026-10-31", 123),
        "V00004": ("2026-03-31", 0),
        "V00005": ("2026-04-30", 0),
        "V00006": ("2026-07-31", 31),
        "V00008": ("2027-02-28", 243),
    }

    outcomes = ledger.outcomes
    assert (outcomes.released, outcomes.hired) == (5, 5)
    assert outcomes.median_days_to_hire == 36.0  # waits 19, 30, 36, 49, 50 days
    retention = {r.months: (r.judged, r.kept, r.rate) for r in outcomes.retention}
    assert retention == {3: (6, 4, 0.6667), 6: (2, 0, 0.0), 12: (0, 0, None)}


def test_an_area_narrows_vacancies_and_persons(session: Session, world: None) -> None:
    region = reports.quota_ledger(session, kato="470000000", today=AS_OF)
    assert figures(region.total) == (4, 8, 3, 2, 62, 5, 3, 2, 0.25, 1)
    assert [row.key for row in region.level("district")] == ["471000000", "473600000"]
    assert (region.outcomes.released, region.outcomes.median_days_to_hire) == (3, 49.0)
    assert region.as_dict("ru")["area"] == "Мангистауская область"

    district = reports.quota_ledger(session, kato="4736", today=AS_OF)
    assert figures(district.total) == (2, 3, 1, 0, None, 2, 1, 1, 0.3333, 0)
    assert [w.vacancy_id for w in district.windows] == ["V00004", "V00005"]
    assert district.outcomes.released == 1

    town = reports.quota_ledger(session, kato=KOKSHETAU, today=AS_OF)
    assert figures(town.total) == (2, 5, 2, 1, 31, 2, 2, 2, 0.4, 1)

    empty = reports.quota_ledger(session, kato="750000000", today=AS_OF)
    assert figures(empty.total) == (0, 0, 0, 0, None, 0, 0, 0, None, 0)
    assert empty.level("district") == []


@pytest.mark.parametrize(
    ("kato", "district", "name"),
    [
        ("473600000", "473600000", "Бейнеуский район"),  # an oblast's district
        ("471010000", "471000000", "Актау"),  # a town of an oblast, its city administration
        ("751110000", "751110000", "Алмалинский район"),  # a city district of Almaty
        ("711110000", "711110000", "район Алматы"),  # of Astana
        ("750000000", "750000000", "Алматы"),  # the city itself, no district given
    ],
)
def test_a_place_is_counted_in_a_district_that_has_a_name(
    kato: str, district: str, name: str
) -> None:
    from service.reports.areas import district_of, place_name

    assert district_of(kato) == district
    assert place_name(district_of(kato), "ru") == name


@pytest.mark.parametrize("bad", ["999999999", "abc", "4", "47x", "1234567890", ""])
def test_an_unknown_area_is_refused(session: Session, bad: str) -> None:
    with pytest.raises(reports.UnknownArea):
        reports.quota_ledger(session, kato=bad, today=AS_OF)


def test_csv_has_a_header_in_the_language_and_one_line_per_row(
    session: Session, world: None
) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    english = list(csv.reader(io.StringIO(render.to_csv(ledger, "en", "rfc4180"))))
    assert english[0] == list(render.CSV_COLUMNS)
    assert len(english) == 1 + 9
    assert ",".join(english[1]) == (
        "total,,Total,,,6,13,5,3,31,6,5,4,0.3077,2,0,3,0,0,,2026-06-30,9"  # 9: V1, V2, V6
    )
    assert ",".join(english[8]) == (
        "district,473600000,Бейнеуский район,470000000,473600000,2,3,1,0,,2,1,1,0.3333,0,0,1,0,0,"
        ",2026-06-30,0"
    )
    assert ",".join(english[9][-7:-1]) == ",1,0,0,,2026-06-30"  # a stub: obligation unknown
    kazakh = _excel_rows(render.to_csv(ledger, "kk"))
    assert kazakh[0][:3] == ["деңгей", "код", "атауы"]
    assert kazakh[1][2] == "Барлығы"
    assert kazakh[8][2] == "Бейнеу ауданы"
    russian = _excel_rows(render.to_csv(ledger, "ru"))
    assert russian[0][5] == "квотных вакансий"
    assert russian[0][15] == "обязательство (рабочих мест)"


def _excel_rows(text: str) -> list[list[str]]:
    """The rows of a CSV in the default (Excel) dialect: a byte order mark, then ``;``."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_chart_is_a_png(session: Session, world: None) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    for lang in ("ru", "kk", "en"):
        png = render.chart_png(ledger, lang)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert 5_000 < len(png) < 500_000
    assert render.chart_png(reports.quota_ledger(session, kato="75", today=AS_OF)).startswith(
        b"\x89PNG"
    )


def test_cli_table_json_csv_and_chart(run, world: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = run("report", "quota", "--as-of", "2026-06-30")
    assert table.exit_code == 0, table.output
    assert "Quota ledger" in table.output
    assert "ТОО «Каспий Строй»" in table.output
    assert "hired outside quota: 2" in table.output
    assert "median days from release to hire: 36" in table.output

    as_json = run("report", "quota", "--as-of", "2026-06-30", "--json", "--kato", "47")
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.output)
    assert payload["rows"][0]["quota_slots"] == 8
    assert payload["outcomes"]["retention"][0] == {
        "months": 3,
        "judged": 3,
        "kept": 2,
        "rate": 0.6667,
    }

    as_csv = run("report", "quota", "--as-of", "2026-06-30", "--csv", "--lang", "kk")
    assert as_csv.exit_code == 0
    assert as_csv.output.splitlines()[0].startswith("\ufeffдеңгей;код;атауы")

    chart = tmp_path / "quota.png"
    drawn = run("report", "quota", "--as-of", "2026-06-30", "--chart", str(chart))
    assert drawn.exit_code == 0, drawn.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert str(chart) in drawn.output

    top = run("report", "quota", "--as-of", "2026-06-30", "--top", "1")
    assert top.exit_code == 0


def test_cli_errors_are_one_line_and_non_zero(run, world: None) -> None:  # type: ignore[no-untyped-def]
    bad = run("report", "quota", "--kato", "999999999")
    assert bad.exit_code == 2
    assert bad.output.strip().count("\n") == 0
    assert "999999999" in bad.output
    both = run("report", "quota", "--json", "--csv")
    assert both.exit_code == 2
    assert run("report", "quota", "--as-of", "2026-02-30").exit_code == 2


@pytest.fixture
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


@pytest.fixture
def bearer(session: Session, world: None) -> dict[str, str]:
    return {
        "officer": tokens.create(session, role="officer")[0],
        "mangystau": tokens.create(session, role="inspector", region_kato="470000000")[0],
        "employer": tokens.create(session, role="employer", employer_bin=E2)[0],
    }


def _get(client: TestClient, token: str, url: str, lang: str = "en") -> Any:
    return client.get(url, headers={"Authorization": f"Bearer {token}", "Accept-Language": lang})


def test_api_json_and_csv(client: TestClient, bearer: dict[str, str]) -> None:
    answer = _get(client, bearer["officer"], "/api/v1/reports/quota?as_of=2026-06-30")
    assert answer.status_code == 200
    body = answer.json()
    assert body["rows"][0]["fulfilled"] == 4
    assert body["rows"][0]["name"] == "Total"
    assert body["outcomes"]["median_days_to_hire"] == 36.0

    kazakh = _get(client, bearer["officer"], "/api/v1/reports/quota?as_of=2026-06-30&lang=kk")
    assert kazakh.json()["rows"][0]["name"] == "Барлығы"

    table = _get(
        client, bearer["officer"], "/api/v1/reports/quota?as_of=2026-06-30&format=csv&kato=11"
    )
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.splitlines()[1].startswith("total;;Total;;;2;5;")


def test_api_chart(client: TestClient, bearer: dict[str, str]) -> None:
    answer = _get(client, bearer["officer"], "/api/v1/reports/quota/chart.png?lang=kk")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG")


def test_api_region_scope_and_bad_kato(client: TestClient, bearer: dict[str, str]) -> None:
    scoped = bearer["mangystau"]
    own = _get(client, scoped, "/api/v1/reports/quota?kato=4736&as_of=2026-06-30")
    assert own.status_code == 200
    assert own.json()["rows"][0]["quota_slots"] == 3
    assert _get(client, scoped, "/api/v1/reports/quota?kato=110000000").status_code == 403
    default = _get(client, scoped, "/api/v1/reports/quota?as_of=2026-06-30")
    assert default.status_code == 200
    assert default.json()["kato"] == "470000000"
    assert default.json()["rows"][0]["quota_slots"] == 8
    assert _get(client, scoped, "/api/v1/reports/quota?kato=4").status_code == 422
    assert _get(client, scoped, "/api/v1/reports/quota?as_of=1000-01-01").status_code == 422
    assert _get(client, scoped, "/api/v1/reports/quota/chart.png?kato=11").status_code == 403
    bad = _get(client, bearer["officer"], "/api/v1/reports/quota?kato=999999999", lang="kk")
    assert bad.status_code == 404  # which codes exist is reference data, not schema
    assert "999999999" in bad.json()["error"]["message"]
    assert "ҚАТО" in bad.json()["error"]["message"]


def test_api_employer_sees_only_its_own_rows(client: TestClient, bearer: dict[str, str]) -> None:
    answer = _get(client, bearer["employer"], "/api/v1/reports/quota?as_of=2026-06-30")
    assert answer.status_code == 200
    rows = answer.json()["rows"]
    assert [(r["level"], r["key"]) for r in rows] == [("employer", E2)]
    assert rows[0]["fulfilled"] == 1
    windows = answer.json()["windows"]
    assert windows
    assert {w["employer_bin"] for w in windows} == {E2}
    assert answer.json()["outcomes"] is None
    assert _get(client, bearer["employer"], "/api/v1/reports/quota/chart.png").status_code == 403


# -- employers' obligations and the referrals ----------------------------------------------

E4, E5, E6, E7 = bin_number(104), bin_number(105), bin_number(106), bin_number(107)


def _employer(bin_: str, name: str, kato: str, **more: str) -> dict[str, str]:
    return {"employer_bin": bin_, "name": name, "kato": kato, "quota_year": "2026", **more}


EMPLOYERS = [
    # 2.5 % of 140 is 3.5 jobs: 4 (half up)
    _employer(E1, "ТОО «Каспий Строй»", AKTAU, headcount="140", quota_percent="2,5"),
    # 2 % of 20 is 0.4 of a job: 1 (a positive quota owes at least one job)
    _employer(E2, "ТОО «Бейнеу Газ»", BEINEU, headcount="20", quota_percent="2"),
    # E3 stays the stub its vacancies made
    # no quota vacancy, 3 % of 50 = 1.5: 2 jobs owed in Aktau's district
    _employer(E4, "АО «Порт Актау»", AKTAU, headcount="50", quota_percent="3"),
    # a quota percentage but no headcount: counted, obligation unknown
    _employer(E5, "ТОО «Кокше Нан»", KOKSHETAU, quota_percent="2,5"),
    # last year's quota and no quota vacancy: not a quota employer this year
    _employer(E6, "ТОО «Старая квота»", AKTAU, headcount="100", quota_percent="3",
              quota_year="2024"),
    # no quota
    _employer(E7, "ТОО «Без квоты»", AKTAU, headcount="500", quota_percent="0"),
]  # fmt: skip


def _referral(
    session: Session,
    person: int,
    vacancy: int,
    employer: str,
    history: list[tuple[str, str]],
    *,
    reason: str | None = None,
    months: int | None = None,
) -> None:
    """A referral written straight into the tables: its events (state, day), the last being
    its state now."""
    from catalogs.referrals.lifecycle import place

    state, state_on = history[-1]
    row = Referral(
        person_id=f"P{person:05d}",
        item_kind="vacancy",
        item_id=f"V{vacancy:05d}",
        employer_bin=employer,
        region_kato="470000000",
        state=state,
        place=place("vacancy", state),
        sent_on=date.fromisoformat(history[0][1]),
        state_on=date.fromisoformat(state_on),
        reason=reason,
        contract_months=months,
        created_by="test",
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    before = None
    for to_state, day in history:
        session.add(
            ReferralEvent(
                referral_id=row.id,
                from_state=before,
                to_state=to_state,
                on=date.fromisoformat(day),
                actor="test",
            )
        )
        before = to_state
    session.flush()


@pytest.fixture
def quota_world(session: Session, runtime: Runtime, world: None) -> None:
    report = import_records(session, "employers", EMPLOYERS, protector=runtime.protector)
    assert report.ok, [e.as_dict("en") for e in report.errors]
    # P3 referred to V2 (E1), only viewed: holds a place, no answer yet
    _referral(session, 3, 2, E1, [("sent", "2026-06-10"), ("viewed", "2026-06-12")])
    # P5 hired on V1 (E1) with a 12-month contract: first answer (interview) after 7 days
    _referral(
        session, 5, 1, E1,
        [("sent", "2026-05-04"), ("viewed", "2026-05-05"), ("interview", "2026-05-11"),
         ("hired", "2026-05-20")],
        months=12,
    )  # fmt: skip
    # P1's hire on V1, also in the outcome events: one pair, counted once; answered in 15 days
    _referral(
        session, 1, 1, E1,
        [("sent", "2026-01-05"), ("hired", "2026-01-20"), ("retained_3m", "2026-04-25")],
        months=12,
    )  # fmt: skip
    # P4's referral to V5 (E2) expired: the employer never answered
    _referral(
        session, 4, 5, E2, [("sent", "2025-12-01"), ("expired", "2025-12-15")], reason="no_answer"
    )
    # P1 declined by E3 on V6 after 3 days
    _referral(
        session, 1, 6, E3, [("sent", "2026-06-20"), ("declined", "2026-06-23")], reason="other"
    )
    # P2 invited by E3 after the report's day: holds a place, no answer yet on 30 June
    _referral(session, 2, 6, E3, [("sent", "2026-06-25"), ("interview", "2026-07-02")])
    # made after the report's day: not counted at all
    _referral(session, 5, 8, E3, [("sent", "2026-07-05")])


OWED = (
    "obligation", "incomplete", "referrals_open", "expired_no_answer", "median_days_to_answer",
    "referred", "hired", "fulfilled", "quota_slots",
)  # fmt: skip


def owed(row: reports.LedgerRow) -> tuple[object, ...]:
    return tuple(row.as_dict("en")[name] for name in OWED)


def test_obligations_and_referrals_match_the_hand_count(
    session: Session, quota_world: None
) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    assert [(row.level, row.key) for row in ledger.rows] == [
        ("total", ""),
        ("region", "110000000"),
        ("district", "111000000"),
        ("employer", E3),
        ("employer", E5),
        ("region", "470000000"),
        ("district", "471000000"),
        ("employer", E1),
        ("employer", E4),
        ("district", "473600000"),
        ("employer", E2),
    ]
    by = {(row.level, row.key): row for row in ledger.rows}
    # obligation, incomplete, open, expired unanswered, median days to answer,
    # referred persons, hired pairs, fulfilled pairs, slots
    assert owed(by["employer", E1]) == (4, 0, 1, 0, 11.0, 5, 3, 2, 5)
    assert owed(by["employer", E4]) == (2, 0, 0, 0, None, 0, 0, 0, 0)
    assert owed(by["employer", E2]) == (1, 0, 0, 1, None, 2, 1, 1, 3)
    assert owed(by["employer", E3]) == (None, 1, 1, 0, 3.0, 4, 2, 2, 5)
    assert owed(by["employer", E5]) == (None, 1, 0, 0, None, 0, 0, 0, 0)
    assert owed(by["district", "471000000"]) == (6, 0, 1, 0, 11.0, 5, 3, 2, 5)
    assert owed(by["district", "473600000"]) == (1, 0, 0, 1, None, 2, 1, 1, 3)
    assert owed(by["district", "111000000"]) == (0, 2, 1, 0, 3.0, 4, 2, 2, 5)
    assert owed(by["region", "470000000"]) == (7, 0, 1, 1, 11.0, 6, 4, 3, 8)
    assert owed(by["region", "110000000"]) == (0, 2, 1, 0, 3.0, 4, 2, 2, 5)
    assert owed(by["total", ""]) == (7, 2, 2, 1, 7.0, 6, 6, 5, 13)
    assert by["employer", E4].employer_name == "АО «Порт Актау»"
    assert by["total", ""].fulfilment_rate == round(5 / 13, 4)
    assert [(e.employer_bin, e.district_kato, e.reason) for e in ledger.incomplete] == [
        (E3, "111000000", "stub"),
        (E5, "111000000", "no_headcount"),
    ]
    # the outcome indicators still read the outcome events only
    assert (ledger.outcomes.released, ledger.outcomes.hired) == (5, 5)

    mangystau = reports.quota_ledger(session, kato="47", today=AS_OF)
    assert owed(mangystau.total) == (7, 0, 1, 1, 11.0, 6, 4, 3, 8)
    assert mangystau.incomplete == []
    before = reports.quota_ledger(session, kato="47", today=date(2026, 5, 31))
    # on 31 May: P3's referral not made yet, P5's hire made, P1's answered
    assert owed(before.total)[2:5] == (0, 1, 11.0)


def test_an_employer_known_only_from_vacancies_is_incomplete(session: Session) -> None:
    from service.store.workflow import Employer

    rows = [_vacancy(1, E1, "ТОО «Каспий Строй»", AKTAU, 2, "2026-03-01")]
    session.execute(sa.delete(Employer))
    report = import_records(session, "vacancies", rows, protector=Protector(b"k" * 32))
    assert report.ok
    session.execute(sa.delete(Employer))  # a database from before employers were recorded
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    assert [(e.employer_bin, e.reason) for e in ledger.incomplete] == [(E1, "no_record")]
    assert ledger.total.incomplete == 1
    assert ledger.level("employer")[0].obligation is None


def test_renderings_show_obligations(session: Session, quota_world: None) -> None:
    ledger = reports.quota_ledger(session, kato=None, today=AS_OF)
    english = list(csv.reader(io.StringIO(render.to_csv(ledger, "en", "rfc4180"))))
    assert english[0][-7:-2] == [
        "obligation", "incomplete", "referrals_open", "expired_no_answer", "median_days_to_answer"
    ]  # fmt: skip
    assert english[1][-7:-2] == ["7", "2", "2", "1", "7.0"]
    lines = render.table_lines(ledger, "en")
    assert lines[3] == (
        "  owed 7 (+ 2 employers without full figures) · referrals open 2 · expired "
        "unanswered 1 · median days to answer 7"
    )
    assert any("Employers whose obligation is unknown: 2" in line for line in lines)
    assert any(E5 in line and "no list headcount" in line for line in lines)
    kazakh = "\n".join(render.table_lines(ledger, "kk"))
    assert "міндеттеме 7" in kazakh
    payload = ledger.as_dict("ru")
    assert payload["rows"][0]["obligation"] == 7
    assert payload["incomplete"][0]["reason"] == "stub"
    assert render.chart_png(ledger, "kk").startswith(b"\x89PNG")


def test_api_shows_obligations_and_an_employer_its_own(
    client: TestClient, bearer: dict[str, str], quota_world: None
) -> None:
    body = _get(client, bearer["officer"], "/api/v1/reports/quota?as_of=2026-06-30").json()
    assert body["rows"][0]["obligation"] == 7
    assert body["rows"][0]["median_days_to_answer"] == 7.0
    assert [e["employer_bin"] for e in body["incomplete"]] == [E3, E5]
    own = _get(client, bearer["employer"], "/api/v1/reports/quota?as_of=2026-06-30").json()
    assert [(r["key"], r["obligation"], r["expired_no_answer"]) for r in own["rows"]] == [
        (E2, 1, 1)
    ]
    assert own["incomplete"] == []


def test_a_figure_is_written_with_the_languages_decimal_mark() -> None:
    from service.reports.chart import number_label

    assert number_label(302.5, "ru") == "302,5"
    assert number_label(302.5, "kk") == "302,5"
    assert number_label(302.5, "en") == "302.5"
    assert number_label(28.0, "ru") == "28"
    assert number_label(None, "kk") == "—"
