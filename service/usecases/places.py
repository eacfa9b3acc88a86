"""What a list shows of the places referrals hold, as of this moment.

The engine ranks from a snapshot of the catalogs; referrals change by the minute. So each list
is checked against the database when it is answered: an item with no free place left leaves
it (unless this person holds one of its places), an item whose capacity nobody confirmed for
``STALE_CAPACITY_DAYS`` leaves it, a vacancy of an employer that declined the person leaves it
for the decline's cool-down, and an item the person is already referred to says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.referrals import clocks, reasons
from matcher import Reason, Recommendation
from service.store import referrals as store
from service.store.workflow import Referral

PAD = 20
"""How many more items a list asks the engine for, to make up for those that leave it."""
MAX_REASONS = 5
"""A list item carries at most this many reasons (CONTRACT.md)."""


def _rows(session: Session, kind: str, ids: Sequence[str]) -> dict[str, store.Item]:
    table = store._TABLES[kind]
    key = getattr(table, store._KEYS[kind])
    found = session.exec(sa.select(table).where(key.in_(list(ids)))).scalars()  # type: ignore[call-overload]
    return {getattr(row, store._KEYS[kind]): row for row in found}


def _mine(session: Session, person_id: str, kind: str, ids: Sequence[str]) -> dict[str, Referral]:
    rows = session.exec(  # type: ignore[call-overload]
        sa.select(Referral).where(
            col(Referral.person_id) == person_id,
            col(Referral.item_kind) == kind,
            col(Referral.item_id).in_(list(ids)),
            col(Referral.place).in_(("held", "taken")),
        )
    ).scalars()
    return {row.item_id: row for row in rows}


def live(
    session: Session,
    person_id: str,
    kind: str,
    items: Sequence[Recommendation],
    *,
    today: date,
    limit: int,
) -> list[Recommendation]:
    """``items`` as they stand now, at most ``limit`` of them (see the module's docstring)."""
    ids = [item.id for item in items]
    if not ids:
        return []
    rows = _rows(session, kind, ids)
    counts = store.place_counts(session, kind, ids)
    mine = _mine(session, person_id, kind, ids)
    cooling: dict[str, date] = {}
    if kind == "vacancy":
        days = {code: r.cooldown_days for code, r in reasons.decline_reasons().items()}
        cooling = store.cooldowns(session, person_id, today, days)
    shown: list[Recommendation] = []
    for item in items:
        row = rows.get(item.id)
        if row is None:
            shown.append(item)
            continue
        referral = mine.get(item.id)
        if referral is None:
            if clocks.capacity_is_stale(getattr(row, "capacity_confirmed_on", None), today):
                continue
            if getattr(row, "employer_bin", None) in cooling:
                continue
        held, taken = counts.get(item.id, (0, 0))
        places = store.places_of(row, held, taken)
        if referral is None and places.free is not None and places.free <= 0:
            continue
        notes: list[Reason] = []
        if referral is not None:
            notes.append(
                Reason(
                    "already_referred",
                    {
                        "date": referral.sent_on.strftime("%d.%m.%Y"),
                        "state": _StateLabel(referral.state),
                    },
                )
            )
        elif places.limit is not None and kind != "shelter" and places.free is not None:
            notes.append(Reason("places_free", {"free": places.free, "limit": places.limit}))
        reasons_now = (*notes, *item.reasons)[:MAX_REASONS]
        shown.append(replace(item, reasons=reasons_now) if notes else item)
        if len(shown) == limit:
            break
    return shown


class _StateLabel:
    """A referral state shown by its label in the reader's language (``Reason.text`` renders
    parameters that have a ``render(lang)``)."""

    def __init__(self, state: str) -> None:
        self.state = state

    def render(self, lang: str) -> str:
        from catalogs.i18n import messages

        return messages("service").text(f"referral_state_{self.state}", lang)
