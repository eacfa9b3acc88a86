"""The quota ledger over HTTP: JSON, CSV or a PNG chart (docs/reports.md).

Who sees what: officers, inspectors and admins see any area; a token scoped to a region sees
only areas inside it (its region by default; 403 elsewhere). An employer sees only its own
employer rows and offer windows, without outcome indicators, and no chart (district bars
count other employers' hires).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service.api.deps import AnyRole, ApiError, Lang, SessionDep, Staff
from service.api.routes.persons import ERRORS
from service.api.schemas import QuotaLedgerOut
from service.reports import quota as reports
from service.store.tables import ApiToken

router = APIRouter(tags=["reports"])
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
KatoParam = Annotated[
    str | None,
    Query(
        pattern=r"^\d{2,9}$",
        description="Region, district or place (KATO, 9 digits or its leading digits); "
        "default: the whole country, or the token's region.",
        examples=["470000000"],
    ),
]
LangParam = Annotated[
    Literal["ru", "kk", "en"] | None,
    Query(alias="lang", description="ru, kk or en (default: Accept-Language)."),
]
AsOfParam = Annotated[
    date | None, Query(description="Day of the report, 2000-01-01 to 2100-12-31 (default today).")
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


def _ledger(
    db: SessionDep, token: ApiToken, kato: str | None, as_of: date | None
) -> reports.QuotaLedger:
    """The ledger the token may see: 422 for an unknown area, 403 outside its region."""
    today = as_of or date.today()
    if not EARLIEST <= today <= LATEST:
        raise ApiError(422, "report_bad_as_of", value=today.isoformat())
    if kato is None and token.region_kato is not None:
        kato = token.region_kato
    try:
        prefix = reports.area_prefix(kato)
    except reports.UnknownArea:
        raise ApiError(422, "report_bad_kato", kato=kato) from None
    if token.region_kato is not None and not prefix.startswith(token.region_kato[:2]):
        raise ApiError(403, "out_of_region")
    return reports.quota_ledger(db, kato=kato, today=today)


def _out(ledger: reports.QuotaLedger, token: ApiToken, lang: str) -> QuotaLedgerOut:
    body = ledger.as_dict(lang)
    if token.role == "employer":
        own = token.employer_bin
        body["rows"] = [r for r in body["rows"] if r["level"] == "employer" and r["key"] == own]
        body["windows"] = [w for w in body["windows"] if w["employer_bin"] == own]
        body["outcomes"] = None
    return QuotaLedgerOut.model_validate(body)


@router.get("/reports/quota", response_model=QuotaLedgerOut, responses=CSV_OR_JSON)
def quota_ledger(
    db: SessionDep,
    token: AnyRole,
    lang: Lang,
    kato: KatoParam = None,
    format: Annotated[
        Literal["json", "csv"], Query(description="json, or csv: one line per row.")
    ] = "json",
    text_lang: LangParam = None,
    as_of: AsOfParam = None,
) -> QuotaLedgerOut | Response:
    """Quota vacancies, slots, referrals, hires and 3-month contracts by region, district and
    employer; offer windows; outcomes of released persons in the area."""
    chosen = text_lang or lang
    ledger = _ledger(db, token, kato, as_of)
    if format == "csv":
        if token.role == "employer":
            ledger = reports.QuotaLedger(
                today=ledger.today,
                kato=ledger.kato,
                rows=[r for r in ledger.level("employer") if r.key == token.employer_bin],
                windows=[],
                outcomes=ledger.outcomes,
            )
        return Response(reports.to_csv(ledger, chosen), media_type="text/csv; charset=utf-8")
    return _out(ledger, token, chosen)


@router.get("/reports/quota/chart.png", response_class=Response, responses=PNG)
def quota_chart(
    db: SessionDep,
    token: Staff,
    lang: Lang,
    kato: KatoParam = None,
    text_lang: LangParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """Fulfilment rate by district (horizontal bars, slots annotated), as a PNG image."""
    ledger = _ledger(db, token, kato, as_of)
    return Response(reports.chart_png(ledger, text_lang or lang), media_type="image/png")
