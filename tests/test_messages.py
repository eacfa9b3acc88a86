"""Every user-facing message exists in Russian, Kazakh and English, with the same fields."""

from __future__ import annotations

import string

import pytest

from catalogs.i18n import LANGS, messages


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(
    "package", ["catalogs", "service", "matcher", "service.notify", "service.web"]
)
def test_three_languages_same_keys_same_fields(package: str) -> None:
    templates = messages(package).templates
    keys = {lang: set(templates[lang]) for lang in LANGS}
    assert keys["kk"] == keys["ru"] == keys["en"]
    for key in keys["ru"]:
        assert (
            fields_of(templates["kk"][key])
            == fields_of(templates["ru"][key])
            == fields_of(templates["en"][key])
        ), key
        assert all(templates[lang][key].strip() for lang in LANGS), key


def test_every_error_code_used_in_code_has_a_message() -> None:
    import pathlib
    import re

    root = pathlib.Path(__file__).parent.parent
    used: set[str] = set()
    for path in [*root.glob("catalogs/**/*.py"), *root.glob("service/**/*.py")]:
        source = path.read_text()
        used |= set(
            re.findall(
                r'(?:FieldError|Problem\([^,]+,|RowError\([^,]+, [^,]+,)\s*\(?\s*"([a-z0-9_]+)"',
                source,
            )
        )
    assert used, "the pattern found no codes"
    missing = used - set(messages("catalogs").templates["ru"])
    assert not missing


def test_days_are_written_as_people_here_write_them() -> None:
    from datetime import date, datetime

    from catalogs.i18n import local_day

    assert local_day(date(2027, 1, 27)) == "27.01.2027"
    assert local_day("2027-01-27") == "27.01.2027"
    assert local_day("2027-02-30") == "2027-02-30"  # not a day: as typed
    assert local_day("P00001") == "P00001"
    moment = datetime(2027, 1, 27, 9, 30)
    assert local_day(moment) is moment
