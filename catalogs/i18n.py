"""Messages in Russian, Kazakh and English, kept in JSON files next to the code that uses them.

Each layer (catalogs, matcher, service) has its own ``locales/{ru,kk,en}.json``, and may keep
the texts of one area apart in ``locales/AREA.{ru,kk,en}.json`` (a key belongs to one file
only); a ``Messages`` object loads one such folder. Russian is the fallback language, and a missing key is a bug that
the tests catch (every key must exist in all three files).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
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
        folder = resources.files(package).joinpath("locales")
        for lang in LANGS:
            table: dict[str, str] = json.loads(folder.joinpath(f"{lang}.json").read_text("utf-8"))
            for part in sorted(
                (f for f in folder.iterdir() if f.name.endswith(f".{lang}.json")),
                key=lambda f: f.name,
            ):
                more: dict[str, str] = json.loads(part.read_text("utf-8"))
                if clash := sorted(set(more) & set(table)):
                    raise ValueError(f"{package}: {part.name} repeats {', '.join(clash)}")
                table.update(more)
            self.templates[lang] = table

    def text(self, code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
        """The message ``code`` in ``lang`` with ``params`` filled in; a day (a ``date`` or a
        ``YYYY-MM-DD`` string of a real day) is written as people here write it, 27.01.2027."""
        table = self.templates.get(lang) or self.templates[DEFAULT_LANG]
        template = table.get(code) or self.templates[DEFAULT_LANG].get(code)
        if template is None:
            raise KeyError(f"no message {code!r} in {self.package}")
        return template.format(**{key: local_day(value) for key, value in params.items()})


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def local_day(value: object) -> object:
    """``value`` written as 27.01.2027 when it is a day, else as it is."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value


@cache
def messages(package: str) -> Messages:
    """The messages of ``package`` (loaded once)."""
    return Messages(package)
