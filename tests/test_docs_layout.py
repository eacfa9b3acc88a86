"""docs/architecture.md is the layout as it is: what ``python tools/layout.py`` writes today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_layout_page_names_every_module_as_it_is() -> None:
    written = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "layout.py")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    kept = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert written.strip() == kept.strip(), (
        "docs/architecture.md is out of date: run `python tools/layout.py > docs/architecture.md`"
    )
