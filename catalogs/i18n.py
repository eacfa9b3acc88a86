"""Messages in Russian, Kazakh and English, kept in JSON files next to the code that uses them.

Each layer (catalogs, matcher, service) has its own ``locales/{ru,kk,en}.json``; a ``Messages``
object loads one such folder. Russian is the fallback language, and a missing key is a bug that
the tests catch (every key must exist in all three files).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Final

LANGS: Final = ("ru", "kk", "en")
DEFAULT_LANG: Final = "ru"


class Messages:
    """The message templates of one package, by language."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.templates: dict[str, dict[str, str]] = {}
        for lang in LANGS:
            text = resources.files(package).joinpath("locales", f"{lang}.json").read_text("utf-8")
            self.templates[lang] = json.loads(text)

    def text(self, code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
        """The message ``code`` in ``lang`` with ``params`` filled in."""
        table = self.templates.get(lang) or self.templates[DEFAULT_LANG]
        template = table.get(code) or self.templates[DEFAULT_LANG].get(code)
        if template is None:
            raise KeyError(f"no message {code!r} in {self.package}")
        return template.format(**params)


@cache
def messages(package: str) -> Messages:
    """The messages of ``package`` (loaded once)."""
    return Messages(package)
