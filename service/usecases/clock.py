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
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from catalogs import law
from catalogs.i18n import messages
from catalogs.referrals import clocks, lifecycle
from catalogs.workdays import add_working_days
from service.notify import outbox
from service.runtime import Runtime
from service.store import changes
from service.store import referrals as store
from service.store.workflow import ClockRun, Referral
from service.usecases import access
from service.usecases import clock_catalog as catalog_clocks
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
            "plan_actions_due",
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
    catalog_clocks.capacity(rt, day, summary.counts)
    catalog_clocks.released(rt, day, summary.counts)
    catalog_clocks.plan_actions(rt, day, summary.counts)
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


@dataclass
class Batch:
    """One batch of referrals in its write transaction, with the names its messages need."""

    session: Session
    titles: dict[tuple[str, str], str]
    employers: dict[str, str]

    def title(self, row: Referral) -> str:
        return self.titles.get((row.item_kind, row.item_id), row.item_id)

    def employer(self, row: Referral) -> str:
        return self.employers.get(row.employer_bin or "", row.employer_bin or "")


Step = Callable[[Runtime, Batch, Referral, date, ClockSummary], None]


def _in_batches(
    rt: Runtime,
    where: list[sa.ColumnElement[bool]],
    step: Step,
    day: date,
    summary: ClockSummary,
) -> None:
    """``step`` on every referral ``where`` selects, ``BATCH`` at a time, each batch in its
    own write transaction."""
    with rt.session() as session:
        ids = list(session.exec(select(col(Referral.id)).where(*where).order_by(col(Referral.id))))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with rt.writing() as session:
            rows = list(session.exec(select(Referral).where(col(Referral.id).in_(chunk))))
            batch = Batch(
                session,
                store.item_titles(session, [(r.item_kind, r.item_id) for r in rows]),
                store.employer_names(session, (r.employer_bin for r in rows)),
            )
            expired = summary.counts["expired"]
            for row in rows:
                step(rt, batch, row, day, summary)
            if summary.counts["expired"] != expired:
                changes.bump(session, "places")  # once a batch: lists reread their places
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


OVERDUE_STEP = len(clocks.REMINDER_WORKING_DAYS) + 1


def _waiting(rt: Runtime, batch: Batch, row: Referral, day: date, summary: ClockSummary) -> None:
    """Reminders, the overdue notice and the expiry of one referral awaiting an answer; each
    is done once (``clock_step``), so a daily run touches only what is new."""
    assert row.id is not None
    if day >= clocks.expires_on(row.sent_on):
        _expire(
            rt,
            batch,
            row,
            day,
            summary,
            reason="no_answer" if row.state != "proposed" else "not_sent",
        )
        return
    if row.state == "proposed" or row.answer_due is None:
        return
    step = row.clock_step
    if row.employer_bin is not None:
        for number, when in enumerate(clocks.reminder_days(row.sent_on), start=1):
            if day >= when and step < number:
                step = number
                if _tell(rt, batch, row, "referral_reminder", f"employer:{row.employer_bin}",
                         key=f"referral_reminder:{row.id}:{number}",
                         person_ref=rt.protector.pseudonym(row.person_id,
                                                           employer_bin=row.employer_bin),
                         answer_due=row.answer_due,
                         working_days_left=_working_days_left(when, row.answer_due)):  # fmt: skip
                    summary.counts["reminders"] += 1
    if day > row.answer_due and step < OVERDUE_STEP:
        step = OVERDUE_STEP
        if store.officer_of(row) is not None and _tell(
            rt, batch, row, "referral_overdue", str(store.officer_of(row)),
            key=f"referral_overdue:{row.id}", person_ref=row.person_id,
            employer_name=batch.employer(row), answer_due=row.answer_due,
        ):  # fmt: skip
            summary.counts["overdue"] += 1
    if step != row.clock_step:
        row.clock_step = step
        batch.session.add(row)


def _tell(
    rt: Runtime, batch: Batch, row: Referral, kind: str, recipient: str, *, key: str,
    item_param: str = "item_title", **params: object,
) -> bool:  # fmt: skip
    """Queue one notification about ``row``; whether it was new."""
    assert row.id is not None
    found = outbox.queue(
        batch.session,
        key=key,
        kind=kind,
        recipient=recipient,
        params={"referral_id": row.id, item_param: batch.title(row), **params},
        link=rt.settings.link(f"/referrals/{row.id}"),
        referral_id=row.id,
    )
    return found is not None


def _working_days_left(today: date, due: date) -> int:
    left = 0
    while add_working_days(today, left + 1) <= due:
        left += 1
    return left


def _expire(
    rt: Runtime, batch: Batch, row: Referral, day: date, summary: ClockSummary, *, reason: str
) -> None:
    assert row.id is not None
    session = batch.session
    on = min(day, clocks.expires_on(row.sent_on))
    before = row.state
    with session.no_autoflush:
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
    values = {"state": "expired", "place": "free", "state_on": on, "reason": reason,
              "answer_due": None}  # fmt: skip
    for name, value in values.items():
        set_committed_value(row, name, value)  # as written by the update: nothing to flush
    store.add_event(session, row, from_state=before, on=on, actor=CLOCK, reason=reason)
    if reason == "no_answer":
        store.write_outcome(session, row, on=on, author=CLOCK)
    summary.counts["expired"] += 1
    if store.officer_of(row) is not None:
        _tell(rt, batch, row, "referral_expired", str(store.officer_of(row)),
              key=f"referral_expired:{row.id}", person_ref=row.person_id,
              employer_name=batch.employer(row))  # fmt: skip


def _retention(rt: Runtime, batch: Batch, row: Referral, day: date, summary: ClockSummary) -> None:
    assert row.id is not None
    assert row.contract_start is not None
    due = clocks.retention_due(row.contract_start)
    if day < due:
        return
    recipients = []
    if row.employer_bin is not None:
        ref = rt.protector.pseudonym(row.person_id, employer_bin=row.employer_bin)
        recipients.append((f"employer:{row.employer_bin}", ref))
    if store.officer_of(row) is not None:
        recipients.append((str(store.officer_of(row)), row.person_id))
    for recipient, person_ref in recipients:
        if _tell(rt, batch, row, "retention_due", recipient,
                 key=f"retention_due:{row.id}:{recipient}", person_ref=person_ref,
                 hired_on=row.contract_start, due_on=due):  # fmt: skip
            summary.counts["retention_due"] += 1


def _stay(rt: Runtime, batch: Batch, row: Referral, day: date, summary: ClockSummary) -> None:
    assert row.id is not None
    assert row.stay_until is not None
    if store.officer_of(row) is not None and _tell(
        rt, batch, row, "stay_ending", str(store.officer_of(row)),
        key=f"stay_ending:{row.id}:{row.stay_until.isoformat()}", item_param="centre_name",
        person_ref=row.person_id, stay_until=row.stay_until,
    ):  # fmt: skip
        summary.counts["stay_ending"] += 1
