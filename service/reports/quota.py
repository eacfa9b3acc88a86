"""The quota ledger: what employers owe, offer and fill, and how many people the job quotas
actually place (``matcher report quota``, ``GET /reports/quota``). Every figure is defined in
docs/reports.md.

The counting is done by the database (a few grouped queries, the same on SQLite and
PostgreSQL), one module per source: the quota vacancies (``vacancies``), referrals and hires
from the outcome events and the referrals (``placements``), the referrals' answers
(``referrals``), the employers' obligations (``obligations``) and the released persons'
outcomes (``outcomes``). This module merges their lines into rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from service.reports.areas import (
    LEVELS,
    Key,
    UnknownArea,
    area_prefix,
    district_of,
    place_name,
    region_of,
)
from service.reports.obligations import by_level, quota_employers
from service.reports.outcomes import RETENTION_DAYS, outcomes
from service.reports.placements import event_figures
from service.reports.referrals import ReferralLine, referral_figures
from service.reports.shapes import (
    IncompleteEmployer,
    LedgerRow,
    Outcomes,
    QuotaLedger,
    Retention,
    VacancyWindow,
)
from service.reports.vacancies import NO_VACANCIES, VacancyLine, vacancy_figures, windows
from service.store.tables import Vacancy

__all__ = [
    "FULFILMENT_MONTHS", "LEVELS", "RETENTION_DAYS", "IncompleteEmployer", "LedgerRow",
    "Outcomes", "QuotaLedger", "Retention", "UnknownArea", "VacancyWindow", "area_prefix",
    "district_of", "place_name", "quota_ledger", "region_of",
]  # fmt: skip

FULFILMENT_MONTHS = law.FULFILMENT_MONTHS
"""A quota is fulfilled by a labour contract of at least 3 months (Order No. 412)."""


def _rows(
    level: str,
    vacancies: dict[Key, VacancyLine],
    events: dict[Key, list[int]],
    referrals: dict[Key, ReferralLine],
    owed: dict[Key, list[int | None]],
    names: dict[str, str],
    today: date,
) -> list[LedgerRow]:
    """Ledger rows for every key with quota vacancies, events or quota employers (always one
    for the total)."""
    if level == "total":
        keys: set[Key] = {()}
    elif level == "employer":
        keys = set(vacancies) | set(owed)
    else:
        keys = set(vacancies) | set(events) | set(owed)
    rows = []
    for key in keys:
        count, slots, open_, running, soonest, name, running_slots = vacancies.get(
            key, NO_VACANCIES
        )
        referred, hired, fulfilled, outside = events.get(key, (0, 0, 0, 0))
        answers = referrals.get(key, ReferralLine())
        obligation, incomplete = owed.get(key, (None if level == "employer" else 0, 0))
        if isinstance(soonest, str):  # SQLite hands back an aggregated date as text
            soonest = date.fromisoformat(soonest)
        days_left = None if soonest is None else (law.quota_window_last_day(soonest) - today).days
        if level == "employer":
            bin_, district = key
            code, region, district = bin_, region_of(district), district_of(district)
            name = names.get(bin_, name)
        elif level == "district":
            code = district_of(key[0])
            region, district = region_of(code), code
        elif level == "region":
            code = region_of(key[0])
            region, district = code, None
        else:
            code, region, district = "", None, None
        rows.append(
            LedgerRow(
                level=level,
                key=code,
                region_kato=region,
                district_kato=district,
                employer_name=name if level == "employer" else None,
                quota_vacancies=int(count),
                quota_slots=int(slots),
                open_quota_vacancies=int(open_),
                windows_open=int(running),
                days_left=days_left,
                referred=int(referred),
                hired=int(hired),
                fulfilled=int(fulfilled),
                hired_outside_quota=int(outside),
                obligation=obligation,
                incomplete=int(incomplete or 0),
                referrals_open=answers.held,
                expired_no_answer=answers.expired_no_answer,
                median_days_to_answer=answers.median_days_to_answer,
                quota_slots_in_window=int(running_slots),
            )
        )
    return rows


def quota_ledger(session: Session, *, kato: str | None, today: date) -> QuotaLedger:
    """The quota ledger of an area (None: the whole country) as of ``today``.

    Raises ``UnknownArea`` for a code that is not a KATO place or prefix.
    """
    prefix = area_prefix(kato)
    area = col(Vacancy.kato).startswith(prefix) if prefix else sa.true()
    kato_col = col(Vacancy.kato)
    levels: list[tuple[str, list[Any]]] = [
        ("total", []),
        ("region", [sa.func.substr(kato_col, 1, 2)]),
        ("district", [sa.func.substr(kato_col, 1, 4)]),
        ("employer", [col(Vacancy.employer_bin), sa.func.substr(kato_col, 1, 4)]),
    ]
    events = event_figures(session, area, today)
    referrals = referral_figures(session, area, today)
    employers = quota_employers(session, prefix, today)
    owed = by_level(employers)
    names = {e.employer_bin: e.name for e in employers}
    by_level_rows: dict[str, list[LedgerRow]] = {}
    for level, keys in levels:
        vacancies = vacancy_figures(session, keys, area, today)
        by_level_rows[level] = _rows(
            level, vacancies, events[level], referrals[level], owed[level], names, today
        )
    rows = list(by_level_rows["total"])
    for region in sorted(by_level_rows["region"], key=lambda r: r.key):
        rows.append(region)
        for district in sorted(by_level_rows["district"], key=lambda r: r.key):
            if district.region_kato != region.key:
                continue
            rows.append(district)
            own = [r for r in by_level_rows["employer"] if r.district_kato == district.key]
            rows.extend(sorted(own, key=lambda r: (-r.quota_slots, r.key)))
    return QuotaLedger(
        today=today,
        kato=kato.strip() if kato else None,
        rows=rows,
        windows=windows(session, area, today),
        outcomes=outcomes(session, prefix, today),
        incomplete=[
            IncompleteEmployer(e.employer_bin, e.name, district_of(e.home_kato), e.missing)
            for e in employers
            if e.missing is not None
        ],
    )
