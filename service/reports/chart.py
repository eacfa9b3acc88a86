"""The quota ledger as a chart: one bar per area (or employer) with its fulfilment share, drawn
with matplotlib as a PNG, in the reader's language."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalogs.i18n import decimal, messages
from catalogs.reference.places import places
from service.reports.areas import area_prefix, district_of, place_name
from service.reports.shapes import QuotaLedger

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (it takes a while)
    from matplotlib.figure import Figure


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


def number_label(value: float | None, lang: str = "ru") -> str:
    """302,5 in Kazakh and Russian (a decimal comma), 302.5 in English; — for no figure."""
    if value is None:
        return "—"
    return decimal(value, lang)


def percent_label(value: float, lang: str, digits: int = 1) -> str:
    """30,8 % in Kazakh and Russian (a decimal comma and a space), 30.8% in English."""
    number = decimal(value, lang, digits)
    return f"{number}%" if lang == "en" else f"{number} %"


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
        else percent_label(bar.percent, lang)
        + " — "
        + text(
            "report_chart_bar",
            lang,
            fulfilled=bar.fulfilled,
            slots=bar.slots,
            obligation=number_label(bar.obligation, lang),
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
    axes.set_xticks(ticks, [percent_label(t, lang, 0) for t in ticks], fontsize=8)
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
