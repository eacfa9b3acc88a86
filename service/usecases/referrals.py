"""Referrals: a person sent to a vacancy, a course or a shelter, from a shortlist, a plan or an
allocation, moved along its lifecycle (``catalogs.referrals.lifecycle``) by staff, by the
employer and by the daily clock (``service.usecases.clock``).

Each change is one write transaction: the referral, its history entry, the outcome event its
state writes (so that the quota ledger and retraining read one history), the notifications it
causes and the audit entry commit together or not at all. Making a referral and reading them
are here; moving one along its lifecycle is ``service.usecases.referral_moves`` (named here too).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from catalogs.referrals import clocks, lifecycle, reasons
from service.notify import outbox
from service.plans import versions as plan_versions
from service.runtime import Runtime
from service.store import audit, changes
from service.store import referrals as store
from service.store.tables import Vacancy
from service.store.workflow import Referral
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Forbidden, Invalid, Label, NotFound
from service.usecases.referral_moves import Move, move
from service.usecases.referral_views import (
    ReferralView,
    item_title,
    readable,
    today_or,
    views,
)

__all__ = ["MAX_LIST", "VIEWS", "Move", "get", "listing", "move", "refer"]

MAX_LIST = 500
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
