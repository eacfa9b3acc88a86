"""How a referral reads: its view for each reader (an employer sees the person as a
pseudonym until the hire), labels in the reader's language, deadlines, and who may read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from catalogs import law
from catalogs.i18n import messages
from catalogs.referrals import clocks
from service.runtime import Runtime
from service.store import referrals as store
from service.store.tables import Person, Vacancy
from service.store.workflow import Referral
from service.usecases.actor import Actor
from service.usecases.errors import NotFound


@dataclass(frozen=True)
class ReferralView:
    """A referral as its reader may see it: an employer sees the person only by pseudonym
    until the hire, then by the name the person agreed to share."""

    row: Referral
    item_title: str
    employer_name: str | None
    person: str
    history: list[store.Event] = field(default_factory=list)
    deadlines: dict[str, date] = field(default_factory=dict)

    def as_dict(self, lang: str, today: date | None = None) -> dict[str, object]:
        """What the API and ``--json`` answer; labels in ``lang``; each deadline also as the
        days left until it (negative when passed) as of ``today``."""
        row = self.row
        day = today or date.today()
        return {
            "id": row.id,
            "person": self.person,
            "item_kind": row.item_kind,
            "item_id": row.item_id,
            "item_title": self.item_title,
            "employer_bin": row.employer_bin,
            "employer_name": self.employer_name,
            "state": row.state,
            "state_label": state_label(row.state, lang),
            "place": row.place,
            "source": row.source,
            "sent_on": row.sent_on,
            "state_on": row.state_on,
            "reason": row.reason,
            "reason_label": reason_label(row.reason, lang),
            "contract_start": row.contract_start,
            "contract_months": row.contract_months,
            "destination": row.destination,
            "deadlines": self.deadlines,
            "days_left": {name: (due - day).days for name, due in self.deadlines.items()},
            "history": [
                {
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "label": state_label(event.to_state, lang),
                    "on": event.on,
                    "actor": event.actor,
                    "reason": event.reason,
                    "reason_label": reason_label(event.reason, lang),
                    "note": event.note,
                    "at": event.at,
                }
                for event in self.history
            ],
        }


def state_label(state: str, lang: str) -> str:
    return messages("service").text(f"referral_state_{state}", lang)


def reason_label(reason: str | None, lang: str) -> str | None:
    return None if reason is None else messages("catalogs").text(f"reason_{reason}", lang)


def today_or(today: date | None) -> date:
    return today or date.today()


def item_title(item: store.Item) -> str:
    return str(getattr(item, "title", None) or getattr(item, "name", ""))


def _deadlines(row: Referral, item: store.Item | None) -> dict[str, date]:
    found: dict[str, date] = {}
    if row.answer_due is not None:
        found["answer_due"] = row.answer_due
        found["expires_on"] = clocks.expires_on(row.sent_on)
    if row.state == "hired" and row.contract_start is not None:
        found["retention_due"] = clocks.retention_due(row.contract_start)
    if row.stay_until is not None and row.state in ("arrived", "extended"):
        found["stay_until"] = row.stay_until
    if isinstance(item, Vacancy) and item.is_quota and item.quota_from is not None:
        found["quota_window_last_day"] = law.quota_window_last_day(item.quota_from)
    return found


def views(rt: Runtime, session: Session, actor: Actor, rows: list[Referral]) -> list[ReferralView]:
    names = store.employer_names(session, (r.employer_bin for r in rows))
    events = store.history(
        session, [r.id for r in rows if r.id is not None], protector=rt.protector
    )
    views = []
    for row in rows:
        item = store.item_row(session, row.item_kind, row.item_id)
        views.append(
            ReferralView(
                row=row,
                item_title=item_title(item) if item is not None else row.item_id,
                employer_name=names.get(row.employer_bin or ""),
                person=_person_label(rt, session, actor, row),
                history=events.get(row.id or 0, []),
                deadlines=_deadlines(row, item),
            )
        )
    return views


def _person_label(rt: Runtime, session: Session, actor: Actor, row: Referral) -> str:
    if actor.role != "employer":
        return row.person_id
    if row.state in ("hired", "retained_3m", "quit"):
        person = session.get(Person, row.person_id)
        if person is not None and person.consent_employer_view and person.full_name_cipher:
            return rt.protector.decrypt(person.full_name_cipher) or rt.protector.pseudonym(
                row.person_id, employer_bin=actor.employer_bin or ""
            )
    return rt.protector.pseudonym(row.person_id, employer_bin=actor.employer_bin or "")


def readable(session: Session, actor: Actor, referral_id: int) -> Referral:
    """The referral if the actor may see it; otherwise unknown, so that ids do not leak."""
    row = session.get(Referral, referral_id)
    if row is None:
        raise NotFound("unknown_referral", id=referral_id)
    if actor.role == "employer":
        if row.employer_bin != actor.employer_bin or row.state == "proposed":
            raise NotFound("unknown_referral", id=referral_id)
    elif not actor.is_staff or not actor.sees_region(row.region_kato):
        raise NotFound("unknown_referral", id=referral_id)
    return row
