"""What the quota ledger answers: its rows, offer windows, employers whose obligation is not
known, and the outcome indicators. Every figure is defined in docs/reports.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from catalogs.i18n import messages
from service.reports.areas import place_name


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
    """Slots offered: the quota slots of the row's quota vacancies, open or closed (the base of
    the fulfilment rate; ``matcher stats`` shows the same figure)."""
    open_quota_vacancies: int
    windows_open: int
    """Open quota vacancies whose 6-month offer window runs today."""
    days_left: int | None
    """Days until the soonest-closing open window ends (None: no open window)."""
    referred: int
    """Distinct persons referred to the row's quota vacancies (an outcome event or a sent
    referral)."""
    hired: int
    """Distinct person-vacancy pairs hired on a quota vacancy."""
    fulfilled: int
    """Distinct person-vacancy pairs on a quota vacancy with a contract of 3+ months."""
    hired_outside_quota: int
    """Distinct person-vacancy pairs hired on the row's non-quota vacancies."""
    obligation: int | None = None
    """Jobs owed: the sum of the employers' quota obligations (``catalogs.law``); on an
    employer row, its own, shown in its home district only (None elsewhere or unknown)."""
    incomplete: int = 0
    """Employers counted here whose obligation is not known (a stub, no headcount, ...)."""
    referrals_open: int = 0
    """Referrals to the row's quota vacancies that hold a place now."""
    expired_no_answer: int = 0
    """Referrals to the row's quota vacancies that expired without the employer's answer."""
    median_days_to_answer: float | None = None
    """Median calendar days from sending a referral to the employer's first answer."""
    quota_slots_in_window: int = 0
    """Quota slots of the open quota vacancies whose offer window runs today (of
    ``quota_slots``; ``matcher stats`` shows the same figure)."""

    @property
    def fulfilment_rate(self) -> float | None:
        return None if not self.quota_slots else round(self.fulfilled / self.quota_slots, 4)

    def name(self, lang: str) -> str:
        if self.level == "total":
            return messages("service").text("report_total", lang)
        if self.level == "employer":
            return self.employer_name or self.key
        return place_name(self.key, lang)

    def as_dict(self, lang: str) -> LedgerRowJson:
        return {
            "level": self.level,
            "key": self.key,
            "region_kato": self.region_kato,
            "district_kato": self.district_kato,
            "employer_name": self.employer_name,
            "quota_vacancies": self.quota_vacancies,
            "quota_slots": self.quota_slots,
            "open_quota_vacancies": self.open_quota_vacancies,
            "windows_open": self.windows_open,
            "days_left": self.days_left,
            "referred": self.referred,
            "hired": self.hired,
            "fulfilled": self.fulfilled,
            "hired_outside_quota": self.hired_outside_quota,
            "obligation": self.obligation,
            "incomplete": self.incomplete,
            "referrals_open": self.referrals_open,
            "expired_no_answer": self.expired_no_answer,
            "median_days_to_answer": self.median_days_to_answer,
            "quota_slots_in_window": self.quota_slots_in_window,
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

    def as_dict(self) -> WindowJson:
        return {
            "vacancy_id": self.vacancy_id,
            "employer_bin": self.employer_bin,
            "district_kato": self.district_kato,
            "quota_slots": self.quota_slots,
            "status": self.status,
            "quota_from": self.quota_from,
            "window_end": self.window_end,
            "days_left": self.days_left,
        }


@dataclass(frozen=True)
class IncompleteEmployer:
    """An employer the ledger counts whose obligation it cannot compute, and why: ``no_record``
    (only vacancies name it), ``stub`` (a vacancy made its record: a name only),
    ``other_year`` (its quota percentage is for another year), ``no_headcount``,
    ``no_percent``."""

    employer_bin: str
    name: str
    district_kato: str
    reason: str

    def as_dict(self) -> IncompleteJson:
        return {
            "employer_bin": self.employer_bin,
            "name": self.name,
            "district_kato": self.district_kato,
            "reason": self.reason,
        }


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

    def as_dict(self) -> RetentionJson:
        return {"months": self.months, "judged": self.judged, "kept": self.kept, "rate": self.rate}


@dataclass(frozen=True)
class Outcomes:
    """Indicators over released persons living in the area (by the person's KATO)."""

    released: int
    """Persons with a release date on or before today."""
    hired: int
    """Of those, persons hired (any vacancy) on or after their release."""
    median_days_to_hire: float | None
    retention: list[Retention] = field(default_factory=list)

    def as_dict(self) -> OutcomesJson:
        return {
            "released": self.released,
            "hired": self.hired,
            "median_days_to_hire": self.median_days_to_hire,
            "retention": [r.as_dict() for r in self.retention],
        }


@dataclass(frozen=True)
class QuotaLedger:
    today: date
    kato: str | None
    rows: list[LedgerRow]
    """Total first, then each region, its districts, each district's employers (by slots)."""
    windows: list[VacancyWindow]
    outcomes: Outcomes | None
    """None where the reader may not see them (an employer)."""
    incomplete: list[IncompleteEmployer] = field(default_factory=list)
    """Employers counted in ``incomplete``, by district and BIN."""

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

    def as_dict(self, lang: str = "ru") -> LedgerJson:
        return {
            "as_of": self.today.isoformat(),
            "kato": self.kato,
            "area": self.area(lang),
            "rows": [row.as_dict(lang) for row in self.rows],
            "windows": [window.as_dict() for window in self.windows],
            "incomplete": [employer.as_dict() for employer in self.incomplete],
            "outcomes": None if self.outcomes is None else self.outcomes.as_dict(),
        }


# -- the ledger as the API, the command line and the CSV read it (``as_dict``): the same
# figures, with names in the reader's language; dates stay dates until JSON writes them.


class LedgerRowJson(TypedDict):
    level: str
    key: str
    region_kato: str | None
    district_kato: str | None
    employer_name: str | None
    quota_vacancies: int
    quota_slots: int
    open_quota_vacancies: int
    windows_open: int
    days_left: int | None
    referred: int
    hired: int
    fulfilled: int
    hired_outside_quota: int
    obligation: int | None
    incomplete: int
    referrals_open: int
    expired_no_answer: int
    median_days_to_answer: float | None
    quota_slots_in_window: int
    name: str
    fulfilment_rate: float | None


class WindowJson(TypedDict):
    vacancy_id: str
    employer_bin: str
    district_kato: str
    quota_slots: int
    status: str
    quota_from: date
    window_end: date
    days_left: int


class IncompleteJson(TypedDict):
    employer_bin: str
    name: str
    district_kato: str
    reason: str


class RetentionJson(TypedDict):
    months: int
    judged: int
    kept: int
    rate: float | None


class OutcomesJson(TypedDict):
    released: int
    hired: int
    median_days_to_hire: float | None
    retention: list[RetentionJson]


class LedgerJson(TypedDict):
    as_of: str
    kato: str | None
    area: str
    rows: list[LedgerRowJson]
    windows: list[WindowJson]
    incomplete: list[IncompleteJson]
    outcomes: OutcomesJson | None
