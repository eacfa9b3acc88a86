"""The quota ledger: how many people the job quotas actually place (``matcher report quota``,
``GET /reports/quota``). Every figure is defined in docs/reports.md.

The counting is done by the database (a few grouped queries, the same on SQLite and
PostgreSQL); Python only merges the grouped rows and, for the outcome indicators, walks one
tuple per hire.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from catalogs import law
from catalogs.i18n import messages
from catalogs.reference.places import places
from service.store.tables import OutcomeEvent, Person, Vacancy

FULFILMENT_MONTHS = law.FULFILMENT_MONTHS
"""A quota is fulfilled by a labour contract of at least 3 months (Order No. 412)."""
RETENTION_DAYS = {3: 90, 6: 180, 12: 365}
"""Retention spans: months and the days a hire must be old before it is judged."""
LEVELS = ("total", "region", "district", "employer")
_SCOPE_DIGITS = {"region": 2, "district": 4, "sub_district": 6, "settlement": 9}
_DIGITS = re.compile(r"^\d{2,9}$")


class UnknownArea(ValueError):
    """A ``kato`` that names no KATO place (nor a prefix of one)."""

    def __init__(self, kato: str) -> None:
        super().__init__(kato)
        self.kato = kato


def area_prefix(kato: str | None) -> str:
    """The significant prefix of an area code: '' for the whole country, the first 2 digits
    of a region, 4 of a district, 6 of a rural okrug, all 9 of a settlement. A code shorter
    than 9 digits is read padded with zeros ("47" is Mangystau region)."""
    if kato is None:
        return ""
    code = kato.strip()
    if not _DIGITS.match(code):
        raise UnknownArea(kato)
    place = places().get(code.ljust(9, "0"))
    if place is None:
        raise UnknownArea(kato)
    return place.kato[: _SCOPE_DIGITS[place.level]]


def district_of(kato: str) -> str:
    return kato[:4] + "00000"


def region_of(kato: str) -> str:
    return kato[:2] + "0000000"


def place_name(kato: str, lang: str) -> str:
    """A place's display name in ``lang`` (its code when KATO does not know it)."""
    place = places().get(kato)
    return kato if place is None else place.name(lang)


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger: the whole area, a region, a district or an employer (the
    employer's quota vacancies in one district: quotas are set by district akimats)."""

    level: str
    """``total``, ``region``, ``district`` or ``employer``."""
    key: str
    """KATO code (region, district), BIN (employer), '' (total)."""
    region_kato: str | None
    district_kato: str | None
    employer_name: str | None
    quota_vacancies: int
    quota_slots: int
    open_quota_vacancies: int
    windows_open: int
    """Open quota vacancies whose 6-month offer window runs today."""
    days_left: int | None
    """Days until the soonest-closing open window ends (None: no open window)."""
    referred: int
    """Distinct persons referred to the row's quota vacancies."""
    hired: int
    """Distinct person-vacancy pairs with a ``hired`` event on a quota vacancy."""
    fulfilled: int
    """Distinct person-vacancy pairs on a quota vacancy with a contract of 3+ months."""
    hired_outside_quota: int
    """Distinct person-vacancy pairs hired on the row's non-quota vacancies."""

    @property
    def fulfilment_rate(self) -> float | None:
        return None if not self.quota_slots else round(self.fulfilled / self.quota_slots, 4)

    def name(self, lang: str) -> str:
        if self.level == "total":
            return messages("service").text("report_total", lang)
        if self.level == "employer":
            return self.employer_name or self.key
        return place_name(self.key, lang)

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            **asdict(self),
            "name": self.name(lang),
            "fulfilment_rate": self.fulfilment_rate,
        }


@dataclass(frozen=True)
class VacancyWindow:
    """One quota vacancy's 6-month offer window."""

    vacancy_id: str
    employer_bin: str
    district_kato: str
    quota_slots: int
    status: str
    quota_from: date
    window_end: date
    days_left: int
    """max(0, window_end - today)."""


@dataclass(frozen=True)
class Retention:
    months: int
    judged: int
    """Hires at least ``months`` old (hire date + 90/180/365 days <= today)."""
    kept: int
    """Of those, hires with no ``quit`` within the span."""

    @property
    def rate(self) -> float | None:
        return None if not self.judged else round(self.kept / self.judged, 4)


@dataclass(frozen=True)
class Outcomes:
    """Indicators over released persons living in the area (by the person's KATO)."""

    released: int
    """Persons with a release date on or before today."""
    hired: int
    """Of those, persons hired (any vacancy) on or after their release."""
    median_days_to_hire: float | None
    retention: list[Retention] = field(default_factory=list)


