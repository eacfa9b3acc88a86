"""Schemathesis hooks of ``tools/fuzz/run.sh`` (loaded through ``SCHEMATHESIS_HOOKS``).

The admin run fuzzes ``DELETE /api/v1/tokens/{token_id}``, and its stateful phase feeds that
route the ids listed by ``GET /api/v1/tokens``: left alone, it revokes the tokens the runs use
(its own included), and every later request is a 401 that tests nothing. The ids of those tokens
are in ``FUZZ_PROTECTED_TOKEN_IDS`` (comma-separated); a request to revoke one of them is sent
for an id that does not exist instead, which still exercises the route (an expected 404).

With several workers, Schemathesis (through Hypothesis, which parses sources to describe its
lambdas) calls ``ast.parse`` from several threads at once; CPython before 3.11.8 may then raise
``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905), which
Schemathesis reports as a "Runtime Error" of an operation and skips its coverage cases. The
calls are serialised here: a property of the tool, not of the API under test.
"""

from __future__ import annotations

import ast
import os
import threading
from functools import wraps
from typing import Any

import schemathesis

_PARSE_LOCK = threading.Lock()
_parse = ast.parse


@wraps(_parse)
def _serialised_parse(*args: Any, **kwargs: Any) -> Any:
    with _PARSE_LOCK:
        return _parse(*args, **kwargs)


ast.parse = _serialised_parse

_PROTECTED = {
    int(value) for value in os.environ.get("FUZZ_PROTECTED_TOKEN_IDS", "").split(",") if value
}
_UNKNOWN_ID = 2_000_000_000


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if case.method.upper() != "DELETE" or not case.operation.path.endswith("/tokens/{token_id}"):
        return
    parameters = case.path_parameters or {}
    try:
        token_id = int(parameters.get("token_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return
    if token_id in _PROTECTED:
        parameters["token_id"] = _UNKNOWN_ID
