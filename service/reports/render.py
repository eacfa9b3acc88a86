"""The quota ledger for people: a CSV file, a PNG chart and the lines ``matcher report quota``
prints, in the reader's language (docs/reports.md)."""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import date
from typing import TYPE_CHECKING, Literal

from catalogs.i18n import decimal, messages
from service.reports.chart import (
    ChartBar,
    chart_bars,
    chart_figure,
    chart_png,
    number_label,
    percent_label,
)
from service.reports.shapes import LedgerRow, QuotaLedger

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (it takes a while)
    pass

__all__ = [
    "BOM", "CSV_COLUMNS", "DIALECTS", "ChartBar", "Dialect", "chart_bars", "chart_figure",
    "chart_png", "safe_cell", "table_lines", "to_csv",
]  # fmt: skip

CSV_COLUMNS = (
    "level", "key", "name", "region_kato", "district_kato", "quota_vacancies", "quota_slots",
    "open_quota_vacancies", "windows_open", "days_left", "referred", "hired", "fulfilled",
    "fulfilment_rate", "hired_outside_quota", "obligation", "incomplete", "referrals_open",
    "expired_no_answer", "median_days_to_answer", "as_of", "quota_slots_in_window",
)  # fmt: skip
"""The columns of the CSV, in order (later additions go at the end)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection")."""
INCOMPLETE_SHOWN = 20
"""Employers with an unknown obligation listed by name in the table (the rest are counted)."""
Dialect = Literal["excel", "rfc4180"]
"""``excel``: for a spreadsheet with Kazakh or Russian regional settings (the default); and
``rfc4180``: for programs. See :func:`to_csv`."""
DIALECTS: tuple[Dialect, ...] = ("excel", "rfc4180")
BOM = "\ufeff"
EXCEL_LANG = "ru"
"""Whose regional settings the ``excel`` dialect writes numbers for, whatever the language of
its headers: a Russian Excel (a Kazakh one writes them alike, 0,3077)."""


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that begins with ``= + - @``, a tab or a
    carriage return gets a leading ``'`` (OWASP's advice), so ``=HYPERLINK(...)`` shows as
    text. Only text is touched: a number the service writes as a number (``-3``) stays a
    number; an employer's or a vacancy's name is text even when it looks like one."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _excel_cell(value: object) -> object:
    """A value as a Kazakh or Russian Excel reads it: 0,3077 (every place the figure has, 7,0
    as 7.0) and 30.06.2026."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return decimal(value, EXCEL_LANG, len(repr(value).partition(".")[2]))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return value


def to_csv(ledger: QuotaLedger, lang: str = "ru", dialect: Dialect = "excel") -> str:
    """One row per (level, key), total first; every text cell through :func:`safe_cell`.

    ``excel`` (the default) is what a spreadsheet with Kazakh or Russian regional settings
    opens as columns when the file is double-clicked: UTF-8 with a byte order mark, ``;``
    between cells, a decimal comma, days as 30.06.2026, headers and levels in ``lang``.
    ``rfc4180`` is for programs: UTF-8 without a mark, ``,``, a decimal point, ISO days, and
    the stable machine names of :data:`CSV_COLUMNS` and of the levels as headers and values
    (place names stay in ``lang``). Both end lines with CRLF, as RFC 4180 says.
    """
    if dialect not in DIALECTS:
        raise ValueError(dialect)
    excel = dialect == "excel"
    text = messages("service").text
    out = io.StringIO()
    if excel:
        out.write(BOM)
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    header = [text(f"report_col_{c}", lang) if excel else c for c in CSV_COLUMNS]
    writer.writerow([safe_cell(cell) for cell in header])
    for row in ledger.rows:
        values = {**row.as_dict(lang), "as_of": ledger.today}
        if excel:
            values["level"] = text(f"report_level_{row.level}", lang)
        else:
            values["as_of"] = ledger.today.isoformat()
        cells = ["" if values[c] is None else safe_cell(values[c]) for c in CSV_COLUMNS]
        writer.writerow([_excel_cell(cell) for cell in cells] if excel else cells)
    return out.getvalue()


def _percent(rate: float | None, lang: str) -> str:
    return "—" if rate is None else percent_label(100 * rate, lang)


def table_lines(ledger: QuotaLedger, lang: str = "ru", *, top: int = 5) -> list[str]:
    """The ledger as readable lines: total, each region, its districts, each district's
    ``top`` employers by slots."""
    text = messages("service").text
    area = ledger.area(lang)

    def employers_side(row: LedgerRow) -> str:
        owed = text("report_line_owed", lang, obligation=number_label(row.obligation, lang))
        if row.incomplete:
            owed += " " + text("report_line_incomplete", lang, count=row.incomplete)
        answers = text(
            "report_line_referrals",
            lang,
            open=row.referrals_open,
            expired=row.expired_no_answer,
            median=number_label(row.median_days_to_answer, lang),
        )
        return f"{owed} · {answers}"

    def line(row: LedgerRow) -> str:
        return (
            text(
                "report_line",
                lang,
                slots=row.quota_slots,
                vacancies=row.quota_vacancies,
                open=row.open_quota_vacancies,
                referred=row.referred,
                hired=row.hired,
                fulfilled=row.fulfilled,
                rate=_percent(row.fulfilment_rate, lang),
            )
            + " · "
            + (
                text("report_no_window", lang)
                if row.days_left is None
                else text(
                    "report_windows",
                    lang,
                    windows=row.windows_open,
                    slots=row.quota_slots_in_window,
                    days=row.days_left,
                )
            )
        )

    lines = [text("report_header", lang, area=area, date=ledger.today), ""]
    total = ledger.total
    lines += [f"{total.name(lang)}: {line(total)}", f"  {employers_side(total)}"]
    lines += [f"  {text('report_outside', lang, count=total.hired_outside_quota)}", ""]
    employers = ledger.level("employer")
    for region in ledger.level("region"):
        lines += ["", f"{region.name(lang)} ({region.key})", f"  {line(region)}"]
        lines += [f"  {employers_side(region)}"]
        for district in ledger.level("district"):
            if district.region_kato != region.key:
                continue
            lines += [f"  {district.name(lang)} ({district.key})", f"    {line(district)}"]
            lines += [f"    {employers_side(district)}"]
            own = [e for e in employers if e.district_kato == district.key]
            for employer in own[:top]:
                lines += [
                    f"    • {employer.name(lang)} ({employer.key})",
                    f"        {line(employer)}",
                    f"        {employers_side(employer)}",
                ]
            if len(own) > top:
                lines.append("    " + text("report_more_employers", lang, count=len(own) - top))
    if ledger.incomplete:
        lines += ["", text("report_incomplete", lang, count=len(ledger.incomplete))]
        for unknown in ledger.incomplete[:INCOMPLETE_SHOWN]:
            reason = text(f"report_incomplete_{unknown.reason}", lang)
            lines.append(f"  • {unknown.name} ({unknown.employer_bin}): {reason}")
        if len(ledger.incomplete) > INCOMPLETE_SHOWN:
            more = len(ledger.incomplete) - INCOMPLETE_SHOWN
            lines.append("  " + text("report_more_employers", lang, count=more))
    outcomes = ledger.outcomes
    if outcomes is None:
        return lines + _definitions(lang)
    median = outcomes.median_days_to_hire
    lines += [
        "",
        text(
            "report_outcomes",
            lang,
            released=outcomes.released,
            hired=outcomes.hired,
            median=number_label(median, lang),
        ),
    ]
    for retention in outcomes.retention:
        lines.append(
            "  "
            + text(
                "report_retention",
                lang,
                months=retention.months,
                kept=retention.kept,
                judged=retention.judged,
                rate=_percent(retention.rate, lang),
            )
        )
    return lines + _definitions(lang)


def _definitions(lang: str) -> list[str]:
    """What "quota slots" and "fulfilment" mean, under the table (``matcher stats`` says the
    first too)."""
    text = messages("service").text
    lines = [""]
    for definition in ("quota_slots_definition", "report_chart_definition"):
        lines += textwrap.wrap(text(definition, lang), 96)
    return lines
