"""Who was referred to a vacancy, hired, and kept: person-vacancy pairs from both histories the
service holds, the outcome events (imported from other systems, recorded through the API, or
written by referrals) and the referrals' own state changes.

A pair counts once whatever the number of its events or sources, so a referral that wrote its
outcome events is not counted twice, and an imported history with no referral still counts.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from service.reports.areas import LEVELS, Key, keys_of
from service.store.tables import OutcomeEvent, Vacancy
from service.store.workflow import Referral, ReferralEvent

SENT: Final = ("sent", "viewed", "interview", "hired", "declined", "no_show", "retained_3m", "quit")
"""States that only a referral the employer received can reach: it counts as referred."""
HIRED: Final = ("hired", "retained_3m", "quit")
"""States that follow a hire."""


def pairs(today: date) -> sa.Subquery:
    """One line per (vacancy, person) with events dated on or before ``today``: whether the
    person was ``referred``, ``hired``, and whether the hire ``fulfilled`` a quota (a contract
    of at least 3 months, or a 3-month retention reported)."""
    event = col(OutcomeEvent.event)
    hired = event == "hired"
    months = law.FULFILMENT_MONTHS
    long_contract = sa.or_(
        sa.and_(hired, col(OutcomeEvent.contract_months) >= months), event == "retained_3m"
    )
    from_events = sa.select(
        col(OutcomeEvent.item_id).label("item_id"),
        col(OutcomeEvent.person_id).label("person_id"),
        sa.case((event == "referred", 1), else_=0).label("referred"),
        sa.case((hired, 1), else_=0).label("hired"),
        sa.case((long_contract, 1), else_=0).label("fulfilled"),
    ).where(
        col(OutcomeEvent.item_kind) == "vacancy",
        event.in_(("referred", "hired", "retained_3m")),
        col(OutcomeEvent.date) <= today,
    )
    state = col(ReferralEvent.to_state)
    kept = sa.or_(
        state == "retained_3m",
        sa.and_(state == "hired", col(Referral.contract_months) >= months),
    )
    from_referrals = (
        sa.select(
            col(Referral.item_id),
            col(Referral.person_id),
            sa.literal(1),
            sa.case((state.in_(HIRED), 1), else_=0),
            sa.case((kept, 1), else_=0),
        )
        .join(ReferralEvent, col(ReferralEvent.referral_id) == col(Referral.id))
        .where(
            col(Referral.item_kind) == "vacancy",
            state.in_(SENT),
            col(ReferralEvent.on) <= today,
        )
    )
    both = sa.union_all(from_events, from_referrals).subquery()
    return (
        sa.select(
            both.c.item_id,
            both.c.person_id,
            sa.func.max(both.c.referred).label("referred"),
            sa.func.max(both.c.hired).label("hired"),
            sa.func.max(both.c.fulfilled).label("fulfilled"),
        )
        .group_by(both.c.item_id, both.c.person_id)
        .subquery()
    )


def event_figures(
    session: Session, area: sa.ColumnElement[bool], today: date
) -> dict[str, dict[Key, list[int]]]:
    """Referred persons, hired and fulfilled person-vacancy pairs, hires outside the quota,
    by level and key.

    The database makes the person-vacancy pairs, then lines per employer, district, quota or
    not and person; Python rolls those up to every level. Pair counts add up across levels;
    referred persons are kept as sets, since a person referred to two employers is one person
    in their district.
    """
    found = pairs(today)
    district = sa.func.substr(col(Vacancy.kato), 1, 4)
    by_person = (col(Vacancy.employer_bin), district, col(Vacancy.is_quota), found.c.person_id)
    grouped = session.execute(
        sa.select(
            *by_person,
            sa.func.max(found.c.referred),
            sa.func.sum(found.c.hired),
            sa.func.sum(found.c.fulfilled),
        )
        .join(Vacancy, found.c.item_id == col(Vacancy.vacancy_id))
        .where(area)
        .group_by(*by_person)
    )
    # Per employer and district first (one cheap step per line), then unions and sums.
    employers: dict[Key, tuple[set[str], list[int]]] = {}
    for bin_, code, is_quota, person, was_referred, hires, fulfilled in grouped:
        persons, line = employers.setdefault((bin_, code), (set(), [0, 0, 0, 0]))
        if is_quota:
            line[1] += hires
            line[2] += fulfilled
            if was_referred:
                persons.add(person)
        else:
            line[3] += hires
    figures: dict[str, dict[Key, list[int]]] = {level: {} for level in LEVELS}
    referred: dict[str, dict[Key, set[str]]] = {level: {} for level in LEVELS}
    for (bin_, code), (persons, line) in employers.items():
        for level, key in keys_of(bin_, code).items():
            total = figures[level].setdefault(key, [0, 0, 0, 0])
            for index in (1, 2, 3):
                total[index] += line[index]
            referred[level].setdefault(key, set()).update(persons)
    for level, lines in figures.items():
        for key, total in lines.items():
            total[0] = len(referred[level][key])
    return figures
