"""Writing referrals: their events, the outcome events they write, open referrals and
employers' cool-downs. The places items have are in ``service.store.places`` and the reading
of referrals (history, lists, labels) in ``service.store.referral_reads``; this module names
them all, so that a use case reads one module.

The capacity check and the insert of a new referral happen in one write transaction that has
locked the item's row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
transactions are serialised already), so that two referrals to the last free place cannot
both succeed: the database decides, not timing.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.referrals import lifecycle
from service.store import impressions
from service.store.places import (
    DECLINES_KEPT_DAYS,
    Item,
    Overlay,
    Places,
    Standing,
    beds_for_referrals,
    item_row,
    load_overlay,
    lock_item,
    place_counts,
    places_of,
    vacancy_limit,
)
from service.store.protect import Protector
from service.store.referral_reads import Event, Filter, employer_names, find, history, item_titles
from service.store.tables import OutcomeEvent
from service.store.workflow import Referral, ReferralEvent

__all__ = [
    "DECLINES_KEPT_DAYS", "Event", "Filter", "Item", "Overlay", "Places", "Standing",
    "add_event", "beds_for_referrals", "cooldowns", "employer_names", "find", "history",
    "item_row", "item_titles", "load_overlay", "lock_item", "officer_of", "open_referral",
    "place_counts", "places_of", "vacancy_limit", "write_outcome",
]  # fmt: skip


def open_referral(session: Session, person_id: str, kind: str, item_id: str) -> Referral | None:
    return session.exec(  # type: ignore[call-overload, no-any-return]
        sa.select(Referral)
        .where(
            col(Referral.person_id) == person_id,
            col(Referral.item_kind) == kind,
            col(Referral.item_id) == item_id,
            col(Referral.place).in_(("held", "taken")),
        )
        .limit(1)
    ).scalar_one_or_none()


def cooldowns(
    session: Session, person_id: str, today: date, days: dict[str, int]
) -> dict[str, date]:
    """Employers that declined the person recently: BIN -> the first day they may be proposed
    again (``days``: cool-down per reason)."""
    longest = max(days.values(), default=0)
    query = sa.select(
        col(Referral.employer_bin), col(Referral.reason), col(Referral.state_on)
    ).where(
        col(Referral.person_id) == person_id,
        col(Referral.state) == "declined",
        col(Referral.employer_bin).is_not(None),
        col(Referral.state_on) > today - timedelta(days=longest),
    )
    found: dict[str, date] = {}
    for employer_bin, reason, state_on in session.execute(query):
        until = state_on + timedelta(days=days.get(reason or "other", days.get("other", 0)))
        if until > today and until > found.get(employer_bin, date.min):
            found[employer_bin] = until
    return found


def officer_of(referral: Referral) -> str | None:
    """Who made the referral, as a recipient of notifications: the token, or the account of
    the pages (``<role>:account:<id>``); none for the command line."""
    if referral.created_by_token is not None:
        return f"token:{referral.created_by_token}"
    role, _, account = referral.created_by.partition(":account:")
    return f"account:{account}" if role and account.isdigit() else None


def add_event(
    session: Session,
    referral: Referral,
    *,
    from_state: str | None,
    on: date,
    actor: str,
    reason: str | None = None,
    note: str | None = None,
    protector: Protector | None = None,
) -> None:
    """Record the referral's change; a ``note`` is stored encrypted with ``protector``."""
    assert referral.id is not None
    if note is not None and protector is None:
        raise ValueError("a note is stored encrypted: pass the protector")
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_state=from_state,
            to_state=referral.state,
            on=on,
            actor=actor,
            reason=reason,
            note_cipher=None if protector is None else protector.encrypt(note),
        )
    )


def write_outcome(
    session: Session, referral: Referral, *, on: date, author: str | None = None
) -> None:
    """The outcome event of the referral's new state (``lifecycle.OUTCOME``), unless the same
    event is recorded already; ``author`` is who made the move (``created_by``)."""
    event = lifecycle.OUTCOME.get((referral.item_kind, referral.state))
    if event is None:
        return
    reason = referral.reason
    if referral.state == "no_show":
        reason = "no_show"
    elif referral.state == "expired":
        reason = "no_answer"
    elif event == "left" and reason not in lifecycle.REASONS["departed"]:
        reason = None
    exists = session.scalar(
        sa.select(sa.func.count()).where(
            col(OutcomeEvent.person_id) == referral.person_id,
            col(OutcomeEvent.item_kind) == referral.item_kind,
            col(OutcomeEvent.item_id) == referral.item_id,
            col(OutcomeEvent.event) == event,
            col(OutcomeEvent.date) == on,
        )
    )
    if exists:
        return
    shown: tuple[int | None, float | None, str | None] = (None, None, None)
    if event == "referred":  # the list it was chosen from: what training corrects for
        pair = (referral.person_id, referral.item_kind, referral.item_id)
        shown = impressions.referral_ranks(session, [(pair, on)]).get((pair, on), shown)
    session.add(
        OutcomeEvent(
            person_id=referral.person_id,
            item_kind=referral.item_kind,
            item_id=referral.item_id,
            event=event,
            date=on,
            reason=reason,
            contract_months=referral.contract_months if event == "hired" else None,
            source="referral",
            created_by=author,
            rank=shown[0],
            score=shown[1],
            model_version=shown[2],
        )
    )
