"""Moving a referral along its lifecycle (``catalogs.referrals.lifecycle``): by staff, by the
employer and by the daily clock. A move is applied only if the referral is still in the state
it was read in, so two answers given at once cannot both win; the referral, its history entry,
the outcome event its state writes, the notifications and the audit entry commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.i18n import messages
from catalogs.referrals import clocks, lifecycle, reasons
from service.notify import outbox
from service.runtime import Runtime
from service.store import audit, changes
from service.store import referrals as store
from service.store.tables import Shelter
from service.store.workflow import Referral
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Forbidden, Invalid, Label, NotFound, Problem
from service.usecases.referral_views import (
    ReferralView,
    item_title,
    readable,
    today_or,
    views,
)

PRIVATE_REASONS = frozenset({"health", "record_refused", "returned_to_custody"})
"""Reasons that speak of health or the criminal record: never written into a message (the
officer reads them in the application, through the link)."""


@dataclass(frozen=True)
class Move:
    """What a transition asks for, beyond the target state."""

    to: str
    reason: str | None = None
    on: date | None = None
    contract_start: date | None = None
    contract_months: int | None = None
    destination: str | None = None
    until: date | None = None
    note: str | None = None


def move(
    rt: Runtime, actor: Actor, referral_id: int, change: Move, *, today: date | None = None
) -> ReferralView:
    """Move a referral to ``change.to``; a move that makes no sense is refused and changes
    nothing (409 for the state, 422 for what the move carries)."""
    day = today_or(today)
    on = change.on or day
    with rt.writing() as session:
        row = readable(session, actor, referral_id)
        if actor.role == "employer" and row.employer_bin != actor.employer_bin:
            raise NotFound("unknown_referral", id=referral_id)
        refusal = lifecycle.check_move(row.item_kind, row.state, change.to, role=actor.role)
        if refusal is not None:
            kind = Forbidden if refusal.code in ("not_for_employer", "only_the_clock") else Conflict
            raise _refused(kind, refusal)
        refusal = lifecycle.check_reason(change.to, change.reason)
        if refusal is not None:
            raise _refused(Invalid, refusal)
        if on > day:
            raise Invalid("referral_date_in_future", date=on.strftime("%d.%m.%Y"))
        if on < row.state_on:
            raise Invalid("referral_date_before_state", date=row.state_on.strftime("%d.%m.%Y"))
        with session.no_autoflush:  # the row is changed by the conditional update below
            _apply_details(session, row, change, on)
            before = row.state
            _set_state(row, change.to, on, reason=change.reason)
            updated = session.execute(
                sa.update(Referral)
                .where(col(Referral.id) == referral_id, col(Referral.state) == before)
                .values(
                    state=row.state,
                    place=row.place,
                    state_on=row.state_on,
                    reason=row.reason,
                    answer_due=row.answer_due,
                    contract_start=row.contract_start,
                    contract_months=row.contract_months,
                    destination=row.destination,
                    stay_until=row.stay_until,
                    updated_at=sa.func.now(),
                )
                .execution_options(synchronize_session=False)
            )
        if updated.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("referral_changed", id=referral_id)
        store.add_event(
            session, row, from_state=before, on=on, actor=actor.author,
            reason=change.reason, note=change.note, protector=rt.protector,
        )  # fmt: skip
        store.write_outcome(session, row, on=on, author=actor.author)
        changes.bump(session, "places")
        _tell_officer(rt, session, row, before)
        audit.record(session, actor=actor, person_ids=[row.person_id], action="referral")
        session.commit()
        return views(rt, session, actor, [row])[0]


def _refused(kind: type[Problem], refusal: lifecycle.Refusal) -> Problem:
    problem = kind(f"referral_{refusal.code}")
    problem.params = _labelled(refusal)
    return problem


def _labelled(refusal: lifecycle.Refusal) -> dict[str, object]:
    """The refusal's codes as labels in the reader's language."""
    params: dict[str, object] = {}
    for key, value in refusal.params.items():
        if key in ("state", "current") and refusal.code != "unknown_state":
            params[key] = Label("referral_state_", str(value))
        elif key == "allowed" and refusal.code in ("reason_needed", "bad_reason"):
            params[key] = Label("reason_", *value, package="catalogs")  # type: ignore[misc]
        elif key == "allowed":
            params[key] = Label("referral_state_", *value)  # type: ignore[misc]
        else:
            params[key] = value
    return params


def _apply_details(session: Session, row: Referral, change: Move, on: date) -> None:
    """Check and copy what the target state carries (contract, destination, stay)."""
    if change.to == "hired":
        if change.contract_months is None or change.contract_months < 1:
            raise Invalid("referral_contract_needed")
        row.contract_start = change.contract_start or on
        row.contract_months = change.contract_months
    elif change.to == "retained_3m":
        start = row.contract_start or row.state_on
        due = clocks.retention_due(start)
        if on < due:
            raise Invalid("referral_retention_too_soon", date=due.strftime("%d.%m.%Y"))
    elif change.to == "departed":
        if change.destination not in lifecycle.DESTINATIONS:
            raise Invalid(
                "referral_destination_needed",
                allowed=Label("referral_destination_", *lifecycle.DESTINATIONS),
            )
        row.destination = change.destination
    elif change.to in ("arrived", "extended"):
        centre = session.get(Shelter, row.item_id)
        limit_days = centre.max_stay_days if centre is not None else 180
        arrived = on if change.to == "arrived" else _arrival(session, row)
        last = clocks.last_possible_stay_day(arrived, limit_days)
        if change.to == "arrived":
            row.stay_until = min(clocks.first_stay_until(on, limit_days), last)
        else:
            if (
                change.until is None
                or change.until <= (row.stay_until or on)
                or change.until > last
            ):
                raise Invalid("referral_bad_extension", last=last.strftime("%d.%m.%Y"))
            row.stay_until = change.until


def _arrival(session: Session, row: Referral) -> date:
    for event in store.history(session, [row.id or 0]).get(row.id or 0, []):
        if event.to_state == "arrived":
            return event.on
    return row.state_on


def _set_state(row: Referral, state: str, on: date, *, reason: str | None) -> None:
    row.state = state
    row.place = lifecycle.place(row.item_kind, state)
    row.state_on = on
    row.reason = reason
    if state not in lifecycle.AWAITING[row.item_kind]:
        row.answer_due = None
    elif row.answer_due is None:
        row.answer_due = clocks.answer_due(on)
        row.sent_on = on


def _tell_officer(rt: Runtime, session: Session, row: Referral, before: str) -> None:
    """The officer who referred learns of every answer the other side gives, in the
    officer's language."""
    recipient = store.officer_of(row)
    if recipient is None or row.state in ("withdrawn", "viewed", "extended"):
        return
    assert row.id is not None
    lang = outbox.language_of(session, recipient)
    item = store.item_row(session, row.item_kind, row.item_id)
    suggestion = ""
    shown_reason = row.reason if row.reason not in PRIVATE_REASONS else None
    if row.state == "declined" and shown_reason:
        found = reasons.decline_reasons().get(shown_reason)
        suggestion = found.message.get(lang, "") if found else ""
    outbox.queue(
        session,
        key=f"referral_answered:{row.id}:{before}:{row.state}",
        kind="referral_answered",
        recipient=recipient,
        params={
            "referral_id": row.id,
            "person_ref": row.person_id,
            "item_title": item_title(item) if item is not None else row.item_id,
            "state_label": messages("service").text(f"referral_state_{row.state}", lang),
            "reason_label": messages("catalogs").text(f"reason_{shown_reason}", lang)
            if shown_reason
            else "",
            "suggestion": suggestion,
        },
        link=rt.settings.link(f"/referrals/{row.id}"),
        referral_id=row.id,
    )
