"""A command that reads one person loads only what it needs: run as a user runs it (a new
``matcher`` process each time) on a real database, the second ``matcher recommend`` and
``matcher plan`` take the catalogs' indexes from the home's snapshot and the person's
professions from the readings kept there, so the title reader, scikit-learn, SciPy and the
holiday calendars are never imported, and they answer as the first did. (How long they take
is measured by ``bench/cli.py``: a shared machine makes a time limit here flaky.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from catalogs.demo import DemoSpec
from service.config import Settings
from service.runtime import Runtime
from service.serving import saved
from service.store import demo
from tests.dbutil import scratch_engine

KEY = "cli-start-secret-key-0123456789abcdef"
NOT_NEEDED = ("matcher.reader.model", "sklearn", "scipy", "holidays", "joblib", "pymorphy3")
"""Modules a one-person command must not import once the home holds its snapshot."""
PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["matcher", *sys.argv[2:]]
from service.cli.main import run
run()
"""


@dataclass
class Home:
    path: Path
    env: dict[str, str]

    def run(self, *args: str) -> tuple[str, set[str]]:
        """``matcher ARGS`` in a new process: its output and the modules it imported."""
        modules = self.path.parent / "modules.json"
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(modules), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout, set(json.loads(modules.read_text()))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("cli-start")
    with scratch_engine(root) as engine:
        url = engine.url.render_as_string(hide_password=False)
        settings = Settings(home=root / "home", database_url=url, secret_key=SecretStr(KEY))
        runtime = Runtime(settings, engine)
        with runtime.session() as session:
            spec = DemoSpec(seed=3, as_of=date.today(), vacancies=400, courses=20, persons=30)
            demo.build(session, spec, protector=runtime.protector)
            session.commit()
        env = {
            **os.environ,
            "MATCHER_HOME": str(settings.home),
            "DATABASE_URL": url,
            "MATCHER_SECRET_KEY": KEY,
            "MATCHER_LANG": "en",
        }
        yield Home(settings.home, env)


def imported(modules: set[str]) -> list[str]:
    """Which of ``NOT_NEEDED`` (or their submodules) were imported."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_NEEDED))


def test_a_second_recommend_loads_only_what_it_needs(home: Home) -> None:
    first, _ = home.run("recommend", "P00001", "--no-record")
    assert (home.path / saved.FILE).exists()
    second, modules = home.run("recommend", "P00001", "--no-record")
    assert second == first
    assert "P00001" in second
    assert imported(modules) == []


def test_plan_loads_only_what_it_needs_and_lang_goes_anywhere(home: Home) -> None:
    home.run("plan", "P00002", "--lang", "kk")
    after, modules = home.run("plan", "P00002", "--lang", "kk")
    before, _ = home.run("--lang", "kk", "plan", "P00002")
    pages = [json.loads(page)["rendered"] for page in (after, before)]
    assert pages[0].pop("version") != pages[1].pop("version")  # each run keeps a new version
    assert pages[0] == pages[1]
    assert imported(modules) == []


def test_the_title_readers_cache_is_in_the_home_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MATCHER_CACHE", raising=False)
    settings = Settings(home=tmp_path / "home", secret_key=SecretStr(KEY))
    assert settings.cache_dir == tmp_path / "home" / "cache"
    Runtime.from_settings(settings).bind.dispose()  # type: ignore[union-attr]
    assert os.environ["MATCHER_CACHE"] == str(tmp_path / "home" / "cache")
    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path / "elsewhere"))
    settings = Settings(home=tmp_path / "home", secret_key=SecretStr(KEY))
    assert settings.cache_dir == tmp_path / "elsewhere"
    Runtime.from_settings(settings).bind.dispose()  # type: ignore[union-attr]
    assert os.environ["MATCHER_CACHE"] == str(tmp_path / "elsewhere")
