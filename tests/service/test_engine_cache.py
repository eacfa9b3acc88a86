"""Job titles read by an earlier engine build are reused only while they are still right: the
readings file is used under the matcher's fingerprint alone, so a change of vocabulary (or of
the reading code) means reading again, and the lists are the same as without the file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from matcher.text import OccupationMatcher
from service.store.rows import remembered_readings

TITLES = ["пекарь", "повар-кондитер", "сварщик 5 разряда", "аспаз"]


def fresh(labels: list[tuple[str, str]]) -> list[list[str]]:
    matcher = OccupationMatcher(labels)
    return [[m.code for m in found] for found in matcher.match_many(TITLES, limit=1, cutoff=0.6)]


def read(path: Path, labels: list[tuple[str, str]]) -> list[list[str]]:
    matcher = OccupationMatcher(labels)
    with remembered_readings(path, matcher):
        found = matcher.match_many(TITLES, limit=1, cutoff=0.6)
    return [[m.code for m in one] for one in found]


OLD = [("A", "пекарь"), ("B", "повар"), ("B", "аспаз"), ("C", "сварщик")]
NEW = [("A", "пекарь"), ("D", "повар кондитер"), ("B", "аспаз"), ("E", "сварщик")]


def test_readings_are_kept_and_give_the_same_codes(tmp_path: Path) -> None:
    path = tmp_path / "readings.json"
    assert read(path, OLD) == fresh(OLD)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(json.loads(path.read_text())["readings"]) == len(TITLES)
    assert read(path, OLD) == fresh(OLD)


def test_readings_of_another_vocabulary_are_never_used(tmp_path: Path) -> None:
    path = tmp_path / "readings.json"
    read(path, OLD)
    assert fresh(NEW) != fresh(OLD)
    assert read(path, NEW) == fresh(NEW)  # not the old codes
    assert read(path, OLD) == fresh(OLD)


def test_a_remembered_reading_is_used_only_under_its_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "readings.json"
    read(path, OLD)
    kept = json.loads(path.read_text())
    for entry in kept["readings"]:
        entry[3] = [["Z", 1.0, "planted"]]
    path.write_text(json.dumps(kept))
    assert read(path, OLD) == [["Z"]] * len(TITLES)  # the file is what is used under it...
    kept["fingerprint"] = "another"
    path.write_text(json.dumps(kept))
    assert read(path, OLD) == fresh(OLD)  # ...and nothing of it under another


def test_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "readings.json"
    path.write_text("{not json")
    assert read(path, OLD) == fresh(OLD)
