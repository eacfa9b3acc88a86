"""The reader's confidence calibrated on real job-board titles, and its threshold.

The model's own probabilities are learned from the official vocabularies, whose titles are
cleaner than what job boards and people write. ``tools/reference/calibrate_reader.py`` reads
the labelled real titles one may learn from (``bench/real_titles``: the tuning half, its walk
continued and the spent held-out draws; the texts stay outside the repository), maps the reader's raw confidence of its best code to how often that code was
right (isotonic regression), chooses the threshold, and writes only numbers to
``catalogs/reference/data/reader_calibration.json``: the map's breakpoints, the threshold, the
cross-validated figures and the fingerprint of the model it was made for
(``model_fingerprint``). ``docs/algorithm.md``, "Reading job titles", tells how.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

FILE = "reader_calibration.json"


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from the raw confidence of the best code to the probability that it is
    right (linear between breakpoints, flat beyond them), and the threshold on that scale."""

    raw: tuple[float, ...]
    probability: tuple[float, ...]
    threshold: float
    fingerprint: str

    def __call__(self, raw: float) -> float:
        return float(np.interp(raw, self.raw, self.probability))


def model_fingerprint() -> str:
    """A digest of what the raw confidences depend on: the shipped vocabulary and the reader's
    code (not the calibration file itself)."""
    import catalogs.licence_categories
    import catalogs.normalize
    from matcher.reader.vocabulary import shipped_fingerprint

    digest = hashlib.sha256(shipped_fingerprint().encode())
    here = Path(__file__).parent
    normalising = (catalogs.normalize, catalogs.licence_categories)
    for path in [*sorted(here.glob("*.py")), *(Path(m.__file__ or "") for m in normalising)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def shipped_calibration() -> Calibration | None:
    """The shipped calibration, or None when there is none."""
    path = resources.files("catalogs.reference").joinpath("data", FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return Calibration(
        raw=tuple(float(x) for x in data["raw"]),
        probability=tuple(float(y) for y in data["probability"]),
        threshold=float(data["threshold"]),
        fingerprint=str(data["model_fingerprint"]),
    )
