"""What a list shows of the places referrals hold, as of this moment.

The engine ranks from a snapshot of the catalogs; referrals change by the minute. So each list
is checked against the places as they stand (``referrals.Overlay``, reloaded by every process
within ``MATCHER_SERVING_CHECK_SECONDS`` of a referral or a confirmation; the database decides
the referral itself): an item with no free place left leaves
it (unless this person holds one of its places), an item whose capacity nobody confirmed for
``STALE_CAPACITY_DAYS`` leaves it, a vacancy of an employer that declined the person leaves it
for the decline's cool-down, and an item the person is already referred to says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from catalogs.referrals import clocks, reasons
from matcher import Reason, Recommendation
from service.store import referrals as store

PAD = 20
"""How many more items a list asks the engine for, to make up for those that leave it."""
MAX_REASONS = 5
"""A list item carries at most this many reasons (CONTRACT.md)."""


def live(
    overlay: store.Overlay,
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
    mine = overlay.held_by(person_id, kind)
    cooling: dict[str, date] = {}
    if kind == "vacancy":
        days = {code: r.cooldown_days for code, r in reasons.decline_reasons().items()}
        cooling = overlay.cooldowns(person_id, today, days)
    shown: list[Recommendation] = []
    for item in items:
        now = overlay.standing_of(kind, item.id)
        if now is None:
            shown.append(item)
            continue
        referral = mine.get(item.id)
        places = now.places
        if referral is None and (
            clocks.capacity_is_stale(now.confirmed_on, today)
            or now.employer_bin in cooling
            or (places.free is not None and places.free <= 0)
        ):
            continue
        notes: list[Reason] = []
        if referral is not None:
            sent_on, state = referral
            notes.append(
                Reason(
                    "already_referred",
                    {"date": sent_on.strftime("%d.%m.%Y"), "state": _StateLabel(state)},
                )
            )
        elif places.limit is not None and kind != "shelter" and places.free is not None:
            notes.append(Reason("places_free", {"free": places.free, "limit": places.limit}))
        # the places free now are said once: a quota reason keeps only its period, and a
        # course's seats are not said again
        counted = bool(notes) and notes[0].code == "places_free"
        kept = [
            Reason("quota_period", {"until": r.params.get("until", "—")})
            if r.code == "quota_slots" and counted
            else r
            for r in item.reasons
            if not (counted and r.code == "course_seats")
        ]
        reasons_now = (*notes, *kept)[:MAX_REASONS]
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
