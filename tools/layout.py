"""Write docs/architecture.md: the layout's rules, then one line per module of ``catalogs/``,
``matcher/``, ``service/``, ``simulator/`` and ``tools/``, the first sentence of its docstring.

    python tools/layout.py > docs/architecture.md

Run it after adding, removing or renaming a module (or changing the first sentence of one).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("catalogs", "matcher", "service", "simulator", "tools")
LIMIT = 115
"""Characters of a module's line before it is cut (at a word, with an ellipsis)."""
ABBREVIATIONS = frozenset({"кат", "г", "с", "п", "а", "e.g", "i.e", "art", "No", "vs", "etc"})

HEADER = """\
# The layout, module by module

Data flows one way: **catalogs → matcher → service**; the simulator sits on top and nothing
imports it. Inside the service: **store → usecases → api, cli, web** (`serving/` keeps the engine a
server answers from, `jobs/` runs long work, `training/`, `reports/`, `plans/` and `notify/` are
used by the use cases). `tests/test_layering.py` checks these directions, that module-level
imports form no cycle, that the service imports only the engine's public API (`matcher`,
`matcher.rank`), and that no module of `catalogs/`, `matcher/`, `service/` or `simulator/` is
longer than 400 lines (about 350 is the aim: one sitting).

Results with a structure have types, not `dict[str, Any]`: the model card is a set of
`TypedDict`s over the JSON it is stored as (`service/store/model_card.py`: a card saved by an
older version reads and serves unchanged), the quota ledger's rows are dataclasses with a typed
JSON form (`service/reports/shapes.py`), and a stored plan's body is typed the same way as the
model card (`matcher/plan/body.py`).

Where a module was split, the old import path still names what moved when many callers use it
(`service.store.tables` names every table, `service.store.referrals` the places and reads,
`service.store.modelstore` the card functions, `service.reports.render` the chart,
`service.usecases.referrals` the moves, `simulator.world` the pairs and chances); new code imports
from the module that holds the thing.

Below, one line per module: the first sentence of its docstring (the module's own text says the
rest), written by `python tools/layout.py > docs/architecture.md`. The tables leave out Alembic's
migration scripts (`service/store/migrations/versions/`), `tests/` (which mirrors the packages)
and `bench/` (one script per benchmark, listed in the README).
"""


def first_sentence(doc: str) -> str:
    """The docstring's first sentence (of its first paragraph), cut at ``LIMIT`` characters."""
    text = " ".join(doc.strip().split("\n\n")[0].split())
    end = len(text)
    for found in re.finditer(r"\.(\s+|$)", text):
        word = text[: found.start()].rsplit(" ", 1)[-1]
        bare = word.strip('(`"«')
        abbreviation = bare in ABBREVIATIONS or ("." in bare and "`" not in word)
        after = text[found.end() : found.end() + 1]
        if found.end() == len(text) or (not abbreviation and (after.isupper() or after in '`("«-')):
            end = found.start()
            break
    line = text[:end].rstrip(":").replace("``", "`").replace("|", "/")
    if len(line) > LIMIT:
        line = line[:LIMIT].rsplit(" ", 1)[0].rstrip(",;:(") + " …"
    return line


def modules(package: str) -> list[tuple[str, str]]:
    found = []
    paths = sorted(
        (ROOT / package).rglob("*.py"),
        key=lambda p: (p.parent.relative_to(ROOT).parts, p.name != "__init__.py", p.name),
    )
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/versions/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(source))
        if not doc:
            if path.name == "__init__.py" and not source.strip():
                continue
            doc = "(no docstring)"
        found.append((relative, first_sentence(doc)))
    return found


def main() -> None:
    parts = [HEADER]
    for package in PACKAGES:
        parts.append(f"\n### `{package}/`\n\n| module | what it holds |\n|---|---|")
        parts.extend(f"| `{path}` | {line} |" for path, line in modules(package))
    print("\n".join(parts))


if __name__ == "__main__":
    main()
