"""What the quota ledger answers: its rows, offer windows, employers whose obligation is not
known, and the outcome indicators. Every figure is defined in docs/reports.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

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
class IncompleteEmployer:
    """An employer the ledger counts whose obligation it cannot compute, and why: ``no_record``
    (only vacancies name it), ``stub`` (a vacancy made its record: a name only),
    ``other_year`` (its quota percentage is for another year), ``no_headcount``,
    ``no_percent``."""

    employer_bin: str
    name: str
    district_kato: str
    reason: str


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

    def as_dict(self, lang: str = "ru") -> dict[str, Any]:
        return {
            "as_of": self.today.isoformat(),
            "kato": self.kato,
            "area": self.area(lang),
            "rows": [row.as_dict(lang) for row in self.rows],
            "windows": [asdict(window) for window in self.windows],
            "incomplete": [asdict(employer) for employer in self.incomplete],
            "outcomes": None
            if self.outcomes is None
            else {
                "released": self.outcomes.released,
                "hired": self.outcomes.hired,
                "median_days_to_hire": self.outcomes.median_days_to_hire,
                "retention": [{**asdict(r), "rate": r.rate} for r in self.outcomes.retention],
            },
        }
