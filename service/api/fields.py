"""What a request that fails validation is told about each field, in the caller's language.

The framework's checks (pydantic's) say what is wrong in English ("Input should be greater than
or equal to 1"); each kind of failure here has its own message in kk, ru and en
(``service/locales``, keys ``api_field_<kind>``), with the bound it names where there is one.
A kind not listed gets the general «недопустимое значение» rather than English text."""

from __future__ import annotations

from collections.abc import Mapping

from catalogs.i18n import messages

KINDS: Mapping[str, tuple[str, str | None]] = {
    "missing": ("missing", None),
    "extra_forbidden": ("unknown", None),
    "greater_than_equal": ("at_least", "ge"),
    "greater_than": ("above", "gt"),
    "less_than_equal": ("at_most", "le"),
    "less_than": ("below", "lt"),
    "string_too_short": ("text_too_short", "min_length"),
    "string_too_long": ("text_too_long", "max_length"),
    "too_short": ("too_few", "min_length"),
    "too_long": ("too_many", "max_length"),
    "string_pattern_mismatch": ("format", None),
    "literal_error": ("choice", None),
    "enum": ("choice", None),
    "int_parsing": ("integer", None),
    "int_type": ("integer", None),
    "int_from_float": ("integer", None),
    "float_parsing": ("number", None),
    "float_type": ("number", None),
    "bool_parsing": ("boolean", None),
    "bool_type": ("boolean", None),
    "date_parsing": ("date", None),
    "date_from_datetime_parsing": ("date", None),
    "date_from_datetime_inexact": ("date", None),
    "date_type": ("date", None),
    "string_type": ("text", None),
    "list_type": ("list", None),
    "dict_type": ("object", None),
    "model_type": ("object", None),
    "model_attributes_type": ("object", None),
    "json_invalid": ("json", None),
    "json_type": ("json", None),
}
"""A pydantic error type -> the message's kind, and the bound of its context it names."""


def message(issue: Mapping[str, object], lang: str) -> str:
    """The message for one of ``RequestValidationError.errors()``."""
    kind, bound = KINDS.get(str(issue.get("type", "")), ("invalid", None))
    context = issue.get("ctx")
    params: dict[str, object] = {}
    if bound is not None:
        value = context.get(bound) if isinstance(context, Mapping) else None
        if value is None:
            kind, bound = "invalid", None
        else:
            params["bound"] = value
    return messages("service").text(f"api_field_{kind}", lang, **params)
