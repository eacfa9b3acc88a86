from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.factories import csv_bytes, vacancy


def stats(run) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_import_then_stats(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.csv"
    path.write_bytes(
        csv_bytes(
            [vacancy(n) for n in range(1, 11)]
            + [vacancy(11, is_quota="false", quota_slots="", quota_from="")]
        )
    )
    result = run("import", "vacancies", str(path))
    assert result.exit_code == 0, result.output
    assert "11 rows (11 new, 0 updated)" in result.stdout
    counts = stats(run)
    assert counts["vacancies"] == 11
    assert counts["vacancies_open"] == 11


def test_bad_file_exits_non_zero_and_changes_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([vacancy(1)]))
    assert run("import", "vacancies", str(good)).exit_code == 0
    before = stats(run)
    rows = [vacancy(n) for n in range(2, 1002)]
    rows.append(vacancy(2000, kato="12345"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows))
    result = run("import", "vacancies", str(bad))
    assert result.exit_code == 1
    assert "line 1002, column kato: a KATO code must be 9 digits" in result.stderr
    assert "nothing imported" in result.stderr
    assert stats(run) == before


def test_import_report_as_json_in_kazakh(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([vacancy(1, salary_kzt="x")], ensure_ascii=False))
    result = run("--lang", "kk", "import", "vacancies", str(bad), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["errors"] == [
        {
            "record": 1,
            "column": "salary_kzt",
            "code": "expected_integer",
            "value": "x",
            "message": "бүтін сан күтілді",
        }
    ]


def test_unknown_kind_and_missing_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("import", "contracts", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "unknown kind" in result.stderr
    result = run("import", "vacancies", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2
    assert "cannot open" in result.stderr


def test_unreadable_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.csv"
    path.write_bytes("vacancy_id;title\n1;Сварщик\n".encode())
    result = run("import", "vacancies", str(path))
    assert result.exit_code == 1
    assert "separated by ';'" in result.stderr


def test_stats_text_lists_every_count(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--lang", "ru", "stats")
    assert result.exit_code == 0
    assert "Квотные места".lower() in result.stdout.lower()
    assert "Активная модель ранжирования" in result.stdout


def test_demo_builds_a_small_database_and_is_repeatable(run) -> None:  # type: ignore[no-untyped-def]
    args = (
        "demo",
        "--seed",
        "3",
        "--vacancies",
        "300",
        "--courses",
        "40",
        "--persons",
        "120",
        "--as-of",
        "2026-11-25",
    )
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.stdout
    first = stats(run)
    assert first["vacancies"] == 300
    assert first["courses"] == 40
    assert first["persons"] == 120
    assert first["shelters"] >= 20
    assert first["quota_slots"] > 0
    assert 0 < first["beds_free"] < first["beds"]
    assert run(*args).exit_code == 0
    assert stats(run) == first


def test_demo_fresh_replaces_everything(run) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--vacancies", "200", "--courses", "30", "--persons", "50").exit_code == 0
    result = run("demo", "--fresh", "--vacancies", "100", "--courses", "30", "--persons", "50")
    assert result.exit_code == 0, result.output
    assert stats(run)["vacancies"] == 100


def test_demo_rejects_a_bad_date(run) -> None:  # type: ignore[no-untyped-def]
    result = run("demo", "--as-of", "25.11.2026")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_unreachable_database_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.cli.main import run as main

    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    monkeypatch.setattr("sys.argv", ["matcher", "--lang", "en", "stats"])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 3
    assert capsys.readouterr().err.startswith("cannot reach the database:")


def test_check_validates_without_writing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes([vacancy(n) for n in range(1, 6)]))
    result = run("import", "vacancies", str(path), "--check")
    assert result.exit_code == 0, result.output
    assert "checked 5 rows, no errors (5 new" in result.stdout
    assert stats(run)["vacancies"] == 0
    result = run("import", "vacancies", str(path), "--check", "--json")
    assert json.loads(result.stdout)["dry_run"] is True
    path.write_bytes(csv_bytes([vacancy(1, salary_kzt="?")]))
    assert run("import", "vacancies", str(path), "--check").exit_code == 1


@pytest.fixture
def small_demo(run):  # type: ignore[no-untyped-def]
    result = run(
        "demo", "--vacancies", "600", "--courses", "60", "--persons", "80", "--as-of", "2026-11-25"
    )
    assert result.exit_code == 0, result.output
    return run


def test_recommend_json_follows_the_contract(small_demo) -> None:  # type: ignore[no-untyped-def]
    for kind in ("vacancy", "course", "shelter"):
        result = small_demo(
            "recommend", "P00001", "--kind", kind, "--limit", "5", "--json", "--as-of", "2026-11-25"
        )
        assert result.exit_code == 0, result.output
        items = json.loads(result.stdout)["items"]
        assert items, kind
        scores = [item["score"] for item in items]
        assert scores == sorted(scores, reverse=True)
        for item in items:
            assert {"id", "kind", "score", "reasons", "title", "by", "also_ids"} <= set(item)
            assert item["title"]
            assert item["kind"] == kind
            assert 0 <= item["score"] <= 1
            assert 2 <= len(item["reasons"]) <= 5
            assert all(set(r) == {"code", "text"} and r["text"] for r in item["reasons"])


def test_recommend_text_in_kazakh(small_demo) -> None:  # type: ignore[no-untyped-def]
    result = small_demo(
        "--lang", "kk", "recommend", "P00002", "--kind", "shelter", "--as-of", "2026-11-25"
    )
    assert result.exit_code == 0, result.output
    assert "бейімдеу орталықтары" in result.stdout
    assert "төсек-орын бос" in result.stdout


def test_candidates_and_why(small_demo) -> None:  # type: ignore[no-untyped-def]
    for number in range(1, 81):
        person = f"P{number:05d}"
        listed = json.loads(
            small_demo("recommend", person, "--json", "--as-of", "2026-11-25").stdout
        )["items"]
        if listed:
            break
    assert listed
    vacancy = listed[0]["id"]
    result = small_demo("candidates", vacancy, "--json", "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    people = [item["id"] for item in json.loads(result.stdout)["items"]]
    assert person in people
    why = json.loads(
        small_demo("why", person, "vacancy", vacancy, "--json", "--as-of", "2026-11-25").stdout
    )
    assert why["eligible"] is True
    assert why["rank"] == 1
    # a list shows three decimals, why four: they agree to within the rounding of both
    assert why["score"] == pytest.approx(listed[0]["score"], abs=6e-4)
    assert sum(f["contribution"] for f in why["features"].values()) == pytest.approx(
        why["score"], abs=1e-3
    )
    text = small_demo("why", person, "vacancy", vacancy, "--as-of", "2026-11-25")
    assert "Eligible" in text.stdout


def test_why_names_the_rule_that_excludes(small_demo) -> None:  # type: ignore[no-untyped-def]
    result = small_demo("why", "P00001", "shelter", "S001", "--json", "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    why = json.loads(result.stdout)
    if not why["eligible"]:
        assert why["verdicts"]
        assert all(v["code"] and v["text"] for v in why["verdicts"])
        assert why["rank"] is None


def test_unknown_ids_are_clear_errors(small_demo) -> None:  # type: ignore[no-untyped-def]
    result = small_demo("recommend", "NOBODY")
    assert result.exit_code == 1
    assert "no person NOBODY" in result.stderr
    result = small_demo("candidates", "NOJOB")
    assert result.exit_code == 1
    assert "no vacancy NOJOB" in result.stderr
    result = small_demo("why", "P00001", "vacancy", "NOJOB")
    assert result.exit_code == 1
    result = small_demo("recommend", "P00001", "--kind", "flat")
    assert result.exit_code == 2


def test_plan_commands(small_demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = small_demo("plan", "P00001", "--as-of", "2026-11-25")
    assert made.exit_code == 0, made.output
    body = json.loads(made.stdout)
    assert body["version"] == 1
    first = body["plan"]["actions"][0]["id"]
    refused = small_demo("plan-action", "P00001", first, "--status", "dropped")
    assert refused.exit_code == 1
    assert "reason" in refused.stderr
    assert (
        small_demo(
            "plan-action", "P00001", first, "--status", "dropped", "--note", "not needed"
        ).exit_code
        == 0
    )
    assert (
        small_demo(
            "plan-add", "P00001", "--text", "Call the family", "--due", "2027-01-10"
        ).exit_code
        == 0
    )
    again = json.loads(small_demo("plan", "P00001", "--as-of", "2026-11-25").stdout)
    assert again["version"] == 4
    actions = {a["id"]: a for a in again["plan"]["actions"]}
    assert actions[first]["status"] == "dropped"
    assert actions["manual-1"]["params"]["text"] == "Call the family"
    page = tmp_path / "plan.html"
    shown = small_demo(
        "--lang",
        "kk",
        "plan",
        "P00001",
        "--show",
        "--version",
        "1",
        "--format",
        "html",
        "-o",
        str(page),
    )
    assert shown.exit_code == 0, shown.output
    printed = page.read_text()
    assert "Әлеуметтік-құқықтық көмек" in printed
    # the same A4 document as the pages and the API print: whom it is for, places, signatures
    assert 'class="signatures"' in printed
    assert "(P00001)" in printed
    assert 'class="places-table"' in printed
    assert small_demo("plan", "NOBODY").exit_code == 1


def test_lists_are_recorded_as_shown_unless_told_not_to(small_demo, runtime) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from service.store import rows as glue
    from service.store.tables import Impression

    def shown() -> list[tuple[str, str, int, str, str]]:
        with runtime.session() as session:
            rows = session.execute(
                sa.select(
                    Impression.person_id,
                    Impression.item_id,
                    Impression.rank,
                    Impression.model_version,
                    Impression.list,
                ).order_by(Impression.list, Impression.rank)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    with runtime.session() as session:
        version = glue.load_engine(session, today=date(2026, 11, 25)).model_version
    listed = small_demo("recommend", "P00001", "--json", "--as-of", "2026-11-25", "--no-record")
    assert shown() == []
    listed = small_demo("recommend", "P00001", "--json", "--as-of", "2026-11-25")
    ids = [item["id"] for item in json.loads(listed.stdout)["items"]]
    assert ids
    expected = [("P00001", i, n, version, "person") for n, i in enumerate(ids, start=1)]
    assert shown() == expected
    result = small_demo("candidates", ids[0], "--json", "--as-of", "2026-11-25")
    people = [item["id"] for item in json.loads(result.stdout)["items"]]
    assert shown()[: len(people)] == [
        (p, ids[0], n, version, "candidates") for n, p in enumerate(people, start=1)
    ]
    with runtime.session() as session:
        days = set(session.scalars(sa.select(Impression.shown_on)))
    assert days == {date(2026, 11, 25)}


def test_cli_import_of_events_that_contradict_writes_nothing(
    small_demo, tmp_path: Path, runtime
) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from service.store.tables import OutcomeEvent

    listed = small_demo("recommend", "P00001", "--json", "--as-of", "2026-11-25")
    job = json.loads(listed.stdout)["items"][0]["id"]
    events = tmp_path / "events.csv"
    events.write_text(
        "person_id,item_kind,item_id,event,date,reason,contract_months\n"
        f"P00001,vacancy,{job},referred,2026-11-25,,\n"
        f"P00001,vacancy,{job},retained_3m,2026-11-25,,\n"
        f"P00001,vacancy,{job},hired,2026-10-01,,\n"
    )
    result = small_demo("--lang", "en", "import", "outcomes", str(events))
    assert result.exit_code != 0
    assert "line 3, column event" in result.output
    assert "01.10.2026" in result.output
    with runtime.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent)) == 0
    events.write_text(events.read_text().replace("2026-10-01,,", "2026-08-01,,"))
    assert small_demo("import", "outcomes", str(events)).exit_code == 0
    with runtime.session() as session:
        referred = session.scalars(
            sa.select(OutcomeEvent).where(OutcomeEvent.event == "referred")
        ).one()
    assert (referred.rank, referred.source) == (1, "import")
    assert referred.model_version is not None
