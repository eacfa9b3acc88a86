"""Model files under ``MATCHER_HOME/models``: written durably (the file synced before its
rename, the folder after), and what a killed or failed write left is removed at the next save."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from service.store import modelstore

HOUR_AND_MORE = 2 * 3600


def _where(descriptor: int) -> str:
    return os.readlink(f"/proc/self/fd/{descriptor}")


def _save(session: Session, home: Path, version: str) -> None:
    modelstore.save(session, home, version, modelstore.baseline_rankers(), {"kind": "learned"})


def test_a_model_file_is_synced_before_its_rename_and_the_folder_after(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        steps.append(("fsync", _where(descriptor)))
        real_fsync(descriptor)

    def replace(source: Any, target: Any) -> None:
        steps.append(("replace", str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    _save(session, tmp_path, "learned-1")

    folder = tmp_path / "models"
    for name in ("learned-1.joblib", "learned-1.json"):
        target = str(folder / name)
        at = steps.index(("replace", target))
        assert steps[at - 1][0] == "fsync"
        assert steps[at - 1][1].endswith(".tmp")
        assert Path(steps[at - 1][1]).name.startswith(f".{name}.")
        assert steps[at + 1] == ("fsync", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["learned-1.joblib", "learned-1.json"]


def test_a_failed_write_leaves_no_file(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="Input/output"):
        _save(session, tmp_path, "learned-2")
    assert list((tmp_path / "models").iterdir()) == []


def test_the_next_save_removes_what_interrupted_writes_left(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    dead = folder / ".learned-0.joblib.999999999.tmp"  # no such process
    mine = folder / f".learned-9.joblib.{os.getpid()}.tmp"  # a write in progress
    stale = folder / f".learned-8.json.{os.getpid()}.tmp"  # a write this old is over
    never = folder / "learned-0.joblib"  # its retraining's transaction never committed
    fresh = folder / "learned-7.joblib"  # may be a save not yet committed
    note = folder / "README.txt"
    for path in (dead, mine, stale, never, fresh, note):
        path.write_bytes(b"x")
    past = datetime.now(UTC).timestamp() - HOUR_AND_MORE
    for path in (stale, never, note):
        os.utime(path, (past, past))

    _save(session, tmp_path, "learned-3")  # kept, though old: its version is in the database
    kept = folder / "learned-3.joblib"
    os.utime(kept, (past, past))
    assert modelstore.clean(session, folder) == []

    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([mine.name, fresh.name, note.name, "learned-3.joblib", "learned-3.json"])
