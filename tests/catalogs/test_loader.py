from __future__ import annotations

import io
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogs.kinds import schema_for
from catalogs.loader import FileFormatError, Invalid, Valid, detect_format, load

TODAY = date(2026, 11, 25)
OUTCOMES = schema_for("outcomes", today=TODAY)
HEADER = "person_id,item_kind,item_id,event,date,reason,contract_months\n"


def results(text: str, fmt: str = "csv") -> list[Valid | Invalid]:
    return list(load(OUTCOMES, io.BytesIO(text.encode()), fmt=fmt))  # type: ignore[arg-type]


def errors(text: str, fmt: str = "csv") -> list[tuple[int, str | None, str]]:
    return [
        (e.line, e.column, e.code)
        for r in results(text, fmt)
        if isinstance(r, Invalid)
        for e in r.errors
    ]


def test_good_rows_are_typed() -> None:
    (row,) = results(HEADER + "P1,vacancy,V1,hired,2026-10-01,,6\n")
    assert isinstance(row, Valid)
    assert row.line == 2
    assert row.record["date"] == date(2026, 10, 1)
    assert row.record["contract_months"] == 6
    assert row.record["reason"] is None


def test_line_numbers_count_the_header_and_multiline_cells() -> None:
    text = HEADER + 'P1,vacancy,V1,rejected,2026-10-01,"\nother",\nP2,vacancy,V1,hired,tomorrow,,\n'
    assert errors(text) == [(4, "date", "expected_date")]


def test_every_bad_cell_is_reported() -> None:
    text = HEADER + "P1,shop,V1,fired,2026-13-01,,x\n"
    assert sorted(errors(text)) == [
        (2, "contract_months", "expected_integer"),
        (2, "date", "bad_date"),
        (2, "event", "not_one_of"),
        (2, "item_kind", "not_one_of"),
    ]


def test_cross_column_rules() -> None:
    text = HEADER + "P1,course,C1,hired,2026-10-01,,\nP1,vacancy,V1,hired,2027-01-01,,\n"
    assert errors(text) == [(2, "event", "event_not_for_kind"), (3, "date", "date_in_future")]


def test_unknown_and_missing_columns_are_errors_of_line_1() -> None:
    text = "person_id,item_kind,item_id,event,salary\nP1,vacancy,V1,hired,1\n"
    assert errors(text) == [(1, "salary", "unknown_column"), (1, "date", "missing_column")]


def test_wrong_cell_count_and_blank_lines() -> None:
    text = HEADER + "\nP1,vacancy,V1\n"
    assert errors(text) == [(3, None, "wrong_cell_count")]


def test_semicolon_separated_files_get_a_clear_error() -> None:
    with pytest.raises(FileFormatError) as caught:
        results("person_id;item_kind;item_id;event;date\nP1;vacancy;V1;hired;2026-10-01\n")
    assert caught.value.error.code == "semicolon_separated"


def test_non_utf8_is_a_file_error() -> None:
    data = (HEADER + "P1,vacancy,V1,hired,2026-10-01,Отказ,\n").encode("cp1251")
    with pytest.raises(FileFormatError) as caught:
        list(load(OUTCOMES, io.BytesIO(data), fmt="csv"))
    assert caught.value.error.code == "not_utf8"


def test_bom_is_ignored() -> None:
    data = ("\ufeff" + HEADER + "P1,vacancy,V1,hired,2026-10-01,,\n").encode()
    assert isinstance(next(load(OUTCOMES, io.BytesIO(data), fmt="csv")), Valid)


def test_json_records_numbered_and_checked_for_unknown_keys() -> None:
    rows = [
        {
            "person_id": "P1",
            "item_kind": "vacancy",
            "item_id": "V1",
            "event": "hired",
            "date": "2026-10-01",
        },
        {
            "person_id": "P1",
            "item_kind": "vacancy",
            "item_id": "V1",
            "event": "hired",
            "date": "2026-10-01",
            "x": 1,
        },
        "not an object",
    ]
    found = errors(json.dumps(rows), "json")
    assert found == [(2, "x", "unknown_column"), (3, None, "expected_object")]
    assert isinstance(results(json.dumps(rows[:1]), "json")[0], Valid)


@pytest.mark.parametrize("text", ['{"a": 1}', "[{]", "42"])
def test_bad_json_is_a_file_error(text: str) -> None:
    with pytest.raises(FileFormatError):
        results(text, "json")


def test_empty_json_array_is_zero_rows() -> None:
    assert results("[]", "json") == []


def test_error_messages_exist_in_three_languages() -> None:
    (invalid,) = results(HEADER + "P1,vacancy,V1,hired,tomorrow,,\n")
    assert isinstance(invalid, Invalid)
    (error,) = invalid.errors
    assert error.message("ru").startswith("строка 2, столбец date:")
    assert error.message("kk").startswith("2-жол, date бағаны:")
    assert (
        error.message("en")
        == "line 2, column date: a date written YYYY-MM-DD expected (value “tomorrow”)"
    )


def test_format_detection() -> None:
    assert detect_format("x.json", b"") == "json"
    assert detect_format(None, b"  [{") == "json"
    assert detect_format("x.csv", b"a,b") == "csv"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_rows_or_a_file_error(data: bytes) -> None:
    for fmt in ("csv", "json"):
        problem: FileFormatError | None = None
        try:
            for result in load(OUTCOMES, io.BytesIO(data), fmt=fmt):  # type: ignore[arg-type]
                assert isinstance(result, Valid | Invalid)
        except FileFormatError as error:
            problem = error
        assert problem is None or problem.error.message("ru")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=7, max_size=7), max_size=5))
def test_any_csv_cells_give_typed_rows_or_located_errors(cells: list[list[str]]) -> None:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(cells)
    for result in load(OUTCOMES, io.BytesIO(out.getvalue().encode()), fmt="csv"):
        if isinstance(result, Invalid):
            assert all(e.line >= 2 and e.message("kk") for e in result.errors)


def test_reasons_are_codes_that_fit_the_event() -> None:
    text = (
        HEADER
        + "P1,vacancy,V1,rejected,2026-10-01,Record_Refused,\n"
        + "P1,vacancy,V1,quit,2026-10-02,no_answer,\n"
        + "P1,vacancy,V1,hired,2026-10-03,other,\n"
        + "P1,shelter,S1,left,2026-10-04,housing_found,\n"
        + "P1,course,C1,dropped,2026-10-05,employer was rude,\n"
    )
    rows = results(text)
    assert rows[0].record["reason"] == "record_refused"  # type: ignore[union-attr]
    assert errors(text) == [
        (3, "reason", "unknown_reason"),
        (4, "reason", "reason_not_for_event"),
        (6, "reason", "unknown_reason"),
    ]
    (quit_error,) = rows[1].errors  # type: ignore[union-attr]
    assert "employed_elsewhere" in quit_error.message("en")
    assert "salary" in quit_error.message("kk")


def test_every_reason_code_has_a_label_in_three_languages() -> None:
    from catalogs import enums
    from catalogs.i18n import LANGS, messages

    for reason in enums.REASONS:
        assert all(messages("catalogs").text(f"reason_{reason}", lang) for lang in LANGS)
