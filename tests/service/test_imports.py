from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from catalogs.loader import FileFormatError
from service.store.imports import import_file
from service.store.protect import Protector
from service.store.tables import Course, OutcomeEvent, Person, Shelter, Vacancy
from service.store.workflow import Employer
from tests.conftest import TEST_SECRET
from tests.factories import AKTAU, KOKSHETAU, bin_number, csv_bytes, person, vacancy

PROTECTOR = Protector(TEST_SECRET.encode())
TODAY = date(2026, 11, 25)


def run_import(session: Session, kind: str, data: bytes, fmt: str = "csv"):  # type: ignore[no-untyped-def]
    return import_file(session, kind, io.BytesIO(data), fmt=fmt, protector=PROTECTOR, today=TODAY)  # type: ignore[arg-type]


def count(session: Session, table: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def test_vacancies_import_with_derived_location(session: Session) -> None:
    report = run_import(
        session,
        "vacancies",
        csv_bytes(
            [vacancy(1), vacancy(2, kato="", region="Маңғыстау облысы", locality="г. Актау")]
        ),
    )
    assert report.ok, report.errors
    assert (report.rows, report.inserted, report.updated) == (2, 2, 0)
    first, second = session.scalars(sa.select(Vacancy).order_by(Vacancy.vacancy_id)).all()
    assert first.kato == AKTAU
    assert first.region_kato == "470000000"
    assert 43 < first.lat < 44.5
    assert 50.5 < first.lon < 52
    assert second.kato.startswith("47")
    assert second.lat == pytest.approx(first.lat, abs=0.2)
    assert first.skills == ["сварка", "чтение чертежей"]
    assert first.quota_from == date(2026, 9, 1)
    assert first.quota_slots == 2


def test_reimport_updates_the_same_id(session: Session) -> None:
    run_import(session, "vacancies", csv_bytes([vacancy(1)]))
    report = run_import(
        session, "vacancies", csv_bytes([vacancy(1, salary_kzt="500000"), vacancy(2)])
    )
    assert (report.inserted, report.updated) == (1, 1)
    session.expire_all()
    assert session.get(Vacancy, "V00001").salary_kzt == 500_000  # type: ignore[union-attr]
    assert count(session, Vacancy) == 2


def test_one_bad_row_imports_nothing_and_names_line_and_column(session: Session) -> None:
    run_import(session, "vacancies", csv_bytes([vacancy(9999)]))
    rows = [vacancy(n) for n in range(1, 1001)]
    rows.insert(700, vacancy(5000, salary_kzt="много"))
    report = run_import(session, "vacancies", csv_bytes(rows))
    assert not report.ok
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (702, "salary_kzt", "expected_integer")
    ]
    assert report.rows == 1001
    assert count(session, Vacancy) == 1


def test_many_kinds_of_bad_rows_are_all_listed(session: Session) -> None:
    rows = [
        vacancy(1, employer_bin="123456789012"),
        vacancy(2, kato="999999999"),
        vacancy(3, is_quota="true", quota_slots="0"),
        vacancy(1),
        vacancy(4, education_min="phd"),
        vacancy(5, title=""),
    ]
    report = run_import(session, "vacancies", csv_bytes(rows))
    found = {(e.line, e.column, e.code) for e in report.errors}
    assert found == {
        (2, "employer_bin", "bad_checksum"),
        (3, "kato", "unknown_kato"),
        (4, "quota_slots", "quota_needs_slots"),
        (6, "education_min", "not_one_of"),
        (7, "title", "required"),
    }, found  # line 5 repeats V00001 of line 2, which was itself bad: no duplicate reported
    assert count(session, Vacancy) == 0


def test_duplicate_ids_in_one_file(session: Session) -> None:
    report = run_import(session, "vacancies", csv_bytes([vacancy(1), vacancy(2), vacancy(1)]))
    assert [(e.line, e.column, e.code, e.params["first"]) for e in report.errors] == [
        (4, "vacancy_id", "duplicate_id", 2)
    ]


def test_unknown_column_rejects_the_file(session: Session) -> None:
    report = run_import(session, "vacancies", csv_bytes([vacancy(1, colour="red")]))
    assert [(e.line, e.column, e.code) for e in report.errors] == [(1, "colour", "unknown_column")]
    assert count(session, Vacancy) == 0


def test_missing_required_column_is_reported_once(session: Session) -> None:
    rows = [{k: v for k, v in vacancy(n).items() if k != "employer_bin"} for n in range(3)]
    report = run_import(session, "vacancies", csv_bytes(rows))
    assert [(e.line, e.code) for e in report.errors] == [(1, "missing_column")]


