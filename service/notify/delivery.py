"""Delivery of queued notifications, safe to run from several processes or hosts at once.

Each due notification is first *claimed* in a short write transaction of its own: its next
attempt moves ``LEASE`` ahead, and only the process whose UPDATE changed the row sends it. It
is sent outside any transaction, then the outcome is recorded: ``sent``, or a failed attempt
retried after ``RETRY_AFTER`` (1 min, 5 min, 30 min, 2 h), and ``failed`` after
``MAX_ATTEMPTS``. A process that dies while sending leaves a claim that runs out after the
lease: the notification is then tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlmodel import col

from service.notify import senders as senders_
from service.notify.outbox import as_utc
from service.notify.senders import Sender
from service.runtime import Runtime
from service.store.workflow import Notification, utcnow

log = logging.getLogger(__name__)

LEASE: Final = timedelta(minutes=15)
"""How long a claim keeps other processes off a notification being sent."""
RETRY_AFTER: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
"""The wait after the 1st, 2nd, ... failed attempt."""
MAX_ATTEMPTS: Final = len(RETRY_AFTER) + 1
ERROR_MAX: Final = 500


@dataclass
class DeliveryReport:
    """What one ``deliver`` run did."""

    sent: int = 0
    retrying: int = 0
    """Failed attempts that will be tried again."""
    failed: int = 0
    """Notifications whose last attempt failed (state ``failed``)."""
    taken: int = 0
    """Due notifications another process claimed first."""
    no_sender: dict[str, int] = field(default_factory=dict)
    """Due notifications left queued because no sender is configured for their channel."""

    @property
    def waiting(self) -> int:
        """Due notifications left queued for want of a sender, on every channel."""
        return sum(self.no_sender.values())

    def summary(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "taken": self.taken,
            "waiting": self.waiting,
            "no_sender": dict(self.no_sender),
        }


def deliver(
    rt: Runtime,
    *,
    now: datetime | None = None,
    limit: int = 100,
    senders: Mapping[str, Sender] | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` notifications due at ``now`` (default: the current time) through
    ``senders`` by channel (default: those the settings configure)."""
    chosen = senders_.from_settings(rt.settings) if senders is None else senders
    start = as_utc(now) if now is not None else utcnow()

    def clock() -> datetime:
        return start if now is not None else utcnow()

    report = DeliveryReport()
    due = [
        col(Notification.state) == "queued",
        col(Notification.next_attempt_at) <= start,
    ]
    with rt.session() as session:
        waiting = session.execute(
            sa.select(col(Notification.channel), sa.func.count())
            .where(*due, col(Notification.channel).not_in(list(chosen)))
            .group_by(col(Notification.channel))
        )
        report.no_sender = {channel: int(count) for channel, count in waiting}
        found = session.scalars(
            sa.select(col(Notification.id))
            .where(*due, col(Notification.channel).in_(list(chosen)))
            .order_by(col(Notification.next_attempt_at), col(Notification.id))
            .limit(limit)
        )
        ids = [notification_id for notification_id in found if notification_id is not None]
    for notification_id in ids:
        notification = _claim(rt, notification_id, clock())
        if notification is None:
            report.taken += 1
            continue
        try:
            chosen[notification.channel].send(notification)
        except Exception as error:
            if _record_failure(rt, notification, error, clock()):
                report.failed += 1
            else:
                report.retrying += 1
        else:
            _record_sent(rt, notification_id, clock())
            report.sent += 1
    if report.no_sender:
        log.warning("notifications left queued, no sender for: %s", report.no_sender)
    return report


def _claim(rt: Runtime, notification_id: int, now: datetime) -> Notification | None:
    """The notification, now this process's to send; None when another process has it."""
    with rt.writing() as session:
        claimed = session.execute(
            sa.update(Notification)
            .where(
                col(Notification.id) == notification_id,
                col(Notification.state) == "queued",
                col(Notification.next_attempt_at) <= now,
            )
            .values(next_attempt_at=now + LEASE)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return None
        notification = session.get(Notification, notification_id)
        assert notification is not None
        session.expunge(notification)
        session.commit()
        return notification


def _record_sent(rt: Runtime, notification_id: int, at: datetime) -> None:
    with rt.writing() as session:
        session.execute(
            sa.update(Notification)
            .where(col(Notification.id) == notification_id, col(Notification.state) == "queued")
            .values(
                state="sent",
                sent_at=at,
                attempts=col(Notification.attempts) + 1,
                next_attempt_at=None,
                last_error=None,
            )
        )
        session.commit()


def _record_failure(
    rt: Runtime, notification: Notification, error: Exception, at: datetime
) -> bool:
    """Count the failed attempt and schedule the next one; True when it was the last."""
    attempts = notification.attempts + 1
    last = attempts >= MAX_ATTEMPTS
    message = f"{type(error).__name__}: {error}"
    log.warning("notification %s not sent (attempt %d): %s", notification.id, attempts, message)
    with rt.writing() as session:
        session.execute(
            sa.update(Notification)
            .where(col(Notification.id) == notification.id, col(Notification.state) == "queued")
            .values(
                state="failed" if last else "queued",
                attempts=attempts,
                next_attempt_at=None if last else at + RETRY_AFTER[attempts - 1],
                last_error=message[:ERROR_MAX],
            )
        )
        session.commit()
    return last
