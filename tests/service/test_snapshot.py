"""The catalogs' indexes kept on disk between commands (``service.serving.saved``): reused
while the data are the same, built again after an import, a person change or a new day, never
trusted when broken or foreign; a command answers the same with and without them.

Each command runs with a runtime of its own, as a new process would (its engine is not kept in
memory), on a real database of the backend under test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import Session, col
from typer.testing import CliRunner

from catalogs.demo import DemoSpec
from matcher import Engine, occupation_matcher
from service.cli.app import app
from service.cli.main import GROUPS
from service.config import Settings
from service.runtime import Runtime
from service.serving import remembered, saved
from service.store import demo, modelstore
from service.store.tables import Person
from tests.dbutil import scratch_engine
from tests.factories import csv_bytes, person, vacancy

KEY = "snapshot-test-secret-key-0123456789"
assert GROUPS  # every command registered on ``app``
TODAY = date.today()


@dataclass
class Home:
    settings: Settings
    engine: object
    builds: list[date]

    @property
    def path(self) -> Path:
        return self.settings.home / saved.FILE

    def runtime(self, **changes: object) -> Runtime:
        settings = self.settings.model_copy(update=changes)
        return Runtime(settings, self.engine)  # type: ignore[arg-type]

    def run(self, *args: str, **changes: object) -> str:
        """``matcher ARGS`` as a new process runs it; its output."""
        result = CliRunner().invoke(app, list(args), obj=self.runtime(**changes))
        assert result.exit_code == 0, result.output
        return result.stdout


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    with scratch_engine(tmp_path) as engine:
        url = engine.url.render_as_string(hide_password=False)
        settings = Settings(
            home=tmp_path / "home", secret_key=SecretStr(KEY), lang="en", database_url=url
        )
        with Runtime(settings, engine).session() as session:
            spec = DemoSpec(seed=5, as_of=TODAY, vacancies=300, courses=20, persons=40)
            demo.build(session, spec, protector=Runtime(settings, engine).protector)
            session.commit()
        builds: list[date] = []
        build = saved.build

        def counted(session, *, today, readings):  # type: ignore[no-untyped-def]
            builds.append(today)
            return build(session, today=today, readings=readings)

        monkeypatch.setattr(saved, "build", counted)
        yield Home(settings, engine, builds)


def test_a_snapshot_is_reused_and_answers_as_a_fresh_build(home: Home) -> None:
    fresh = home.run("recommend", "P00001", "--no-record", engine_snapshot=False)
    assert home.builds == []
    assert not home.path.exists()
    first = home.run("recommend", "P00001", "--no-record")
    assert home.builds == [TODAY]
    assert home.path.exists()
    assert home.path.stat().st_mode & 0o777 == 0o600
    written = home.path.stat().st_mtime_ns
    second = home.run("recommend", "P00001", "--no-record")
    assert home.builds == [TODAY], "the second command built the indexes again"
    assert home.path.stat().st_mtime_ns == written
    assert fresh == first == second
    for kind in ("course", "shelter"):
        assert home.run("recommend", "P00002", "--kind", kind, "--no-record") == home.run(
            "recommend", "P00002", "--kind", kind, "--no-record", engine_snapshot=False
        )
    assert home.builds == [TODAY]


def test_an_import_builds_again(home: Home, tmp_path: Path) -> None:
    home.run("recommend", "P00001", "--no-record")
    rows = tmp_path / "v.csv"
    rows.write_bytes(csv_bytes([vacancy(90001, title="Сварщик", salary_kzt="900000")]))
    home.run("import", "vacancies", str(rows))
    after = home.run("recommend", "P00001", "--no-record")
    assert home.builds == [TODAY, TODAY]
    assert after == home.run("recommend", "P00001", "--no-record", engine_snapshot=False)


def test_a_person_change_builds_again(home: Home, tmp_path: Path) -> None:
    home.run("recommend", "P00001", "--no-record")
    rows = tmp_path / "p.csv"
    rows.write_bytes(csv_bytes([person(7001, professions="повар")]))
    home.run("import", "persons", str(rows))
    home.run("recommend", "P00001", "--no-record")
    assert home.builds == [TODAY, TODAY]


def test_a_new_day_builds_again(home: Home) -> None:
    rt = home.runtime()
    tomorrow_day = TODAY + timedelta(days=1)

    def engine(session: Session, day: date) -> Engine:
        secret = KEY.encode()
        return saved.engine(
            session, today=day, home=home.settings.home, database=rt.where, secret=secret
        )

    with rt.session() as session:
        today = engine(session, TODAY)
        assert engine(session, TODAY).vacancies.today == TODAY
        tomorrow = engine(session, tomorrow_day)
    assert home.builds == [TODAY, TODAY + timedelta(days=1)]
    assert (today.today, tomorrow.today) == (TODAY, TODAY + timedelta(days=1))
    assert tomorrow.vacancies.today == TODAY + timedelta(days=1)


def test_a_model_change_is_served_without_a_build(home: Home) -> None:
    """The active model and its track records are read by every process, not kept."""
    home.run("recommend", "P00001", "--no-record")
    rt = home.runtime()
    with rt.session() as session:
        version = modelstore.new_version()
        card = {**modelstore.baseline_card(active=False), "version": version, "kind": "learned"}
        modelstore.save(session, home.settings.home, version, modelstore.baseline_rankers(), card)
        modelstore.activate(session, version)
        session.commit()
    served = home.runtime()
    assert served.serving.engine(served).model_version == version
    with rt.session() as session:
        modelstore.activate(session, modelstore.BASELINE)
        session.commit()
    served = home.runtime()
    assert served.serving.engine(served).model_version == modelstore.BASELINE
    assert home.builds == [TODAY]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"not a snapshot at all",
        lambda data: data[:-10] + bytes(10),  # altered after signing
        lambda data: b"",
    ],
)
def test_a_broken_snapshot_is_ignored_and_replaced(home: Home, damage) -> None:  # type: ignore[no-untyped-def]
    expected = home.run("recommend", "P00001", "--no-record")
    home.path.write_bytes(damage(home.path.read_bytes()))
    assert home.run("recommend", "P00001", "--no-record") == expected
    assert home.builds == [TODAY, TODAY]
    home.run("recommend", "P00001", "--no-record")
    assert home.builds == [TODAY, TODAY], "the replaced snapshot was not used"


def test_a_snapshot_signed_with_another_key_is_never_unpickled(home: Home) -> None:
    """(A process under another key is refused by the database before it builds anything,
    ``service.store.keys``: the file itself is checked here.)"""
    home.run("recommend", "P00001", "--no-record")
    rt = home.runtime()
    with rt.session() as session:
        wanted = saved.key(session, today=TODAY, database=rt.where)
    assert saved.load(home.path, wanted, secret=KEY.encode()) is not None
    assert saved.load(home.path, wanted, secret=b"another key") is None
    other = dict(wanted, database="sqlite:////elsewhere.db")
    assert saved.load(home.path, other, secret=KEY.encode()) is None


def test_the_snapshot_holds_no_person(home: Home) -> None:
    home.run("recommend", "P00001", "--no-record")
    data = home.path.read_bytes()
    rt = home.runtime()
    with rt.session() as session:
        ids = list(session.scalars(sa.select(col(Person.person_id))))
    assert ids
    for person_id in ids:
        assert person_id.encode() not in data


def test_remembered_readings_are_the_readers_own(tmp_path: Path) -> None:
    loaded: list[int] = []

    def reader():  # type: ignore[no-untyped-def]
        loaded.append(1)
        return occupation_matcher()

    texts = ["электросварщик", "повар-кондитер", "водитель категории С"]
    first = remembered.Remembering(tmp_path / remembered.FILE, "fp", reader)
    assert first.match_many(texts, limit=1, cutoff=0.5) == occupation_matcher().match_many(
        texts, limit=1, cutoff=0.5
    )
    assert loaded == [1]
    second = remembered.Remembering(tmp_path / remembered.FILE, "fp", reader)
    assert second.match_many(texts, limit=1, cutoff=0.5) == first.match_many(
        texts, limit=1, cutoff=0.5
    )
    assert loaded == [1], "a remembered text was read again"
    other = remembered.Remembering(tmp_path / remembered.FILE, "another fingerprint", reader)
    other.match("электросварщик", limit=1, cutoff=0.5)
    assert loaded == [1, 1], "a reading of another fingerprint was used"
    (tmp_path / remembered.FILE).write_text("{broken")
    broken = remembered.Remembering(tmp_path / remembered.FILE, "fp", reader)
    assert broken.match("повар-кондитер", limit=1, cutoff=0.5) == first.match(
        "повар-кондитер", limit=1, cutoff=0.5
    )
    assert (tmp_path / remembered.FILE).stat().st_mode & 0o777 == 0o600
