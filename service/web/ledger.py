"""The quota ledger of the reader's region (``GET /api/v1/reports/quota``): a table by district
and employer, the fulfilment chart, the definitions of its figures, and the same ledger as a
CSV file for Excel. Staff only; a regional account sees its own region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.i18n import decimal, messages
from catalogs.reference.places import places
from service.reports import render
from service.reports.shapes import LedgerRow, QuotaLedger
from service.usecases import reports
from service.web.pages import HEADERS, PageNotFound, PageRoute, Visit, VisitDep
from service.web.staff import STAFF

router = APIRouter(route_class=PageRoute, include_in_schema=False)
COLUMNS = (
    "obligation", "quota_vacancies", "quota_slots", "days_left", "referred", "hired",
    "fulfilled", "fulfilment_rate",
)  # fmt: skip
"""The figures of a row, in the order of the table (the CSV has them all)."""


def number(value: float | None, lang: str) -> str:
    """2,5 in Kazakh and Russian, 2.5 in English; a dash for none."""
    return "—" if value is None else decimal(value, lang)


def percent(rate: float | None, lang: str) -> str:
    if rate is None:
        return "—"
    return number(round(100 * rate, 1), lang) + ("%" if lang == "en" else " %")


def _cells(row: LedgerRow, lang: str) -> list[str]:
    values: Mapping[str, Any] = row.as_dict(lang)
    cells = []
    for column in COLUMNS:
        value = values[column]
        cells.append(percent(value, lang) if column == "fulfilment_rate" else number(value, lang))
    return cells


def _shown(rows: list[LedgerRow], lang: str) -> list[tuple[LedgerRow, str]]:
    """The rows worth reading, each with the level it is named by. A total or region row
    whose only part (the one region of a region's ledger; the one district of a city of
    republican significance, which is its own district) has the same figures says nothing
    that part does not: the part stands alone, named by the level above when it is the same
    place (Almaty stays a region). The API and the CSV keep every row."""
    parts: dict[tuple[str, str | None], list[LedgerRow]] = {}
    for row in rows:
        if row.level == "region":
            parts.setdefault(("total", ""), []).append(row)
        elif row.level == "district":
            parts.setdefault(("region", row.region_kato), []).append(row)
    level_of = {id(row): row.level for row in rows}
    shown = []
    for row in rows:
        only = parts.get((row.level, row.key), [])
        if len(only) == 1 and _cells(only[0], lang) == _cells(row, lang):
            if only[0].key == row.key:
                level_of[id(only[0])] = level_of[id(row)]
            continue
        shown.append((row, level_of[id(row)]))
    return shown


def _area(kato: str | None) -> str | None:
    """The area asked for: a KATO code (a region, a district), or None for the account's own;
    anything else is no area (the 404 page)."""
    if not kato:
        return None
    if not (kato.isascii() and kato.isdigit() and len(kato) == 9):
        raise PageNotFound()
    return kato


def _areas(v: Visit, region: str | None) -> list[tuple[str, str]]:
    """The areas the account may choose: its region and the region's districts, or (without a
    region) the country's regions."""
    if region is None:
        country = messages("service").text("report_country", v.lang)
        return [("", country)] + [(p.kato, p.name(v.lang)) for p in places().regions()]
    own = places().get(region)
    found = [(region, own.name(v.lang) if own else region)]
    return found + [(p.kato, p.name(v.lang)) for p in places().districts(region)]


def _page(v: Visit, kato: str | None) -> Response:
    actor = v.need(*STAFF)
    ledger = reports.ledger(v.rt, actor, kato=_area(kato))
    text = messages("service").text
    outcomes = ledger.outcomes
    return v.render(
        "ledger.html",
        title=v.t("ledger_title"),
        heading=text("report_header", v.lang, area=ledger.area(v.lang), date=ledger.today),
        headers=[v.t(f"ledger_h_{c}") for c in COLUMNS],
        rows=[
            {
                "level": level,
                "level_name": text(f"report_level_{level}", v.lang),
                "name": row.name(v.lang),
                "key": row.key,
                "cells": _cells(row, v.lang),
            }
            for row, level in _shown(ledger.rows, v.lang)
        ],
        incomplete=[
            {
                "name": e.name,
                "bin": e.employer_bin,
                "reason": text(f"report_incomplete_{e.reason}", v.lang),
            }
            for e in ledger.incomplete
        ],
        outcomes=None if outcomes is None else _outcomes(ledger, v.lang),
        definitions=[
            text("quota_slots_definition", v.lang),
            text("report_chart_definition", v.lang),
        ],
        today=ledger.today,
        areas=_areas(v, actor.region_kato),
        kato=kato or "",
        query=f"?kato={kato}" if kato else "",
    )


def _outcomes(ledger: QuotaLedger, lang: str) -> list[str]:
    text = messages("service").text
    found = ledger.outcomes
    assert found is not None
    lines = [
        text(
            "report_outcomes", lang, released=found.released, hired=found.hired,
            median=number(found.median_days_to_hire, lang),
        )
    ]  # fmt: skip
    for kept in found.retention:
        lines.append(
            text(
                "report_retention", lang, months=kept.months, kept=kept.kept, judged=kept.judged,
                rate=percent(kept.rate, lang),
            )
        )  # fmt: skip
    return lines


@router.get("/ledger")
async def ledger_page(v: VisitDep, kato: str | None = None) -> Response:
    """The ledger of the account's region, or of one of its districts (``kato``); an account
    without a region sees the country, or one region. Another region is the 404 page."""
    return await run_in_threadpool(_page, v, kato)


def _chart(v: Visit, kato: str | None) -> Response:
    actor = v.need(*STAFF)
    png = reports.chart(v.rt, actor, kato=_area(kato), as_of=None, lang=v.lang)
    return Response(png, media_type="image/png", headers=HEADERS)


@router.get("/ledger/chart.png")
async def ledger_chart(v: VisitDep, kato: str | None = None) -> Response:
    """The fulfilment chart of the reader's region (all regions for an account without one)."""
    return await run_in_threadpool(_chart, v, kato)


def _csv(v: Visit, kato: str | None) -> Response:
    actor = v.need(*STAFF)
    ledger = reports.ledger(v.rt, actor, kato=_area(kato))
    name = f"quota-{ledger.kato or 'kz'}-{ledger.today.isoformat()}.csv"
    return Response(
        render.to_csv(ledger, v.lang, "excel"),
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/ledger/quota.csv")
async def ledger_csv(v: VisitDep, kato: str | None = None) -> Response:
    """The ledger as a CSV file for a Kazakh or Russian Excel (the API's ``dialect=excel``)."""
    return await run_in_threadpool(_csv, v, kato)