def test_unknown_place_name(session: Session) -> None:
    report = run_import(
        session, "vacancies", csv_bytes([vacancy(1, kato="", locality="Атлантида")])
    )
    assert [(e.column, e.code) for e in report.errors] == [("locality", "unknown_place")]


def test_json_import(session: Session) -> None:
    rows = [
        {
            **vacancy(1),
            "skills": ["сварка"],
            "is_quota": True,
            "quota_slots": 3,
            "salary_kzt": 400000,
        },
        {**vacancy(2), "is_quota": False, "quota_slots": None, "quota_from": None},
    ]
    report = run_import(session, "vacancies", json.dumps(rows, ensure_ascii=False).encode(), "json")
    assert report.ok, report.errors
    assert session.get(Vacancy, "V00002").is_quota is False  # type: ignore[union-attr]


def test_unreadable_file_rolls_back(session: Session) -> None:
    with pytest.raises(FileFormatError):
        run_import(session, "vacancies", b'[{"vacancy_id": ', "json")
    assert count(session, Vacancy) == 0


def test_persons_sensitive_fields_are_protected_at_rest(session: Session) -> None:
    row = person(1)
    report = run_import(session, "persons", csv_bytes([row]))
    assert report.ok, report.errors
    raw = session.execute(sa.text("SELECT * FROM persons")).mappings().one()
    dumped = json.dumps({k: str(v) for k, v in raw.items()}, ensure_ascii=False)
    assert row["iin"] not in dumped
    assert "Тестов" not in dumped
    assert "property" not in dumped
    stored = session.get(Person, "P00001")
    assert stored is not None
    assert stored.iin_hash == PROTECTOR.lookup_hash(row["iin"])
    assert PROTECTOR.decrypt(stored.iin_cipher) == row["iin"]
    assert PROTECTOR.decrypt(stored.offence_cipher) == "property"
    assert stored.probation_kind == "penitentiary"  # derived from the status


def test_persons_rules(session: Session) -> None:
    rows = [
        person(
            1,
            iin=person(1)["iin"][:-1] + "0"
            if person(1)["iin"][-1] != "0"
            else person(1)["iin"][:-1] + "1",
        ),
        person(2, birth_year="1985"),
        person(3, status="released", release_date="2027-01-01"),
        person(4, status="in_custody", release_date="2026-01-01"),
        person(5, status="probation", probation_kind="penitentiary", release_date=""),
        person(6, kato="", region="", locality=""),
    ]
    report = run_import(session, "persons", csv_bytes(rows))
    found = {(e.line, e.column, e.code) for e in report.errors}
    assert found == {
        (2, "iin", "bad_checksum"),
        (3, "iin", "iin_birth_year_mismatch"),
        (4, "release_date", "release_date_in_future"),
        (6, "probation_kind", "kind_does_not_fit_status"),
        (7, "kato", "location_required"),
    }, found


def test_a_release_date_passed_in_custody_is_a_release(session: Session) -> None:
    report = run_import(
        session, "persons", csv_bytes([person(1, status="in_custody", release_date="2026-01-01")])
    )
    assert report.ok, report.as_dict()
    stored = session.get(Person, "P00001")
    assert stored is not None
    assert (stored.status, stored.probation_kind) == ("released", "post_penitentiary")


def test_one_iin_one_person(session: Session) -> None:
    run_import(session, "persons", csv_bytes([person(1)]))
    same_iin = person(2, iin=person(1)["iin"])
    report = run_import(session, "persons", csv_bytes([same_iin]))
    assert [(e.column, e.code) for e in report.errors] == [("iin", "iin_taken")]
    report = run_import(session, "persons", csv_bytes([person(3), person(4, iin=person(3)["iin"])]))
    assert [(e.line, e.code) for e in report.errors] == [(3, "duplicate_iin")]


