"""Employers and what the akimat asks of them (CONTRACT.md, ``employers``).

One row per BIN: the registered name, the OKED sector, where it is (optional: a KATO code, or
region and locality names), its list headcount and the quota percentage the akimat set for
``quota_year`` (Order No. 412: the quota is a percentage of the list headcount), a telephone
and an e-mail address for referrals and reminders.

``lang`` (``ru`` or ``kk``, default ``ru``) is the language the employer's notifications are
written in. Re-importing a BIN replaces its row; a row that a vacancy created as a stub (a
BIN with a name only) becomes a full record.
"""

from __future__ import annotations

from catalogs.fields import (
    Field,
    choice,
    digits12,
    integer,
    number,
    pattern,
    text,
)
from catalogs.location import resolve_location
from catalogs.schema import LOCATION_FIELDS, Schema

EMPLOYER_LANGS = ("ru", "kk")
"""Languages an employer's notifications can be written in."""

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_DOMAIN = r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
email = pattern(f"{_LOCAL}@{_DOMAIN}", "bad_email", 254)
"""An address of a plausible form: ``name@domain.tld``, one ``@``, no spaces, no empty label
(Cyrillic domains such as ``.қаз`` are allowed). Whether it reaches anyone is not checked."""

SCHEMA = Schema(
    kind="employers",
    key=("employer_bin",),
    fields=(
        Field("employer_bin", digits12("bin"), required=True),
        Field("name", text(300), required=True),
        Field("oked", pattern(r"\d{2}(\d{1,3})?", "expected_oked", 5)),
        *LOCATION_FIELDS,
        Field("headcount", integer(0, 1_000_000)),
        Field("quota_percent", number(0, 100)),
        Field("quota_year", integer(2000, 2100)),
        Field("phone", text(40)),
        Field("email", email),
        Field("lang", choice(EMPLOYER_LANGS), default="ru"),
    ),
    checks=(resolve_location(required=False),),
    accepted_only=frozenset({"region", "locality"}),
)
