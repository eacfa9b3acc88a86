"""The daily clock (``matcher clock``; the server runs it once a day by itself).

As of a day it: reminds employers of referrals awaiting an answer (working days 5 and 8),
tells the officer when the answer is overdue (after day 10) and expires the referral after
day 20 (``no_answer``, its place freed); asks for the 3-month retention check 90 days after a
hire; warns 14 days before a shelter stay ends and before a vacancy's capacity goes stale;
marks persons ``in_custody`` whose release date has passed as released. Then it sends the
notifications that are due.

Every step is idempotent: a notification has a once-only key and a state change applies only
to a referral still in the state it was read in, so running a day twice, or two hosts running
it at once, changes nothing more. Work is done in batches of ``BATCH`` referrals, each in its
own short write transaction, so that a national run never holds the write lock for long.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from catalogs import law
from catalogs.i18n import messages
from catalogs.referrals import clocks, lifecycle
from catalogs.workdays import add_working_days
from service.notify import outbox
from service.runtime import Runtime
from service.store import changes
from service.store import referrals as store
from service.store.tables import ApiToken, Person, Shelter, Vacancy
from service.store.workflow import ClockRun, Referral
from service.usecases import access
from service.usecases.actor import Actor

BATCH = 500
CLOCK = "clock"


@dataclass
class ClockSummary:
    day: date
    counts: Counter[str] = field(default_factory=Counter)
    delivery: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            **dict(sorted(self.counts.items())),
            "delivery": self.delivery,
        }

    def text(self, lang: str) -> str:
        table = messages("service")
        lines = [table.text("clock_header", lang, day=self.day.strftime("%d.%m.%Y"))]
        for key in (
            "reminders",
            "overdue",
            "expired",
            "retention_due",
            "stay_ending",
            "capacity_notices",
            "released",
        ):
            lines.append(table.text(f"clock_{key}", lang, count=self.counts.get(key, 0)))
        lines.append(
            table.text(
                "clock_delivery",
                lang,
                sent=self.delivery.get("sent", 0),
                failed=self.delivery.get("failed", 0),
                waiting=self.delivery.get("waiting", 0),
            )
        )
        return "\n".join(lines)


def run(
    rt: Runtime, actor: Actor, *, as_of: date | None = None, deliver: bool = True
) -> ClockSummary:
    """Apply the clocks as of ``as_of`` (default today) and send what is due."""
    access.admin_only(actor)
    day = as_of or date.today()
    summary = ClockSummary(day)
    _referrals(rt, day, summary)
    _capacity(rt, day, summary)
    _released(rt, day, summary)
    with rt.writing() as session:
        found = session.get(ClockRun, day)
        if found is None:
            found = ClockRun(day=day)
            session.add(found)
        found.summary = dict(summary.counts)
        found.finished_at = sa.func.now()  # type: ignore[assignment]
        session.commit()
    if deliver:
        summary.delivery = send_due(rt)
    return summary


def send_due(rt: Runtime) -> dict[str, int]:
    """Send every notification that is due, in rounds of ``BATCH``."""
    from service.notify import delivery

    totals: Counter[str] = Counter()
    while True:
        report = delivery.deliver(rt, limit=BATCH)
        handled = report.sent + report.retrying + report.failed + report.taken
        totals.update(sent=report.sent, retrying=report.retrying, failed=report.failed)
        totals["waiting"] = report.waiting
        if handled < BATCH:
            return dict(totals)


Step = Callable[[Runtime, Session, Referral, date, ClockSummary], None]


def _in_batches(
    rt: Runtime, where: list[sa.ColumnElement[bool]], step: Step, day: date, summary: ClockSummary
) -> None:
    """``step`` on every referral ``where`` selects, ``BATCH`` at a time, each batch in its
    own write transaction."""
    with rt.session() as session:
        ids = list(session.exec(select(col(Referral.id)).where(*where).order_by(col(Referral.id))))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with rt.writing() as session:
            for row in session.exec(select(Referral).where(col(Referral.id).in_(chunk))):
                step(rt, session, row, day, summary)
            session.commit()


def _referrals(rt: Runtime, day: date, summary: ClockSummary) -> None:
    waiting = [sa.or_(col(Referral.answer_due).is_not(None), col(Referral.state) == "proposed")]
    _in_batches(rt, waiting, _waiting, day, summary)
    hired = [
        col(Referral.state) == "hired",
        col(Referral.contract_start) <= day - timedelta(days=law.RETENTION_DAYS),
    ]
    _in_batches(rt, hired, _retention, day, summary)
    staying = [
        col(Referral.state).in_(("arrived", "extended")),
        col(Referral.stay_until) <= day + timedelta(days=clocks.STAY_ENDING_NOTICE_DAYS),
    ]
    _in_batches(rt, staying, _stay, day, summary)


def _title(session: Session, row: Referral) -> str:
    item = store.item_row(session, row.item_kind, row.item_id)
    return getattr(item, "title", None) or getattr(item, "name", None) or row.item_id


def _link(rt: Runtime, referral_id: int) -> str:
    base = rt.settings.public_url
    return f"{base.rstrip('/')}/referrals/{referral_id}"


def _waiting(
    rt: Runtime, session: Session, row: Referral, day: date, summary: ClockSummary
) -> None:
    assert row.id is not None
    if row.state == "proposed":
        if day >= clocks.expires_on(row.sent_on):
            _expire(rt, session, row, day, summary, reason="not_sent")
        return
    if day >= clocks.expires_on(row.sent_on):
        _expire(rt, session, row, day, summary, reason="no_answer")
        return
    names = store.employer_names(session, [row.employer_bin])
    if row.employer_bin is not None:
        for number, when in zip(
            clocks.REMINDER_WORKING_DAYS, clocks.reminder_days(row.sent_on), strict=True
        ):
            if day >= when and row.answer_due is not None:
                left = _working_days_left(when, row.answer_due)
                if (
                    outbox.queue(
                        session,
                        key=f"referral_reminder:{row.id}:{number}",
                        kind="referral_reminder",
                        recipient=f"employer:{row.employer_bin}",
                        params={
                            "referral_id": row.id,
                            "person_ref": rt.protector.pseudonym(row.person_id),
                            "item_title": _title(session, row),
                            "answer_due": row.answer_due,
                            "working_days_left": left,
                        },
                        link=_link(rt, row.id),
                        referral_id=row.id,
                    )
                    is not None
                ):
                    summary.counts["reminders"] += 1
    overdue = row.answer_due is not None and day > row.answer_due
    if (
        overdue
        and row.created_by_token is not None
        and outbox.queue(
            session,
            key=f"referral_overdue:{row.id}",
            kind="referral_overdue",
            recipient=f"token:{row.created_by_token}",
            params={
                "referral_id": row.id,
                "person_ref": row.person_id,
                "item_title": _title(session, row),
                "employer_name": names.get(row.employer_bin or "", row.employer_bin or ""),
                "answer_due": row.answer_due,
            },
            link=_link(rt, row.id),
            referral_id=row.id,
        )
        is not None
    ):
        summary.counts["overdue"] += 1


def _working_days_left(today: date, due: date) -> int:
    left = 0
    while add_working_days(today, left + 1) <= due:
        left += 1
    return left


def _expire(
    rt: Runtime, session: Session, row: Referral, day: date, summary: ClockSummary, *, reason: str
) -> None:
    assert row.id is not None
    on = min(day, clocks.expires_on(row.sent_on))
    before = row.state
    updated = session.execute(
        sa.update(Referral)
        .where(col(Referral.id) == row.id, col(Referral.state) == before)
        .values(
            state="expired",
            place=lifecycle.place(row.item_kind, "expired"),
            state_on=on,
            reason=reason,
            answer_due=None,
            updated_at=sa.func.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        return
    row.state, row.place, row.state_on, row.reason, row.answer_due = (
        "expired",
        "free",
        on,
        reason,
        None,
    )
    store.add_event(session, row, from_state=before, on=on, actor=CLOCK, reason=reason)
    if reason == "no_answer":
        store.write_outcome(session, row, on=on)
    summary.counts["expired"] += 1
    if row.created_by_token is not None:
        names = store.employer_names(session, [row.employer_bin])
        outbox.queue(
            session,
            key=f"referral_expired:{row.id}",
            kind="referral_expired",
            recipient=f"token:{row.created_by_token}",
            params={
                "referral_id": row.id,
                "person_ref": row.person_id,
                "item_title": _title(session, row),
                "employer_name": names.get(row.employer_bin or "", row.employer_bin or ""),
            },
            link=_link(rt, row.id),
            referral_id=row.id,
        )


def _retention(
    rt: Runtime, session: Session, row: Referral, day: date, summary: ClockSummary
) -> None:
    assert row.id is not None
    assert row.contract_start is not None
    due = clocks.retention_due(row.contract_start)
    if day < due:
        return
    params = {
        "referral_id": row.id,
        "item_title": _title(session, row),
        "hired_on": row.contract_start,
        "due_on": due,
    }
    recipients = []
    if row.employer_bin is not None:
        recipients.append((f"employer:{row.employer_bin}", rt.protector.pseudonym(row.person_id)))
    if row.created_by_token is not None:
        recipients.append((f"token:{row.created_by_token}", row.person_id))
    for recipient, person_ref in recipients:
        if (
            outbox.queue(
                session,
                key=f"retention_due:{row.id}:{recipient}",
                kind="retention_due",
                recipient=recipient,
                params={**params, "person_ref": person_ref},
                link=_link(rt, row.id),
                referral_id=row.id,
            )
            is not None
        ):
            summary.counts["retention_due"] += 1


def _stay(rt: Runtime, session: Session, row: Referral, day: date, summary: ClockSummary) -> None:
    assert row.id is not None
    assert row.stay_until is not None
    if row.created_by_token is None:
        return
    if (
        outbox.queue(
            session,
            key=f"stay_ending:{row.id}:{row.stay_until.isoformat()}",
            kind="stay_ending",
            recipient=f"token:{row.created_by_token}",
            params={
                "referral_id": row.id,
                "person_ref": row.person_id,
                "centre_name": _title(session, row),
                "stay_until": row.stay_until,
            },
            link=_link(rt, row.id),
            referral_id=row.id,
        )
        is not None
    ):
        summary.counts["stay_ending"] += 1


def _capacity(rt: Runtime, day: date, summary: ClockSummary) -> None:
    """Owners are told ``STALE_NOTICE_DAYS`` before a capacity goes stale: a vacancy's
    employer; for a centre, the officers of its region (centres have no accounts)."""
    notice_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS - clocks.STALE_NOTICE_DAYS)
    stale_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS)
    base = rt.settings.public_url
    with rt.writing() as session:
        vacancies = session.execute(
            sa.select(
                col(Vacancy.vacancy_id),
                col(Vacancy.title),
                col(Vacancy.employer_bin),
                col(Vacancy.capacity_confirmed_on),
            ).where(
                col(Vacancy.status) == "open",
                col(Vacancy.capacity_confirmed_on) <= notice_from,
                col(Vacancy.capacity_confirmed_on) > stale_from,
            )
        ).all()
        for vacancy_id, title, employer_bin, confirmed in vacancies:
            leaves = confirmed + timedelta(days=clocks.STALE_CAPACITY_DAYS)
            if (
                outbox.queue(
                    session,
                    key=f"capacity_stale_notice:vacancy:{vacancy_id}:{confirmed.isoformat()}",
                    kind="capacity_stale_notice",
                    recipient=f"employer:{employer_bin}",
                    params={"item_title": title, "confirmed_on": confirmed, "leaves_on": leaves},
                    link=f"{base.rstrip('/')}/vacancies/{vacancy_id}",
                )
                is not None
            ):
                summary.counts["capacity_notices"] += 1
        shelters = session.execute(
            sa.select(
                col(Shelter.shelter_id),
                col(Shelter.name),
                col(Shelter.region_kato),
                col(Shelter.capacity_confirmed_on),
            ).where(
                col(Shelter.capacity_confirmed_on) <= notice_from,
                col(Shelter.capacity_confirmed_on) > stale_from,
            )
        ).all()
        officers = session.execute(
            sa.select(col(ApiToken.id), col(ApiToken.region_kato)).where(
                col(ApiToken.role) == "officer", col(ApiToken.revoked_at).is_(None)
            )
        ).all()
        for shelter_id, name, region, confirmed in shelters:
            leaves = confirmed + timedelta(days=clocks.STALE_CAPACITY_DAYS)
            for token_id, token_region in officers:
                if token_region is not None and token_region[:2] != region[:2]:
                    continue
                if (
                    outbox.queue(
                        session,
                        key=f"capacity_stale_notice:shelter:{shelter_id}:{confirmed.isoformat()}:{token_id}",
                        kind="capacity_stale_notice",
                        recipient=f"token:{token_id}",
                        params={"item_title": name, "confirmed_on": confirmed, "leaves_on": leaves},
                        link=f"{base.rstrip('/')}/shelters/{shelter_id}",
                    )
                    is not None
                ):
                    summary.counts["capacity_notices"] += 1
        session.commit()


def _released(rt: Runtime, day: date, summary: ClockSummary) -> None:
    """A person ``in_custody`` whose release date has passed is released from that day."""
    with rt.writing() as session:
        updated = session.execute(
            sa.update(Person)
            .where(col(Person.status) == "in_custody", col(Person.release_date) <= day)
            .values(status="released", probation_kind="post_penitentiary", updated_at=sa.func.now())
            .execution_options(synchronize_session=False)
        )
        count = int(updated.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            changes.bump(session, "persons")
        session.commit()
    summary.counts["released"] += count
