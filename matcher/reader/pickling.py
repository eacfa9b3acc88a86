"""How a fitted reader is pickled into its cache file (``reader.cache``).

Arrays stay as they are; the many small Python objects (dicts, strings) named in
``SMALL_PARTS`` are pickled together into one bytes object inside, which loads at C speed
(joblib unpickles in Python, object by object). Load only from the project's own cache: a
pickle can run code when loaded.
"""

from __future__ import annotations

import pickle
from typing import ClassVar


class SmallPartsPickled:
    """A mixin: the attributes of ``SMALL_PARTS`` travel as one inner pickle."""

    SMALL_PARTS: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        small = {k: state.pop(k) for k in self.SMALL_PARTS}
        state["_python"] = pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        blob = state.pop("_python")
        assert isinstance(blob, bytes)
        state.update(pickle.loads(blob))  # our own cache file (see reader.cache)
        self.__dict__.update(state)
