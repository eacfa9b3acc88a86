"""What a use case answers when it cannot do what was asked. Each error carries a message code
(``api_<code>`` in ``service/locales``), so the API and the command line say the same thing
in the reader's language; the API maps the kind to its status."""

from __future__ import annotations

from collections.abc import Sequence

from catalogs.i18n import messages
from catalogs.loader import RowError


class Label:
    """A code shown to people by its label in the reader's language (``prefix + code`` in
    ``package``'s locales), never as the code itself; a list of codes joins their labels."""

    def __init__(self, prefix: str, *codes: str, package: str = "service") -> None:
        self.prefix = prefix
        self.codes = codes
        self.package = package

    def render(self, lang: str) -> str:
        table = messages(self.package)
        return ", ".join(table.text(self.prefix + code, lang) for code in self.codes)

    def __str__(self) -> str:
        return ", ".join(self.codes)


class Problem(Exception):
    """A refusal with a code, parameters for its message and optional per-field details."""

    status = 400

    def __init__(
        self,
        code: str,
        *,
        details: list[dict[str, object]] | None = None,
        bad_rows: Sequence[RowError] = (),
        **params: object,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.details = details or []
        self.bad_rows = list(bad_rows)
        """Bad rows of an import or a record, each with its line, column and reason."""

    def message(self, lang: str) -> str:
        params = {
            key: value.render(lang) if isinstance(value, Label) else value
            for key, value in self.params.items()
        }
        return messages("service").text(f"api_{self.code}", lang, **params)

    def details_in(self, lang: str) -> list[dict[str, object]]:
        return self.details + [row.as_dict(lang) for row in self.bad_rows]


class Unauthorized(Problem):
    status = 401


class Forbidden(Problem):
    """The caller's role or region does not allow it."""

    status = 403


class NotFound(Problem):
    status = 404


class Conflict(Problem):
    """The request clashes with the state of the data (an id taken, a job running)."""

    status = 409


class Invalid(Problem):
    """The request is well formed but its content is wrong."""

    status = 422


class Busy(Problem):
    """The database stayed locked by another writer: try again in a moment."""

    status = 503
    retry_after = 2