def test_courses_and_shelters(session: Session) -> None:
    courses = [
        {
            "course_id": "C1",
            "programme": "enbek",
            "title": "Электрогазосварщик",
            "format": "offline",
            "kato": AKTAU,
            "seats": "20",
            "occupation_codes": "7212",
            "languages": "kk;ru",
        },
        {
            "course_id": "C2",
            "programme": "mooc",
            "title": "Основы 1С",
            "format": "online",
            "kato": "",
            "seats": "",
            "occupation_codes": "",
            "languages": "ru",
        },
        {
            "course_id": "C3",
            "programme": "atameken",
            "title": "Бастау Бизнес",
            "format": "offline",
            "kato": "",
            "seats": "",
            "occupation_codes": "",
            "languages": "kk",
        },
    ]
    report = run_import(session, "courses", csv_bytes(courses))
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (4, "kato", "offline_needs_location")
    ]
    report = run_import(session, "courses", csv_bytes(courses[:2]))
    assert report.ok
    assert session.get(Course, "C2").seats is None  # type: ignore[union-attr]
    shelters = [
        {
            "shelter_id": "S1",
            "name": "Центр адаптации",
            "kato": KOKSHETAU,
            "capacity": "30",
            "occupied": "12",
            "max_stay_days": "180",
            "services": "meals;psychologist",
        },
        {
            "shelter_id": "S2",
            "name": "Центр",
            "kato": KOKSHETAU,
            "capacity": "10",
            "occupied": "12",
            "max_stay_days": "365",
            "services": "spa",
        },
    ]
    report = run_import(session, "shelters", csv_bytes(shelters))
    assert {(e.line, e.column, e.code) for e in report.errors} == {
        (3, "max_stay_days", "above_maximum"),
        (3, "services", "bad_list_item"),
    }
    assert run_import(session, "shelters", csv_bytes(shelters[:1])).ok
    assert session.get(Shelter, "S1").occupied == 12  # type: ignore[union-attr]


def test_outcomes_need_known_person_and_item_and_are_idempotent(session: Session) -> None:
    run_import(session, "vacancies", csv_bytes([vacancy(1)]))
    run_import(session, "persons", csv_bytes([person(1)]))
    header = "person_id,item_kind,item_id,event,date,reason,contract_months\n"
    good = "P00001,vacancy,V00001,referred,2026-10-01,,\n"
    report = run_import(
        session,
        "outcomes",
        (header + good + good + "P00009,vacancy,V00009,hired,2026-10-05,,\n").encode(),
    )
    assert {(e.line, e.column, e.code) for e in report.errors} == {
        (4, "person_id", "unknown_person"),
        (4, "item_id", "unknown_item"),
    }
    assert count(session, OutcomeEvent) == 0
    twice = run_import(session, "outcomes", (header + good + good).encode())
    assert twice.ok
    assert (twice.rows, twice.inserted, twice.updated) == (2, 1, 0)
    assert run_import(session, "outcomes", (header + good).encode()).ok
    assert count(session, OutcomeEvent) == 1


def test_ambiguous_village_name_needs_a_region(session: Session) -> None:
    report = run_import(
        session,
        "vacancies",
        csv_bytes([vacancy(1, kato="", region="Акмолинская область", locality="с.Жамбыл")]),
    )
    assert [(e.column, e.code) for e in report.errors] == [("locality", "ambiguous_place")]
    assert "2" in report.errors[0].message("ru")


def test_json_errors_found_against_the_database_name_the_record(session: Session) -> None:
    rows = [
        {
            "person_id": "P404",
            "item_kind": "vacancy",
            "item_id": "V404",
            "event": "referred",
            "date": "2026-10-01",
        }
    ]
    report = run_import(session, "outcomes", json.dumps(rows).encode(), "json")
    assert {(e.unit, e.line, e.column) for e in report.errors} == {
        ("record", 1, "person_id"),
        ("record", 1, "item_id"),
    }
    assert report.errors[0].message("en").startswith("record 1, column")


def test_long_imports_report_progress(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.store.imports

    monkeypatch.setattr(service.store.imports, "PROGRESS_EVERY", 4)
    seen: list[int] = []
    data = csv_bytes([vacancy(n) for n in range(1, 11)])
    report = import_file(
        session,
        "vacancies",
        io.BytesIO(data),
        fmt="csv",
        protector=PROTECTOR,
        today=TODAY,
        progress=lambda so_far: seen.append(so_far.rows),
    )
    assert report.ok
    assert seen == [4, 8]


def employer(serial: int, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "employer_bin": bin_number(serial),
        "name": "ТОО «Каспий Строй»",
        "oked": "41201",
        "kato": AKTAU,
        "headcount": "140",
        "quota_percent": "2,5",
        "quota_year": "2026",
        "phone": "+7 729 250 10 10",
        "email": "hr@kaspiy-stroy.kz",
        "lang": "kk",
    }
    row.update(overrides)
    return row


def test_employers_import(session: Session) -> None:
    rows = [
        employer(1),
        employer(2, kato="", region="Акмолинская область", locality="г. Кокшетау", lang=""),
        employer(3, kato="", headcount="", quota_percent="", email="", phone=""),
    ]
    report = run_import(session, "employers", csv_bytes(rows))
    assert report.ok, report.errors
    assert (report.rows, report.inserted, report.updated) == (3, 3, 0)
    first = session.get(Employer, bin_number(1))
    assert first is not None
    assert (first.name, first.oked, first.kato, first.region_kato) == (
        "ТОО «Каспий Строй»", "41201", AKTAU, "470000000"
    )  # fmt: skip
    assert (first.headcount, first.quota_percent, first.quota_year) == (140, 2.5, 2026)
    assert (first.lang, first.is_stub, first.email) == ("kk", False, "hr@kaspiy-stroy.kz")
    second = session.get(Employer, bin_number(2))
    assert second is not None
    assert second.region_kato == "110000000"
    assert second.lang == "ru"
    third = session.get(Employer, bin_number(3))
    assert third is not None
    assert (third.kato, third.region_kato, third.headcount, third.quota_percent) == (
        None, None, None, None
    )  # fmt: skip


def test_bad_employer_rows_import_nothing(session: Session) -> None:
    good = bin_number(1)
    bad_bin = good[:11] + str((int(good[11]) + 1) % 10)
    rows = [
        employer(1),
        employer(2, employer_bin=bad_bin),
        employer(3, email="hr@kaspiy"),
        employer(4, quota_percent="100,5"),
        employer(5, headcount="-1", quota_year="1999", lang="en"),
        employer(6, email="hr kaspiy@mail.kz"),
    ]
    report = run_import(session, "employers", csv_bytes(rows))
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (3, "employer_bin", "bad_checksum"),
        (4, "email", "bad_email"),
        (5, "quota_percent", "above_maximum"),
        (6, "headcount", "below_minimum"),
        (6, "quota_year", "below_minimum"),
        (6, "lang", "not_one_of"),
        (7, "email", "bad_email"),
    ]
    assert count(session, Employer) == 0
    assert "e-mail" in report.errors[1].message("en")
    assert "BIN" in report.errors[0].message("en")


