"""The fitted reader kept on disk, so that a process start does not fit it again.

The file is ``<cache dir>/title-reader-<fingerprint>.joblib`` with a JSON sidecar of the same
name (library versions, counts, fitting time). The fingerprint is a digest of the vocabulary,
of the reader's code (``matcher/reader/*.py``, ``catalogs/normalize.py`` and
``catalogs/licence_categories.py``) and of the versions of Python, scikit-learn, SciPy, NumPy,
joblib, pymorphy3 and RapidFuzz: any change fits a new model. A file is written to a temporary name and moved into place (``os.replace``), mode 0600;
files of other fingerprints are removed then. A directory that cannot be written is not an
error: the model is fitted in memory.

The cache directory is a parameter; by default ``$MATCHER_CACHE``, else ``~/.cache/matcher``
(the service may point ``MATCHER_CACHE`` at ``$MATCHER_HOME/cache``). A joblib file can run
code when loaded: load only from a directory the project owns.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from matcher.reader.model import ReaderModel

PREFIX = "title-reader-"
LIBRARIES = ("scikit-learn", "scipy", "numpy", "joblib", "pymorphy3", "rapidfuzz")


def default_cache_dir() -> Path:
    """``$MATCHER_CACHE``, else ``~/.cache/matcher``."""
    configured = os.environ.get("MATCHER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "matcher"


def code_fingerprint() -> str:
    """A digest of the reader's code and of the libraries it depends on."""
    from importlib.metadata import version

    import catalogs.licence_categories
    import catalogs.normalize

    digest = hashlib.sha256()
    here = Path(__file__).parent
    normalising = (catalogs.normalize, catalogs.licence_categories)
    for path in [*sorted(here.glob("*.py")), *(Path(m.__file__ or "") for m in normalising)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(platform.python_version().encode())
    for library in LIBRARIES:
        digest.update(f"{library} {version(library)}".encode())
    return digest.hexdigest()


def load_or_fit(
    fingerprint: str, fit: Callable[[], ReaderModel], *, cache_dir: Path | None
) -> tuple[ReaderModel, bool]:
    """The model kept under ``fingerprint``, else ``fit()`` kept there; and whether it was
    fitted now. With ``cache_dir=None`` nothing is read or written."""
    import joblib

    if cache_dir is None:
        return fit(), True
    path = cache_dir / f"{PREFIX}{fingerprint[:32]}.joblib"
    if path.is_file():
        try:
            model = joblib.load(path)
            if isinstance(model, ReaderModel):
                return model, False
        except Exception:  # a broken or foreign file: fit again and replace it
            pass
    started = time.perf_counter()
    model = fit()
    seconds = time.perf_counter() - started
    with contextlib.suppress(OSError):  # a directory we cannot write: the model stays in memory
        _write(path, model, fingerprint, seconds)
    return model, True


def _write(path: Path, model: ReaderModel, fingerprint: str, seconds: float) -> None:
    from importlib.metadata import version

    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "fingerprint": fingerprint,
        "fitted_seconds": round(seconds, 2),
        "rows": len(model.row_label_),
        "codes": len(model.codes_),
        "calibration_accuracy": round(model.calibration_accuracy_, 4),
        "python": sys.version.split()[0],
        "libraries": {library: version(library) for library in LIBRARIES},
    }

    def dump(handle: IO[bytes]) -> None:
        joblib.dump(model, handle, compress=3)

    def describe(handle: IO[bytes]) -> None:
        handle.write(json.dumps(meta, indent=2).encode())

    for target, write in ((path, dump), (path.with_suffix(".json"), describe)):
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.chmod(temp, 0o600)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    for old in path.parent.glob(f"{PREFIX}*"):
        if old.stem != path.stem:
            old.unlink(missing_ok=True)
