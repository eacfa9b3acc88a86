"""Outcome events checked against their pair's history: in a file (any order), against the
database, by the CLI, import_records and the API; nothing written when one fails."""

from __future__ import annotations

import io
import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from service.store.imports import import_file, import_records
from service.store.impressions import record_impressions
from service.store.protect import Protector
from service.store.tables import Impression, OutcomeEvent
from tests.conftest import TEST_SECRET
from tests.factories import KOKSHETAU, csv_bytes, person, vacancy

PROTECTOR = Protector(TEST_SECRET.encode())
TODAY = date(2026, 11, 25)
HEADER = "person_id,item_kind,item_id,event,date,reason,contract_months\n"


def load(session: Session, text: str, fmt: str = "csv"):  # type: ignore[no-untyped-def]
    data = text.encode() if fmt == "csv" else json.dumps(text).encode()
    return import_file(
        session, "outcomes", io.BytesIO(data), fmt=fmt, protector=PROTECTOR, today=TODAY
    )  # type: ignore[arg-type]


def count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent)) or 0


def setup(session: Session) -> None:
    for kind, rows in (
        ("vacancies", [vacancy(1), vacancy(2)]),
        ("persons", [person(1), person(2)]),
        (
            "courses",
            [{"course_id": "C1", "programme": "mooc", "title": "Сварка", "format": "online"}],
        ),
        ("shelters", [{"shelter_id": "S1", "name": "Центр", "kato": KOKSHETAU, "capacity": 20}]),
    ):
        report = import_file(
            session, kind, io.BytesIO(csv_bytes(rows)), fmt="csv", protector=PROTECTOR, today=TODAY
        )
        assert report.ok, report.errors


def errors(report) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    return [(e.line, e.column, e.code) for e in report.errors]


def test_a_hire_later_in_the_file_than_its_retention_is_accepted(session: Session) -> None:
    setup(session)
    report = load(
        session,
        HEADER
        + "P00001,vacancy,V00001,retained_3m,2026-05-01,,\n"
        + "P00001,vacancy,V00001,quit,2026-06-01,salary,\n"
        + "P00001,vacancy,V00001,hired,2026-01-15,,\n"
        + "P00001,course,C1,completed,2026-03-01,,\n"
        + "P00001,course,C1,enrolled,2026-01-01,,\n"
        + "P00001,shelter,S1,left,2026-02-01,housing_found,\n"
        + "P00001,shelter,S1,admitted,2026-01-01,,\n",
    )
    assert report.ok, report.errors
    assert count(session) == 7


def test_each_rule_names_the_line_and_nothing_is_written(session: Session) -> None:
    setup(session)
    report = load(
        session,
        HEADER
        + "P00001,vacancy,V00001,hired,2026-01-15,,\n"
        + "P00001,vacancy,V00001,retained_3m,2026-03-01,,\n"  # too soon
        + "P00001,vacancy,V00002,retained_3m,2026-05-01,,\n"  # no hire of V00002
        + "P00002,vacancy,V00001,quit,2026-05-01,other,\n"  # P00002 was never hired
        + "P00002,course,C1,dropped,2026-03-01,schedule,\n"
        + "P00002,course,C1,completed,2026-03-01,,\n"
        + "P00002,shelter,S1,left,2026-03-01,,\n"
        + "P00002,shelter,S1,admitted,2026-03-02,,\n",  # a day after leaving
    )
    assert errors(report) == [
        (3, "event", "retained_too_soon"),
        (4, "event", "retained_without_hire"),
        (5, "event", "quit_without_hire"),
        (6, "event", "dropped_without_enrolment"),
        (7, "event", "completed_without_enrolment"),
        (8, "event", "left_without_admission"),
    ]
    assert count(session) == 0
    message = report.errors[0].message("ru")
    assert all(part in message for part in ("01.03.2026", "15.01.2026", "45"))
    assert report.errors[0].message("en").startswith("line 3, column event:")
    assert "01.03.2026" in report.errors[0].message("kk")


def test_against_the_events_already_recorded(session: Session) -> None:
    setup(session)
    assert load(session, HEADER + "P00001,vacancy,V00001,hired,2026-01-15,,6\n").ok
    assert load(session, HEADER + "P00001,vacancy,V00001,retained_3m,2026-02-20,,\n").ok
    before = count(session)
    # a quit between the recorded hire and retention contradicts the retention
    report = load(session, HEADER + "P00001,vacancy,V00001,quit,2026-02-01,conflict,\n")
    assert errors(report) == [(2, "event", "retained_after_quit")]
    assert count(session) == before
    # a re-hire after the quit makes it consistent
    rehired = "P00001,vacancy,V00001,hired,2026-02-10,,3\n"
    assert load(session, HEADER + "P00001,vacancy,V00001,quit,2026-02-01,conflict,\n" + rehired).ok
    assert count(session) == before + 2


