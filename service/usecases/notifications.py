"""A token holder's notifications and the kinds they switched off; the reasons a referral's
moves take, with their labels, cool-downs and suggested messages."""

from __future__ import annotations

from dataclasses import dataclass

from catalogs.i18n import messages
from catalogs.referrals import lifecycle, reasons
from service.notify import messages as templates
from service.notify import outbox
from service.runtime import Runtime
from service.store.workflow import Notification
from service.usecases.actor import Actor
from service.usecases.errors import Invalid, Unauthorized


def recipient_of(actor: Actor) -> str:
    """Who the actor is to the outbox: an employer reads its organisation's notifications, a
    staff member those of the token."""
    if actor.role == "employer" and actor.employer_bin is not None:
        return f"employer:{actor.employer_bin}"
    if actor.token_id is None:
        raise Unauthorized("no_recipient")
    return f"token:{actor.token_id}"


def inbox(rt: Runtime, actor: Actor, *, limit: int) -> list[Notification]:
    with rt.session() as session:
        return outbox.inbox(session, recipient_of(actor), limit=limit)


@dataclass(frozen=True)
class Setting:
    kind: str
    enabled: bool


def settings(rt: Runtime, actor: Actor) -> list[Setting]:
    recipient = recipient_of(actor)
    with rt.session() as session:
        return [
            Setting(kind, outbox.is_enabled(session, recipient, kind)) for kind in templates.KINDS
        ]


def switch(rt: Runtime, actor: Actor, kind: str, *, enabled: bool) -> Setting:
    """Switch one kind of notification off or back on, for notifications made from now on."""
    if kind not in templates.KINDS:
        raise Invalid("unknown_notification_kind", kind=kind)
    recipient = recipient_of(actor)
    with rt.writing() as session:
        outbox.set_enabled(session, recipient, kind, enabled)
        session.commit()
    return Setting(kind, enabled)


def referral_reasons(lang: str) -> dict[str, list[dict[str, object]]]:
    """Every reason code a move takes, labelled in ``lang``; a decline's with its cool-down
    and the message suggested to the officer; where a person went on leaving a centre."""
    catalog = messages("catalogs")
    service = messages("service")
    declines = reasons.decline_reasons()
    found: dict[str, list[dict[str, object]]] = {}
    for state, codes in lifecycle.REASONS.items():
        entries: list[dict[str, object]] = []
        for code in codes:
            entry: dict[str, object] = {"code": code, "label": catalog.text(f"reason_{code}", lang)}
            if state == "declined":
                entry["cooldown_days"] = declines[code].cooldown_days
                entry["suggestion"] = declines[code].message[lang]
            entries.append(entry)
        found[state] = entries
    found["destinations"] = [
        {"code": code, "label": service.text(f"referral_destination_{code}", lang)}
        for code in lifecycle.DESTINATIONS
    ]
    return found
