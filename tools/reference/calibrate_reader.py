"""Calibrate the title reader's confidence on the labelled real titles one may learn from.

    python -m tools.reference.calibrate_reader [--shared PATH] [--target 0.03] [--check]

Offline, by hand, whenever the reader's model changes (a test fails when the shipped
calibration was made for another model). It reads the labelled titles of ``HALVES`` (the
tuning half, the tuning titles labelled after it and the first four held-out draws, each
measured once and then spent: ``bench/real_titles/labels_*.csv``, texts from
``../shared/data/real-titles-eval/``; a later draw is never read) and writes
numbers only, no title, to ``catalogs/reference/data/reader_calibration.json``:

1. every title (codable and vague) is read by the uncalibrated reader; its *raw*
   confidence is that of its best code, its outcome 1 when that code is the label or an
   acceptable alternate (0 for a vague title: no code is right for it);
   probabilities are kept within [0.02, 0.99]: a few hundred titles cannot say more;
2. an isotonic regression (monotone, non-decreasing) maps raw confidence → P(right);
3. the threshold is the lowest calibrated probability at which the answers at or above it are
   wrong at most ``--target`` of the time on the titles the map was fitted on (3% by
   default, under the 5% aimed at: each blind draw was wrong 2.5 to 3.4 points more often
   than the cross-validated figure promised — 7.0% against 4.3%, 6.5% against 3.1%, 5.5%
   against 3.0% — as the reader's vocabulary was also tuned on the titles the map learns
   from, which the folds do not undo);
4. the figures reported are cross-validated: five folds (by a hash of each title's source and
   id), the map and threshold fitted on four and measured on the fifth, so no figure is
   measured on the titles that made it. The shipped map and threshold are then fitted on all.

``--check`` prints the cross-validated figures and writes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.real_titles.__main__ import DEFAULT_SHARED, load  # noqa: E402
from matcher.reader import load_reader  # noqa: E402
from matcher.reader.cache import default_cache_dir  # noqa: E402
from matcher.reader.calibration import FILE, model_fingerprint  # noqa: E402

OUT = ROOT / "catalogs" / "reference" / "data" / FILE
LABELS = ROOT / "bench" / "real_titles"
HALVES = ("tuning", "tuning_2", "held_out", "held_out_2", "held_out_3", "held_out_4")
"""The labelled titles the calibration learns from: the tuning half, the titles labelled after
it, and the first four held-out draws (each measured once, then spent). Never a later draw."""
FOLDS = 5
Floats = npt.NDArray[np.float64]


def fit_map(raw: Floats, right: Floats) -> tuple[Floats, Floats]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.02, y_max=0.99, out_of_bounds="clip").fit(raw, right)
    return iso.X_thresholds_.astype(np.float64), iso.y_thresholds_.astype(np.float64)


def choose_threshold(p: Floats, right: Floats, target: float) -> float:
    """The lowest calibrated probability whose answers at or above it are wrong at most
    ``target`` of the time (1.0 when none is: nothing is recognised)."""
    for t in sorted(set(p.tolist())):
        sure = p >= t
        if sure.any() and 1.0 - right[sure].mean() <= target:
            return float(max(t, 0.5))
    return 1.0


def fold_of(source: str, id_: str) -> int:
    return int(hashlib.sha256(f"{source}:{id_}".encode()).hexdigest()[:8], 16) % FOLDS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--target", type=float, default=0.03)
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)
    rows = [row for half in HALVES if (LABELS / f"labels_{half}.csv").is_file()
            for row in load(half, args.shared)]  # fmt: skip
    reader = load_reader(cache_dir=default_cache_dir(), calibrated=False)
    readings = reader.read_many([r.text for r in rows], lang="ru")
    raw = np.array([x.codes[0].confidence if x.codes else 0.0 for x in readings])
    right = np.array(
        [
            float(r.collar != "vague" and bool(x.codes) and x.codes[0].code in r.acceptable)
            for r, x in zip(rows, readings, strict=True)
        ]
    )
    codable = np.array([r.collar != "vague" for r in rows])
    blue = np.array([r.collar == "blue" for r in rows])
    folds = np.array([fold_of(r.source, r.id) for r in rows])
    sure = np.zeros(len(rows), dtype=bool)
    for k in range(FOLDS):
        fit, test = folds != k, folds == k
        xs, ys = fit_map(raw[fit], right[fit])
        threshold = choose_threshold(np.interp(raw[fit], xs, ys), right[fit], args.target)
        sure[test] = np.interp(raw[test], xs, ys) >= threshold

    def wrong_share(mask: npt.NDArray[np.bool_]) -> tuple[float, int, int]:
        chosen = sure & mask
        n = int(chosen.sum())
        wrong = int((chosen & (right == 0)).sum())
        return (wrong / n if n else 0.0), wrong, n

    figures: dict[str, object] = {}
    for name, mask in (("all", codable), ("blue", blue), ("white", codable & ~blue)):
        share, wrong, n = wrong_share(mask)
        recognised = float((sure & mask).sum() / mask.sum())
        figures[name] = {"confident_wrong": round(share, 4), "wrong": wrong, "recognised": n,
                         "recognised_share": round(recognised, 4)}  # fmt: skip
    vague = ~codable
    figures["vague_abstained"] = f"{int((~sure & vague).sum())}/{int(vague.sum())}"
    xs, ys = fit_map(raw, right)
    threshold = choose_threshold(np.interp(raw, xs, ys), right, args.target)
    print(f"{len(rows)} titles; cross-validated ({FOLDS} folds): {json.dumps(figures)}")
    print(f"threshold (fitted on all): {threshold:.4f}; map: {len(xs)} breakpoints")
    if args.check:
        return
    data = {
        "about": (
            "Made by tools/reference/calibrate_reader.py from the labelled real titles one may "
            f"learn from ({', '.join(HALVES)}: bench/real_titles; texts not in the "
            "repository): isotonic map of the "
            "reader's raw best-code confidence to P(right), and the lowest threshold whose "
            f"answers are wrong at most {args.target:.0%} of the time. Re-run the script when "
            "model_fingerprint no longer matches the reader (a test says so)."
        ),
        "model_fingerprint": model_fingerprint(),
        "titles": len(rows),
        "target_confident_wrong": args.target,
        "threshold": round(threshold, 4),
        "raw": [round(float(x), 6) for x in xs],
        "probability": [round(float(y), 4) for y in ys],  # as confidences are shown
        "cross_validated": figures,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