@dataclass(frozen=True)
class QuotaLedger:
    today: date
    kato: str | None
    rows: list[LedgerRow]
    """Total first, then each region, its districts, each district's employers (by slots)."""
    windows: list[VacancyWindow]
    outcomes: Outcomes | None
    """None where the reader may not see them (an employer)."""

    @property
    def total(self) -> LedgerRow:
        return self.rows[0]

    def area(self, lang: str) -> str:
        """The area's name: a KATO place, or the whole country."""
        if self.kato:
            return place_name(self.kato.ljust(9, "0"), lang)
        return messages("service").text("report_country", lang)

    def level(self, level: str) -> list[LedgerRow]:
        return [row for row in self.rows if row.level == level]

    def as_dict(self, lang: str = "ru") -> dict[str, Any]:
        return {
            "as_of": self.today.isoformat(),
            "kato": self.kato,
            "area": self.area(lang),
            "rows": [row.as_dict(lang) for row in self.rows],
            "windows": [asdict(window) for window in self.windows],
            "outcomes": None
            if self.outcomes is None
            else {
                "released": self.outcomes.released,
                "hired": self.outcomes.hired,
                "median_days_to_hire": self.outcomes.median_days_to_hire,
                "retention": [{**asdict(r), "rate": r.rate} for r in self.outcomes.retention],
            },
        }


# -- counting --------------------------------------------------------------------------------

Key = tuple[Any, ...]


def _vacancy_figures(
    session: Session, keys: Sequence[Any], area: sa.ColumnElement[bool], today: date
) -> dict[Key, Sequence[Any]]:
    """Quota vacancies, slots, open ones, open windows, the soonest window's start and an
    employer name, grouped by ``keys`` (none: one total line)."""
    window_open = sa.and_(
        col(Vacancy.status) == "open",
        col(Vacancy.quota_from) <= today,
        col(Vacancy.quota_from) >= law.earliest_open_quota_start(today),
    )
    found = session.execute(
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Vacancy.quota_slots), 0),
            sa.func.count(sa.case((col(Vacancy.status) == "open", 1))),
            sa.func.count(sa.case((window_open, 1))),
            sa.func.min(sa.case((window_open, Vacancy.quota_from))),
            sa.func.max(Vacancy.employer_name),
        )
        .where(col(Vacancy.is_quota), area)
        .group_by(*keys)
    ).all()
    return {tuple(r[: len(keys)]): r[len(keys) :] for r in found}


def _event_figures(
    session: Session, area: sa.ColumnElement[bool], today: date
) -> dict[str, dict[Key, list[int]]]:
    """Referred persons, hired and fulfilled person-vacancy pairs, hires outside the quota,
    by level and key.

    One scan of the events: the database makes them person-vacancy pairs with flags, then
    lines per employer, district, quota or not and person; Python rolls those up to every
    level. Pair counts add up across levels; referred persons are kept as sets, since a
    person referred to two employers is one person in their district.
    """
    event = col(OutcomeEvent.event)
    item = col(OutcomeEvent.item_id)
    hired = event == "hired"
    long_contract = sa.or_(
        sa.and_(hired, col(OutcomeEvent.contract_months) >= FULFILMENT_MONTHS),
        event == "retained_3m",
    )
    pairs = (
        sa.select(
            item.label("item_id"),
            col(OutcomeEvent.person_id).label("person_id"),
            sa.func.max(sa.case((event == "referred", 1), else_=0)).label("referred"),
            sa.func.max(sa.case((hired, 1), else_=0)).label("hired"),
            sa.func.max(sa.case((long_contract, 1), else_=0)).label("fulfilled"),
        )
        .where(
            col(OutcomeEvent.item_kind) == "vacancy",
            event.in_(("referred", "hired", "retained_3m")),
            col(OutcomeEvent.date) <= today,
        )
        .group_by(item, col(OutcomeEvent.person_id))
        .subquery()
    )
    district = sa.func.substr(col(Vacancy.kato), 1, 4)
    by_person = (col(Vacancy.employer_bin), district, col(Vacancy.is_quota), pairs.c.person_id)
    grouped = session.execute(
        sa.select(
            *by_person,
            sa.func.max(pairs.c.referred),
            sa.func.sum(pairs.c.hired),
            sa.func.sum(pairs.c.fulfilled),
        )
        .join(Vacancy, pairs.c.item_id == col(Vacancy.vacancy_id))
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
        keys = {"total": (), "region": (code[:2],), "district": (code,), "employer": (bin_, code)}
        for level, key in keys.items():
            total = figures[level].setdefault(key, [0, 0, 0, 0])
            for index in (1, 2, 3):
                total[index] += line[index]
            referred[level].setdefault(key, set()).update(persons)
    for level, lines in figures.items():
        for key, total in lines.items():
            total[0] = len(referred[level][key])
    return figures


def _rows(
    level: str,
    vacancies: dict[Key, Sequence[Any]],
    events: dict[Key, list[int]],
    today: date,
) -> list[LedgerRow]:
    """Ledger rows for every key with quota vacancies or events (always one for the total)."""
    keys = set(vacancies) | set(events) if level != "employer" else set(vacancies)
    if level == "total":
        keys = {()}
    rows = []
    for key in keys:
        count, slots, open_, windows, soonest, name = vacancies.get(key, (0, 0, 0, 0, None, None))
        referred, hired, fulfilled, outside = events.get(key, (0, 0, 0, 0))
        if isinstance(soonest, str):  # SQLite hands back an aggregated date as text
            soonest = date.fromisoformat(soonest)
        days_left = None if soonest is None else (law.quota_window_last_day(soonest) - today).days
        if level == "employer":
            bin_, district = key
            code, region, district = bin_, region_of(district), district_of(district)
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
                windows_open=int(windows),
                days_left=days_left,
                referred=int(referred),
                hired=int(hired),
                fulfilled=int(fulfilled),
                hired_outside_quota=int(outside),
            )
        )
    return rows


