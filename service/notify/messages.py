"""The kinds of notification, the parameters each one takes, and their rendering into a subject
and a plain-text body in Kazakh, Russian or English (``service/notify/locales``).

A kind accepts exactly its parameters and nothing else, so an IIN, a name, an offence or a
diagnosis cannot ride along under another name; an identifier that looks like an IIN (12
digits in a row) is refused, and such digits in a name or title are masked. Dates are written DD.MM.YYYY in every language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from catalogs.i18n import DEFAULT_LANG, LANGS, messages

KINDS: Final[dict[str, tuple[str, ...]]] = {
    "referral_new": ("referral_id", "person_ref", "item_title", "answer_due"),
    "referral_reminder": (
        "referral_id",
        "person_ref",
        "item_title",
        "answer_due",
        "working_days_left",
    ),
    "referral_overdue": ("referral_id", "person_ref", "item_title", "employer_name", "answer_due"),
    "referral_expired": ("referral_id", "person_ref", "item_title", "employer_name"),
    "referral_answered": (
        "referral_id",
        "person_ref",
        "item_title",
        "state_label",
        "reason_label",
        "suggestion",
    ),
    "retention_due": ("referral_id", "person_ref", "item_title", "hired_on", "due_on"),
    "stay_ending": ("referral_id", "person_ref", "centre_name", "stay_until"),
    "capacity_stale_notice": ("item_title", "confirmed_on", "leaves_on"),
    "plan_action_due": ("person_ref", "action_label", "due_on"),
    "released": ("person_ref", "release_date"),
}
"""Each kind and its parameters (besides the link, which every kind may carry)."""

DATES: Final = frozenset(
    {"answer_due", "hired_on", "due_on", "stay_until", "confirmed_on", "leaves_on", "release_date"}
)
OPTIONAL: Final = {"reason_label": "reason", "suggestion": "suggestion"}
"""Parameters that may be empty, and the message (``<kind>_<message>``) of their own line, which
an empty value leaves out."""

IDS: Final = frozenset({"referral_id", "person_ref"})
"""Identifiers: one shaped like an IIN is refused (in a name or a title, 12 digits in a row
are masked instead, so imported data cannot block a referral)."""
SUBJECT_MAX: Final = 300
_IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")


def format_date(day: date) -> str:
    """``27.01.2027`` in every language."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def working_days(n: int, lang: str) -> str:
    """``3 рабочих дня``, ``3 жұмыс күні``, ``3 working days`` (the plural form by
    ``catalogs.i18n``)."""
    return messages("service.notify").text("working_days", lang, n=n)


def render(
    kind: str, lang: str, params: Mapping[str, object], *, link: str | None = None
) -> tuple[str, str]:
    """The subject and body of one notification of ``kind`` in ``lang``."""
    if lang not in LANGS:
        lang = DEFAULT_LANG
    values = _checked(kind, params, lang)
    text = messages("service.notify").text
    paragraphs = [text("greeting", lang), text(f"{kind}_body", lang, **values)]
    extras = [
        text(f"{kind}_{message}", lang, **values)
        for name, message in OPTIONAL.items()
        if values.get(name)
    ]
    if extras:
        paragraphs.append("\n".join(extras))
    if link:
        paragraphs.append(f"{text('link_intro', lang)}\n{link}")
    paragraphs.append(text("footer", lang))
    subject = " ".join(text(f"{kind}_subject", lang, **values).split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    return subject, "\n\n".join(paragraphs) + "\n"


def _checked(kind: str, params: Mapping[str, object], lang: str) -> dict[str, str]:
    """``params`` as strings ready for the templates; refuses an unknown kind, a missing or
    unexpected parameter, a date that is not a date and an identifier that looks like an IIN;
    masks 12 digits in a row in any other text."""
    expected = KINDS.get(kind)
    if expected is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    missing = set(expected) - set(params)
    unexpected = set(params) - set(expected)
    if missing or unexpected:
        raise ValueError(
            f"{kind}: missing {sorted(missing)}, unexpected {sorted(unexpected)} parameters"
        )
    values: dict[str, str] = {}
    for name, value in params.items():
        if name in DATES:
            if not isinstance(value, date):
                raise TypeError(f"{kind}: {name} must be a date, not {type(value).__name__}")
            values[name] = format_date(value)
        elif name == "working_days_left":
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{kind}: working_days_left must be an int")
            values[name] = working_days(value, lang)
        else:
            text = "" if value is None and name in OPTIONAL else str(value).strip()
            if _IIN.search(text):
                if name in IDS:
                    raise ValueError(f"{kind}: {name} looks like an IIN, which is never sent")
                text = _IIN.sub("***", text)
            values[name] = text
            if not text and name not in OPTIONAL:
                raise ValueError(f"{kind}: {name} is empty")
    return values