def test_json_records_are_named(session: Session) -> None:
    setup(session)
    rows = [
        {
            "person_id": "P00001",
            "item_kind": "vacancy",
            "item_id": "V00001",
            "event": "referred",
            "date": "2026-01-01",
        },
        {
            "person_id": "P00001",
            "item_kind": "vacancy",
            "item_id": "V00001",
            "event": "quit",
            "date": "2026-01-05",
        },
    ]
    report = load(session, rows, "json")  # type: ignore[arg-type]
    assert [(e.unit, e.line, e.column, e.code) for e in report.errors] == [
        ("record", 2, "event", "quit_without_hire")
    ]
    assert report.errors[0].as_dict("en")["record"] == 2
    assert count(session) == 0


def test_import_records_all_or_nothing_and_its_source(session: Session) -> None:
    setup(session)
    hire = {
        "person_id": "P00001",
        "item_kind": "vacancy",
        "item_id": "V00001",
        "event": "hired",
        "date": date(2026, 1, 1),
    }
    retained = {**hire, "event": "retained_3m", "date": date(2026, 2, 1)}
    report = import_records(
        session, "outcomes", [hire, retained], protector=PROTECTOR, today=TODAY, source="api"
    )
    assert errors(report) == [(2, "event", "retained_too_soon")]
    assert count(session) == 0
    report = import_records(
        session,
        "outcomes",
        [hire, {**retained, "contract_months": 3}],
        protector=PROTECTOR,
        today=TODAY,
        source="api",
    )
    assert report.ok
    assert set(session.scalars(sa.select(OutcomeEvent.source))) == {"api"}


def test_bad_reason_codes_are_row_errors(session: Session) -> None:
    setup(session)
    report = load(
        session,
        HEADER
        + "P00001,vacancy,V00001,rejected,2026-01-01,record_refused,\n"
        + "P00001,vacancy,V00002,rejected,2026-01-01,рассердился,\n"
        + "P00001,vacancy,V00002,referred,2026-01-01,other,\n",
    )
    assert errors(report) == [
        (3, "reason", "unknown_reason"),
        (4, "reason", "reason_not_for_event"),
    ]
    assert "no_answer" in report.errors[0].message("en")
    assert count(session) == 0


def test_referrals_take_rank_and_score_from_the_list_shown(session: Session) -> None:
    from matcher.engine import Recommendation

    setup(session)
    shown = [
        Recommendation("V00002", "vacancy", 0.9, ()),
        Recommendation("V00001", "vacancy", 0.7, ()),
    ]
    record_impressions(
        session,
        subject="P00001",
        kind="vacancy",
        recommendations=shown,
        model_version="m-old",
        today=date(2026, 1, 1),
        list_kind="person",
    )
    record_impressions(
        session,
        subject="P00001",
        kind="vacancy",
        recommendations=shown[::-1],
        model_version="m-new",
        today=date(2026, 1, 3),
        list_kind="person",
    )
    # shown the same day again at a worse rank: the best rank is kept
    record_impressions(
        session,
        subject="P00001",
        kind="vacancy",
        recommendations=shown,
        model_version="m-new",
        today=date(2026, 1, 3),
        list_kind="person",
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(Impression)) == 4
    report = load(
        session,
        HEADER
        + "P00001,vacancy,V00001,referred,2026-01-02,,\n"  # the list of 1 January
        + "P00001,vacancy,V00001,referred,2026-01-05,,\n"  # the list of 3 January
        + "P00002,vacancy,V00001,referred,2026-01-05,,\n",  # never shown
    )
    assert report.ok, report.errors
    got = session.execute(
        sa.select(
            OutcomeEvent.person_id,
            OutcomeEvent.date,
            OutcomeEvent.rank,
            OutcomeEvent.score,
            OutcomeEvent.model_version,
        ).order_by(OutcomeEvent.person_id, OutcomeEvent.date)
    ).all()
    assert [tuple(r) for r in got] == [
        ("P00001", date(2026, 1, 2), 2, 0.7, "m-old"),
        ("P00001", date(2026, 1, 5), 1, 0.7, "m-new"),
        ("P00002", date(2026, 1, 5), None, None, None),
    ]
