"""The quota ledger for people: a CSV file, a PNG chart and the lines ``matcher report quota``
prints, in the reader's language (docs/reports.md)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Literal

from catalogs.i18n import messages
from service.reports.areas import place_name
from service.reports.shapes import LedgerRow, QuotaLedger

CSV_COLUMNS = (
    "level", "key", "name", "region_kato", "district_kato", "quota_vacancies", "quota_slots",
    "open_quota_vacancies", "windows_open", "days_left", "referred", "hired", "fulfilled",
    "fulfilment_rate", "hired_outside_quota", "obligation", "incomplete", "referrals_open",
    "expired_no_answer", "median_days_to_answer", "as_of",
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


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that begins with ``= + - @``, a tab or a
    carriage return gets a leading ``'`` (OWASP's advice), so ``=HYPERLINK(...)`` shows as
    text. Only text is touched: a number the service writes as a number (``-3``) stays a
    number; an employer's or a vacancy's name is text even when it looks like one."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _excel_cell(value: object) -> object:
    """A value as a Kazakh or Russian Excel reads it: 0,3077 and 30.06.2026."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return str(value).replace(".", ",")
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


def chart_png(ledger: QuotaLedger, lang: str = "ru") -> bytes:
    """Fulfilment rate by district as horizontal bars (slots annotated), as PNG bytes.

    Rendered with matplotlib's Agg backend and DejaVu Sans (shipped with matplotlib: it has
    the Cyrillic and Kazakh letters), so no display, network or font download is needed.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    text = messages("service").text
    districts = ledger.level("district")
    districts = [d for d in districts if d.quota_slots] or districts
    height = 1.6 + 0.42 * max(1, len(districts))
    figure = Figure(figsize=(9, min(height, 60)), dpi=100)
    axes = figure.subplots()
    area = ledger.area(lang)
    figure.suptitle(
        text("report_chart_title", lang, area=area, date=ledger.today.isoformat()),
        fontsize=11,
        fontfamily="DejaVu Sans",
    )
    if not districts:
        axes.set_axis_off()
        axes.text(0.5, 0.5, text("report_chart_empty", lang), ha="center", va="center")
    else:
        labels = [
            f"{place_name(d.region_kato, lang)} · {d.name(lang)}"
            if d.region_kato and ledger.kato is None
            else d.name(lang)
            for d in districts
        ]
        rates = [d.fulfilment_rate or 0.0 for d in districts]
        positions = list(range(len(districts)))
        axes.barh(positions, rates, color="#2b7bb9")
        axes.set_yticks(positions, labels, fontsize=8, fontfamily="DejaVu Sans")
        axes.invert_yaxis()
        axes.set_xlim(0, max(1.0, max(rates) * 1.25))
        axes.set_xlabel(text("report_chart_axis", lang), fontfamily="DejaVu Sans")
        for position, district, rate in zip(positions, districts, rates, strict=True):
            note = text(
                "report_chart_slots",
                lang,
                fulfilled=district.fulfilled,
                slots=district.quota_slots,
                obligation=_number(district.obligation),
            )
            axes.text(rate + 0.01, position, note, va="center", fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def table_lines(ledger: QuotaLedger, lang: str = "ru", *, top: int = 5) -> list[str]:
    """The ledger as readable lines: total, each region, its districts, each district's
    ``top`` employers by slots."""
    text = messages("service").text
    area = ledger.area(lang)

    def employers_side(row: LedgerRow) -> str:
        owed = text("report_line_owed", lang, obligation=_number(row.obligation))
        if row.incomplete:
            owed += " " + text("report_line_incomplete", lang, count=row.incomplete)
        answers = text(
            "report_line_referrals",
            lang,
            open=row.referrals_open,
            expired=row.expired_no_answer,
            median=_number(row.median_days_to_answer),
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
                rate=_percent(row.fulfilment_rate),
            )
            + " · "
            + (
                text("report_no_window", lang)
                if row.days_left is None
                else text("report_windows", lang, windows=row.windows_open, days=row.days_left)
            )
        )

    lines = [text("report_header", lang, area=area, date=ledger.today.isoformat()), ""]
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
        return lines
    median = outcomes.median_days_to_hire
    lines += [
        "",
        text(
            "report_outcomes",
            lang,
            released=outcomes.released,
            hired=outcomes.hired,
            median="—" if median is None else f"{median:g}",
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
                rate=_percent(retention.rate),
            )
        )
    return lines
