"""Referrals: a person sent to a vacancy, a course or a shelter, from a shortlist, a plan or an
allocation, moved along its lifecycle (``catalogs.referrals.lifecycle``) by staff, by the
employer and by the daily clock (``service.usecases.clock``).

Each change is one write transaction: the referral, its history entry, the outcome event its
state writes (so that the quota ledger and retraining read one history), the notifications it
causes and the audit entry commit together or not at all. A move is applied only if the
referral is still in the state it was read in, so two answers given at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs.i18n import messages
from catalogs.referrals import clocks, lifecycle, reasons
from service.notify import outbox
from service.plans import versions as plan_versions
from service.runtime import Runtime
from service.store import audit, changes
from service.store import referrals as store
from service.store.tables import Shelter, Vacancy
from service.store.workflow import Referral
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Forbidden, Invalid, Label, NotFound, Problem
from service.usecases.referral_views import (
    ReferralView,
    item_title,
    readable,
    today_or,
    views,
)

MAX_LIST = 500
PRIVATE_REASONS = frozenset({"health", "record_refused", "returned_to_custody"})
"""Reasons that speak of health or the criminal record: never written into a message (the
officer reads them in the application, through the link)."""
VIEWS = ("waiting", "overdue", "expired_this_week")
"""Ready-made lists: waiting for an answer (by deadline), past the answer deadline, expired
since Monday."""


def refer(
    rt: Runtime,
    actor: Actor,
    *,
    person_id: str,
    item_kind: str,
    item_id: str,
    start: str | None = None,
    source: str = "shortlist",
    today: date | None = None,
    note: str | None = None,
    plan_action: str | None = None,
) -> ReferralView:
    """Refer a person to an item: holds one of its places, or is refused (409) when none is
    free, when the person is already referred there, or while a decline's cool-down runs.
    Made for an action of the person's plan (``plan_action``), that action becomes done and
    names the referral, in the same transaction. An accepted line of an allocation is a
    referral with ``source="allocation"`` (the line's item, or one of its alternatives)."""
    access.staff_only(actor)
    day = today_or(today)
    if item_kind not in lifecycle.FIRST_STATE:
        raise Invalid("unknown_list_kind", kind=item_kind)
    state = start or lifecycle.FIRST_STATE[item_kind]
    if state != lifecycle.FIRST_STATE[item_kind] and not (
        item_kind == "vacancy" and state == "proposed"
    ):
        raise Invalid("referral_bad_start", state=state)
    with rt.writing() as session:
        person = access.person(session, actor, person_id)
        item = store.lock_item(session, item_kind, item_id)
        if item is None:
            raise NotFound("unknown_item", kind=item_kind, id=item_id)
        if isinstance(item, Vacancy) and item.status != "open":
            raise Conflict("referral_item_closed", id=item_id)
        if store.open_referral(session, person_id, item_kind, item_id) is not None:
            raise Conflict("referral_exists", person=person_id, id=item_id)
        employer_bin = item.employer_bin if isinstance(item, Vacancy) else None
        if employer_bin is not None:
            table = {code: r.cooldown_days for code, r in reasons.decline_reasons().items()}
            until = store.cooldowns(session, person_id, day, table).get(employer_bin)
            if until is not None:
                raise Conflict("referral_cooldown", until=until.strftime("%d.%m.%Y"))
        held, taken = store.place_counts(session, item_kind, [item_id]).get(item_id, (0, 0))
        places = store.places_of(item, held, taken)
        if places.free is not None and places.free <= 0:
            raise Conflict("referral_no_place", id=item_id, limit=places.limit or 0)
        row = Referral(
            person_id=person_id,
            item_kind=item_kind,
            item_id=item_id,
            employer_bin=employer_bin,
            region_kato=person.region_kato,
            state=state,
            place=lifecycle.place(item_kind, state),
            source=source,
            sent_on=day,
            answer_due=clocks.answer_due(day) if state in lifecycle.AWAITING[item_kind] else None,
            state_on=day,
            created_by=actor.author,
            created_by_token=actor.token_id,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        store.add_event(
            session, row, from_state=None, on=day, actor=actor.author, note=note,
            protector=rt.protector,
        )  # fmt: skip
        changes.bump(session, "places")
        store.write_outcome(session, row, on=day, author=actor.author)
        if plan_action is not None:
            try:
                plan_versions.link_referral(
                    session, person_id, plan_action, row.id, author=actor.author,
                    protector=rt.protector,
                )  # fmt: skip
            except plan_versions.PlanError as error:
                params: dict[str, Any] = dict(error.params)
                raise NotFound(f"plan_{error.code}", **params) from None
        if employer_bin is not None and state == "sent":
            _tell_employer(rt, session, row, item_title(item))
        audit.record(session, actor=actor, person_ids=[person_id], action="refer")
        session.commit()
        return views(rt, session, actor, [row])[0]


def _tell_employer(rt: Runtime, session: Session, row: Referral, title: str) -> None:
    assert row.id is not None
    assert row.answer_due is not None
    outbox.queue(
        session,
        key=f"referral_new:{row.id}",
        kind="referral_new",
        recipient=f"employer:{row.employer_bin}",
        params={
            "referral_id": row.id,
            "person_ref": rt.protector.pseudonym(
                row.person_id, employer_bin=row.employer_bin or ""
            ),
            "item_title": title,
            "answer_due": row.answer_due,
        },
        link=rt.settings.link(f"/referrals/{row.id}"),
        referral_id=row.id,
    )


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


def get(rt: Runtime, actor: Actor, referral_id: int, *, today: date | None = None) -> ReferralView:
    """One referral with its history. When the employer opens a referral just sent to it, the
    referral becomes ``viewed`` (the officer then knows it reached someone)."""
    with rt.session() as session:
        row = readable(session, actor, referral_id)
        person_id, opened = row.person_id, actor.role == "employer" and row.state == "sent"
        found = None if opened else views(rt, session, actor, [row])[0]
    _audit_read(rt, actor, [person_id], "referral_read")
    if found is not None:
        return found
    try:
        return move(rt, actor, referral_id, Move(to="viewed"), today=today)
    except Conflict:  # answered a moment ago by someone else: show it as it is now
        with rt.session() as session:
            return views(rt, session, actor, [readable(session, actor, referral_id)])[0]


def listing(
    rt: Runtime,
    actor: Actor,
    *,
    person_id: str | None = None,
    state: str | None = None,
    employer_bin: str | None = None,
    view: str | None = None,
    today: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ReferralView]:
    """Referrals the actor may see, narrowed as asked; ``view`` picks a ready-made list."""
    day = today_or(today)
    if state is not None and state not in lifecycle.ALL_STATES:
        raise Invalid(
            "referral_unknown_state",
            state=state,
            allowed=Label("referral_state_", *lifecycle.ALL_STATES),
        )
    if view is not None and view not in VIEWS:
        raise Invalid("referral_unknown_view", view=view, allowed=Label("referral_view_", *VIEWS))
    where = store.Filter(person_id=person_id, state=state, employer_bin=employer_bin)
    if actor.role == "employer":
        if employer_bin not in (None, actor.employer_bin):
            raise Forbidden("forbidden_employer")
        where = store.Filter(person_id=None, state=state, employer_bin=actor.employer_bin)
    elif not actor.is_staff:
        raise Forbidden("forbidden_role", role=actor.role)
    else:
        where = store.Filter(
            person_id=person_id, state=state, employer_bin=employer_bin,
            region_kato=actor.region_kato,
        )  # fmt: skip
    if view == "waiting":
        where = store.Filter(**{**where.__dict__, "awaiting": True})
    elif view == "overdue":
        where = store.Filter(**{**where.__dict__, "awaiting": True, "answer_due_before": day})
    elif view == "expired_this_week":
        monday = day - timedelta(days=day.weekday())
        where = store.Filter(**{**where.__dict__, "expired_since": monday})
    with rt.session() as session:
        if person_id is not None and actor.is_staff:
            access.person(session, actor, person_id)
        rows = store.find(session, where, limit=min(limit, MAX_LIST), offset=offset)
        if actor.role == "employer":
            rows = [r for r in rows if r.state != "proposed"]
        found = views(rt, session, actor, rows)
    _audit_read(rt, actor, list(dict.fromkeys(v.row.person_id for v in found)), "referral_list")
    return found


def _audit_read(rt: Runtime, actor: Actor, person_ids: list[str], action: str) -> None:
    """Reads of referrals are in the audit trail, in a short write of their own."""
    if not person_ids:
        return
    with rt.writing() as session:
        audit.record(session, actor=actor, person_ids=person_ids, action=action)
        session.commit()
