"""The quota ledger, as each actor may see it (docs/reports.md).

Staff see any area; a regional actor only areas inside its region (its region by default).
An employer sees only its own employer rows, offer windows and (if its obligation is unknown)
its own entry of the incomplete list, without outcome indicators, and no chart (district bars count other employers' hires).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from service.reports import quota, render
from service.runtime import Runtime
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Forbidden, Invalid, NotFound

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def ledger(
    rt: Runtime, actor: Actor, *, kato: str | None = None, as_of: date | None = None
) -> quota.QuotaLedger:
    """The ledger the actor may see: 422 for a day out of range, 404 for an area KATO does not
    know (which codes exist is reference data), 403 outside the actor's region."""
    today = as_of or date.today()
    if not EARLIEST <= today <= LATEST:
        raise Invalid("report_bad_as_of", value=today.isoformat())
    if kato is None and actor.region_kato is not None:
        kato = actor.region_kato
    try:
        prefix = quota.area_prefix(kato)
    except quota.UnknownArea:
        raise NotFound("report_bad_kato", kato=kato) from None
    if actor.region_kato is not None and not prefix.startswith(actor.region_kato[:2]):
        raise Forbidden("out_of_region")
    with rt.session() as session:
        found = quota.quota_ledger(session, kato=kato, today=today)
    if actor.role != "employer":
        return found
    own = actor.employer_bin
    return replace(
        found,
        rows=[r for r in found.level("employer") if r.key == own],
        windows=[w for w in found.windows if w.employer_bin == own],
        incomplete=[e for e in found.incomplete if e.employer_bin == own],
        outcomes=None,
    )


def chart(rt: Runtime, actor: Actor, *, kato: str | None, as_of: date | None, lang: str) -> bytes:
    access.staff_only(actor)
    return render.chart_png(ledger(rt, actor, kato=kato, as_of=as_of), lang)
