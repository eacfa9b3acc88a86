"""The serving process's heap after an engine is built: collected once, then frozen.

An engine over the national catalogs is some 300,000 Python objects that live as long as it
serves. Python's cyclic garbage collector would walk all of them at each full collection
(about 170 ms on the benchmark machine, with every request of the process waiting), though
none of them is garbage. ``settle`` collects once and moves every object alive at that moment
to the collector's permanent generation (``gc.freeze``), so that later collections walk only
what requests make. After a rebuild the frozen objects are first given back (``gc.unfreeze``)
so that the old engine's cycles are collected, not kept: one full collection per rebuild, on
the rebuilding thread, instead of one every few thousand requests.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger("matcher.serving")


def settle() -> None:
    """Collect what is garbage now and freeze the rest (the engine just built)."""
    started = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    log.info(
        "heap settled in %.0f ms: %d objects frozen",
        (time.perf_counter() - started) * 1000,
        gc.get_freeze_count(),
    )
