"""The quota ledger for people: a CSV file, a PNG chart and the lines ``matcher report quota``
prints, in the reader's language (docs/reports.md)."""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from catalogs.i18n import messages
from catalogs.reference.places import places
from service.reports.areas import area_prefix, district_of, place_name
from service.reports.shapes import LedgerRow, QuotaLedger

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (it takes a while)
    from matplotlib.figure import Figure

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


@dataclass(frozen=True)
class ChartBar:
    """One bar of the quota chart: a region or a district."""

    kato: str
    label: str
    fulfilled: int
    slots: int
    obligation: int | None

    @property
    def percent(self) -> float | None:
        """Fulfilled slots in % of the slots (over 100 when more were filled); None: no slots."""
        return None if not self.slots else 100 * self.fulfilled / self.slots


def chart_bars(ledger: QuotaLedger, lang: str = "ru") -> tuple[str, list[ChartBar]]:
    """What the quota chart draws: ``("region", ...)`` for the whole country (each of the 20
    regions and cities of national significance, with or without quota slots), else
    ``("district", ...)`` (a region's districts, or the one district asked for); best
    fulfilment first, the areas without quota slots last; ties in KATO order (the order of
    the official tables, the same in every language)."""
    prefix = area_prefix(ledger.kato)
    if not prefix:
        level, known = "region", [p.kato for p in places().regions()]
    else:
        level = "district"
        region = prefix[:2] + "0000000"
        known = (
            [p.kato for p in places().districts(region)]
            if len(prefix) == 2
            else [district_of(prefix.ljust(9, "0"))]
        )
    rows = {row.key: row for row in ledger.level(level)}
    bars = []
    for kato in dict.fromkeys([*known, *rows]):
        row = rows.get(kato)
        bars.append(
            ChartBar(
                kato=kato,
                label=place_name(kato, lang),
                fulfilled=row.fulfilled if row else 0,
                slots=row.quota_slots if row else 0,
                obligation=row.obligation if row else None,
            )
        )
    bars.sort(key=lambda b: (b.percent is None, -(b.percent or 0.0), b.kato))
    return level, bars


def _percent_label(value: float, lang: str, digits: int = 1) -> str:
    """30,8 % in Kazakh and Russian (a decimal comma and a space), 30.8% in English."""
    number = f"{value:.{digits}f}"
    return f"{number}%" if lang == "en" else f"{number.replace('.', ',')} %"


def chart_figure(ledger: QuotaLedger, lang: str = "ru") -> Figure:
    """The quota chart as a matplotlib figure (drawn by :func:`chart_png`).

    Horizontal bars of fulfilment in % (the axis from 0 to at least 100 %, further when an
    area filled more slots than it offered, a dashed line at 100 %), the areas named in
    ``lang``, best first; to the right of each bar its percentage and "filled of slots,
    owed"; the title says the level and the day; the definition of fulfilment is written
    under the axis. Sizes follow the longest name and note, so nothing is cut off.
    """
    import matplotlib

    matplotlib.use("Agg")
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        return _draw(ledger, lang)


def _draw(ledger: QuotaLedger, lang: str) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.transforms import blended_transform_factory

    text = messages("service").text
    level, bars = chart_bars(ledger, lang)
    notes = [
        text("report_chart_no_slots", lang)
        if bar.percent is None
        else _percent_label(bar.percent, lang)
        + " — "
        + text(
            "report_chart_bar",
            lang,
            fulfilled=bar.fulfilled,
            slots=bar.slots,
            obligation=_number(bar.obligation),
        )
        for bar in bars
    ]
    if level == "region":
        title = text("report_chart_title_regions", lang, date=ledger.today)
    else:
        title = text(
            "report_chart_title_districts", lang, area=ledger.area(lang), date=ledger.today
        )
    definition = text("report_chart_definition", lang)
    # inches: 0.075 per character of 9-point DejaVu Sans is a safe upper bound
    label_width = 0.35 + 0.075 * max([len(b.label) for b in bars] + [8])
    note_width = 0.3 + 0.068 * max([len(n) for n in notes] + [8])
    width = max(11.0, label_width + 5.0 + note_width)
    title_lines = _balanced(title, int(width * 6.5))
    definition_lines = _balanced(definition, int(width * 13))
    top = 0.35 + 0.25 * len(title_lines)
    bottom = 0.75 + 0.16 * len(definition_lines)
    height = top + bottom + 0.3 * max(1, len(bars))
    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(
        left=label_width / width,
        right=1 - note_width / width,
        top=1 - top / height,
        bottom=bottom / height,
    )
    axes = figure.add_subplot()
    figure.text(
        0.5, 1 - 0.15 / height, "\n".join(title_lines), ha="center", va="top", fontsize=12,
        fontweight="bold",
    )  # fmt: skip
    figure.text(
        0.12 / width, 0.1 / height, "\n".join(definition_lines), ha="left", va="bottom",
        fontsize=8, color="#333333",
    )  # fmt: skip
    if not bars:
        axes.set_axis_off()
        axes.text(0.5, 0.5, text("report_chart_empty", lang), ha="center", va="center")
        return figure
    percents = [bar.percent or 0.0 for bar in bars]
    positions = list(range(len(bars)))
    colours = ["#1f6f43" if p >= 100 else "#2b7bb9" for p in percents]
    axes.barh(positions, percents, color=colours, height=0.7)
    axes.set_yticks(positions, [bar.label for bar in bars], fontsize=9)
    axes.invert_yaxis()
    upper = max(100.0, max(percents))
    step = 20 if upper <= 150 else 50
    limit = step * -(-upper // step)
    ticks = list(range(0, int(limit) + 1, step))
    axes.set_xlim(0, limit * 1.02)
    axes.set_xticks(ticks, [_percent_label(t, lang, 0) for t in ticks], fontsize=8)
    axes.axvline(100, color="#888888", linestyle="--", linewidth=1)
    axes.set_xlabel(text("report_chart_axis_percent", lang), fontsize=9)
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    for position, bar, note in zip(positions, bars, notes, strict=True):
        axes.text(
            1.01, position, note, transform=beside, va="center", fontsize=8,
            color="#777777" if bar.percent is None else "#222222",
        )  # fmt: skip
    return figure


def _balanced(text: str, limit: int) -> list[str]:
    """``text`` in as few lines of at most ``limit`` characters as it needs, of even length
    (no date left alone on the last line)."""
    count = len(textwrap.wrap(text, limit))
    for width in range(-(-len(text) // count), limit + 1):
        lines = textwrap.wrap(text, width)
        if len(lines) <= count:
            return lines
    return textwrap.wrap(text, limit)


def chart_png(ledger: QuotaLedger, lang: str = "ru") -> bytes:
    """:func:`chart_figure` as PNG bytes.

    Rendered with matplotlib's Agg backend and DejaVu Sans (shipped with matplotlib: it has
    the Cyrillic and Kazakh letters), so no display, network or font download is needed.
    """
    out = io.BytesIO()
    chart_figure(ledger, lang).savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _percent(rate: float | None, lang: str) -> str:
    return "—" if rate is None else _percent_label(100 * rate, lang)


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