def test_vacancies_create_stubs_that_an_employers_import_completes(session: Session) -> None:
    known, unknown, nameless = bin_number(11), bin_number(12), bin_number(13)
    assert run_import(session, "employers", csv_bytes([employer(11)])).ok
    rows = [
        vacancy(1, employer_bin=known, employer_name="другое имя"),
        vacancy(2, employer_bin=unknown, employer_name="ИП «Кокше»", kato=KOKSHETAU,
                employer_oked="01111"),
        vacancy(3, employer_bin=unknown, employer_name="ИП «Кокше» (второе)", kato=AKTAU),
        vacancy(4, employer_bin=nameless, employer_name=""),
    ]  # fmt: skip
    report = run_import(session, "vacancies", csv_bytes(rows))
    assert report.ok, report.errors
    assert (report.inserted, report.stubs) == (4, 2)
    record = session.get(Employer, known)
    assert record is not None
    assert not record.is_stub
    assert record.name == "ТОО «Каспий Строй»"
    stub = session.get(Employer, unknown)
    assert stub is not None
    assert stub.is_stub
    assert (stub.name, stub.oked, stub.kato, stub.region_kato) == (
        "ИП «Кокше»", "01111", KOKSHETAU, "110000000"
    )  # fmt: skip
    assert stub.headcount is None
    assert stub.quota_percent is None
    assert session.get(Employer, nameless).name == nameless  # type: ignore[union-attr]
    again = run_import(session, "vacancies", csv_bytes(rows))
    assert again.ok
    assert again.stubs == 0
    assert count(session, Employer) == 3

    completed = run_import(session, "employers", csv_bytes([employer(12, name="ИП «Кокше»")]))
    assert (completed.inserted, completed.updated) == (0, 1)
    session.expire_all()
    full = session.get(Employer, unknown)
    assert full is not None
    assert not full.is_stub
    assert (full.headcount, full.kato) == (140, AKTAU)


def test_a_rejected_vacancies_import_makes_no_stub(session: Session) -> None:
    rows = [vacancy(1, employer_bin=bin_number(21)), vacancy(2, salary_kzt="много")]
    assert not run_import(session, "vacancies", csv_bytes(rows)).ok
    assert count(session, Employer) == 0


def test_an_import_confirms_capacity_on_its_day(session: Session) -> None:
    assert run_import(session, "vacancies", csv_bytes([vacancy(1)])).ok
    shelter = {"shelter_id": "S1", "name": "Центр", "kato": KOKSHETAU, "capacity": "30"}
    assert run_import(session, "shelters", csv_bytes([shelter])).ok
    assert session.get(Vacancy, "V00001").capacity_confirmed_on == TODAY  # type: ignore[union-attr]
    assert session.get(Shelter, "S1").capacity_confirmed_on == TODAY  # type: ignore[union-attr]
    later = date(2026, 12, 1)
    import_file(
        session, "vacancies", io.BytesIO(csv_bytes([vacancy(1)])), fmt="csv",
        protector=PROTECTOR, today=later,
    )  # fmt: skip
    session.expire_all()
    assert session.get(Vacancy, "V00001").capacity_confirmed_on == later  # type: ignore[union-attr]
