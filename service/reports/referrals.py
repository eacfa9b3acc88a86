"""What the referrals to quota vacancies say about the employers' side: places held now,
referrals that expired unanswered, and how long employers take to answer."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import sqlalchemy as sa
from sqlmodel import Session, col

from service.reports.areas import LEVELS, Key, keys_of
from service.store.tables import Vacancy
from service.store.workflow import Referral, ReferralEvent

ANSWERS: Final = ("interview", "hired", "declined", "no_show")
"""States that are the employer's answer to a referral (``viewed`` is not: the employer has
only opened it)."""


@dataclass
class ReferralLine:
    """The referral figures of one row."""

    held: int = 0
    expired_no_answer: int = 0
    answer_days: list[int] = field(default_factory=list)

    @property
    def median_days_to_answer(self) -> float | None:
        return float(statistics.median(self.answer_days)) if self.answer_days else None


def _as_date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def referral_figures(
    session: Session, area: sa.ColumnElement[bool], today: date
) -> dict[str, dict[Key, ReferralLine]]:
    """Referrals made on or before ``today`` to the area's quota vacancies, by level and key:
    those holding a place now, those expired without an answer by ``today``, and each
    answered one's days from ``sent_on`` to its first answer dated by ``today``."""
    district = sa.func.substr(col(Vacancy.kato), 1, 4)
    quota_referrals = sa.and_(
        col(Referral.item_kind) == "vacancy",
        col(Referral.sent_on) <= today,
        col(Vacancy.is_quota),
        area,
    )
    unanswered = sa.and_(
        col(Referral.state) == "expired",
        col(Referral.reason) == "no_answer",
        col(Referral.state_on) <= today,
    )
    counts = session.execute(
        sa.select(
            col(Vacancy.employer_bin),
            district,
            sa.func.count(sa.case((col(Referral.place) == "held", 1))),
            sa.func.count(sa.case((unanswered, 1))),
        )
        .join(Vacancy, col(Vacancy.vacancy_id) == col(Referral.item_id))
        .where(quota_referrals)
        .group_by(col(Vacancy.employer_bin), district)
    ).all()
    first_answer = (
        sa.select(
            col(ReferralEvent.referral_id).label("referral_id"),
            sa.func.min(ReferralEvent.on).label("answered_on"),
        )
        .where(col(ReferralEvent.to_state).in_(ANSWERS), col(ReferralEvent.on) <= today)
        .group_by(col(ReferralEvent.referral_id))
        .subquery()
    )
    answers = session.execute(
        sa.select(
            col(Vacancy.employer_bin), district, col(Referral.sent_on), first_answer.c.answered_on
        )
        .join(first_answer, first_answer.c.referral_id == col(Referral.id))
        .join(Vacancy, col(Vacancy.vacancy_id) == col(Referral.item_id))
        .where(quota_referrals)
    ).all()
    lines: dict[Key, ReferralLine] = {}
    for bin_, code, held, expired in counts:
        lines[(bin_, code)] = ReferralLine(held=int(held), expired_no_answer=int(expired))
    for bin_, code, sent, answered in answers:
        days = max(0, (_as_date(answered) - _as_date(sent)).days)
        lines.setdefault((bin_, code), ReferralLine()).answer_days.append(days)
    return roll_up(lines.items())


def roll_up(lines: Iterable[tuple[Key, ReferralLine]]) -> dict[str, dict[Key, ReferralLine]]:
    """Employer lines (BIN, district) summed to every level; answer times pooled."""
    figures: dict[str, dict[Key, ReferralLine]] = {level: {} for level in LEVELS}
    for (bin_, code), line in lines:
        for level, key in keys_of(bin_, code).items():
            total = figures[level].setdefault(key, ReferralLine())
            total.held += line.held
            total.expired_no_answer += line.expired_no_answer
            total.answer_days.extend(line.answer_days)
    return figures
