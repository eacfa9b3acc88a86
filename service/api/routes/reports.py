"""The quota ledger over HTTP: JSON, CSV or a PNG chart (docs/reports.md).

Who sees what: officers, inspectors and admins see any area; a token scoped to a region sees
only areas inside it (its region by default; 403 elsewhere). An employer sees only its own
employer rows and offer windows, without outcome indicators, and no chart (district bars
count other employers' hires).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service.api.deps import CurrentActor, Lang, RuntimeDep
from service.api.routes.persons import ERRORS
from service.api.schemas import Day, QuotaLedgerOut
from service.reports import render
from service.usecases import reports

router = APIRouter(tags=["reports"])
KatoParam = Annotated[
    str | None,
    Query(
        pattern=r"^\d{2,9}$",
        description="Region, district or place (KATO, 9 digits or its leading digits); "
        "default: the whole country, or the token's region. A code KATO does not know is 404.",
        examples=["470000000"],
    ),
]
LangParam = Annotated[
    Literal["ru", "kk", "en"] | None,
    Query(alias="lang", description="ru, kk or en (default: Accept-Language)."),
]
AsOfParam = Annotated[
    Day | None, Query(description="Day of the report, 2000-01-01 to 2100-12-31 (default today).")
]
CSV_OR_JSON: dict[int | str, dict[str, object]] = {
    **ERRORS,
    200: {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}},
}
PNG: dict[int | str, dict[str, object]] = {
    **ERRORS,
    200: {
        "description": "A PNG chart",
        "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
    },
}


@router.get("/reports/quota", response_model=QuotaLedgerOut, responses=CSV_OR_JSON)
def quota_ledger(
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    kato: KatoParam = None,
    format: Annotated[
        Literal["json", "csv"], Query(description="json, or csv: one line per row.")
    ] = "json",
    dialect: Annotated[
        render.Dialect,
        Query(
            description="With format=csv: excel (the default: UTF-8 with a byte order mark, "
            "';', decimal comma, days as 30.06.2026, headers in the language, for a Kazakh or "
            "Russian Excel) or rfc4180 (UTF-8, ',', decimal point, ISO days, machine headers)."
        ),
    ] = "excel",
    text_lang: LangParam = None,
    as_of: AsOfParam = None,
) -> QuotaLedgerOut | Response:
    """Quota vacancies, slots, referrals, hires and 3-month contracts by region, district and
    employer; offer windows; outcomes of released persons in the area."""
    chosen = text_lang or lang
    ledger = reports.ledger(rt, actor, kato=kato, as_of=as_of)
    if format == "csv":
        name = f"quota-{ledger.kato or 'kz'}-{ledger.today.isoformat()}.csv"
        return Response(
            render.to_csv(ledger, chosen, dialect),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return QuotaLedgerOut.model_validate(ledger.as_dict(chosen))


@router.get("/reports/quota/chart.png", response_class=Response, responses=PNG)
def quota_chart(
    rt: RuntimeDep,
    actor: CurrentActor,
    lang: Lang,
    kato: KatoParam = None,
    text_lang: LangParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """Fulfilment in % as a PNG image: by region and city of national significance for the
    whole country, by district for a region; best first, the definition on it."""
    chart = reports.chart(rt, actor, kato=kato, as_of=as_of, lang=text_lang or lang)
    return Response(chart, media_type="image/png")