def _windows(session: Session, area: sa.ColumnElement[bool], today: date) -> list[VacancyWindow]:
    found = session.execute(
        sa.select(
            col(Vacancy.vacancy_id),
            col(Vacancy.employer_bin),
            col(Vacancy.kato),
            col(Vacancy.quota_slots),
            col(Vacancy.status),
            col(Vacancy.quota_from),
        )
        .where(col(Vacancy.is_quota), col(Vacancy.quota_from).is_not(None), area)
        .order_by(col(Vacancy.quota_from), col(Vacancy.vacancy_id))
    ).all()
    windows = []
    for vacancy_id, bin_, kato, slots, status, start in found:
        end = law.quota_window_last_day(start)
        windows.append(
            VacancyWindow(
                vacancy_id=vacancy_id,
                employer_bin=bin_,
                district_kato=district_of(kato),
                quota_slots=slots,
                status=status,
                quota_from=start,
                window_end=end,
                days_left=max(0, (end - today).days),
            )
        )
    return windows


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _outcomes(session: Session, prefix: str, today: date) -> Outcomes:
    released = sa.and_(
        col(Person.release_date).is_not(None),
        col(Person.release_date) <= today,
        col(Person.kato).startswith(prefix) if prefix else sa.true(),
    )
    count = session.scalar(sa.select(sa.func.count()).select_from(Person).where(released)) or 0
    event = col(OutcomeEvent.event)
    on_or_after_release = col(OutcomeEvent.date) >= col(Person.release_date)
    # One line per released person and vacancy with a hire after release: the first hire,
    # the first quit, whether a 3-month retention was reported.
    hires = session.execute(
        sa.select(
            col(OutcomeEvent.person_id),
            col(Person.release_date),
            sa.func.min(sa.case((event == "hired", OutcomeEvent.date))),
            sa.func.min(sa.case((event == "quit", OutcomeEvent.date))),
            sa.func.max(sa.case((event == "retained_3m", 1), else_=0)),
        )
        .join(Person, col(Person.person_id) == col(OutcomeEvent.person_id))
        .where(
            released,
            col(OutcomeEvent.item_kind) == "vacancy",
            event.in_(("hired", "quit", "retained_3m")),
            on_or_after_release,
            col(OutcomeEvent.date) <= today,
        )
        .group_by(col(OutcomeEvent.person_id), col(Person.release_date), col(OutcomeEvent.item_id))
    ).all()
    first_hire: dict[str, int] = {}
    judged = dict.fromkeys(RETENTION_DAYS, 0)
    kept = dict.fromkeys(RETENTION_DAYS, 0)
    for person_id, release, hire, quit_, retained in hires:
        if hire is None:
            continue
        hire, release = _as_date(hire), _as_date(release)
        wait = (hire - release).days
        first_hire[person_id] = min(wait, first_hire.get(person_id, wait))
        quit_day = None if quit_ is None else _as_date(quit_)
        for months, days in RETENTION_DAYS.items():
            if hire + timedelta(days) > today:
                continue
            judged[months] += 1
            quit_within = quit_day is not None and quit_day < hire + timedelta(days)
            if not quit_within or (months == 3 and retained):
                kept[months] += 1
    waits = sorted(first_hire.values())
    return Outcomes(
        released=count,
        hired=len(first_hire),
        median_days_to_hire=float(statistics.median(waits)) if waits else None,
        retention=[Retention(m, judged[m], kept[m]) for m in RETENTION_DAYS],
    )


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
    events = _event_figures(session, area, today)
    by_level: dict[str, list[LedgerRow]] = {}
    for level, keys in levels:
        vacancies = _vacancy_figures(session, keys, area, today)
        by_level[level] = _rows(level, vacancies, events[level], today)
    rows = list(by_level["total"])
    for region in sorted(by_level["region"], key=lambda r: r.key):
        rows.append(region)
        for district in sorted(by_level["district"], key=lambda r: r.key):
            if district.region_kato != region.key:
                continue
            rows.append(district)
            employers = [r for r in by_level["employer"] if r.district_kato == district.key]
            rows.extend(sorted(employers, key=lambda r: (-r.quota_slots, r.key)))
    return QuotaLedger(
        today=today,
        kato=kato.strip() if kato else None,
        rows=rows,
        windows=_windows(session, area, today),
        outcomes=_outcomes(session, prefix, today),
    )
