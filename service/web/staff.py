"""The officer's and the inspector's pages: the caseload and the person page (profile, the
three shortlists with a refer button per item, the referrals as a timeline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.reference.places import places
from matcher import KINDS, Course, Shelter, Vacancy
from service.store.protect import mask_iin
from service.store.rows import effective_status
from service.store.tables import PlanVersion
from service.usecases import caseload, plans, referrals, shortlists
from service.usecases.actor import Actor
from service.usecases.errors import Problem
from service.usecases.referrals import Move
from service.web.pages import FormDep, PageRoute, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF = ("officer", "inspector", "admin")
SHORTLIST = 5
NEEDS = (
    "housing", "documents", "medical_commission", "psychological", "addiction_treatment",
    "legal_aid",
)  # fmt: skip


def place_name(kato: str | None, lang: str) -> str:
    """A place's district (or city) in ``lang``: where a person lives, where an item is."""
    if not kato:
        return ""
    found = places().get(kato)
    if found is None:
        return kato
    district = places().get(found.district) if found.district else None
    if district is not None and not found.is_town:
        return f"{found.name(lang)}, {district.name(lang)}"
    return found.name(lang)


def district_name(kato: str, lang: str) -> str:
    found = places().get(kato)
    if found is None:
        return kato
    district = places().get(found.district) if found.district else None
    return (district or found).name(lang)


@router.get("/persons")
async def caseload_page(
    v: VisitDep,
    district: str | None = None,
    status: str | None = None,
    release: str | None = None,
    need: Annotated[list[str] | None, Query()] = None,
    referral: str | None = None,
    q: str | None = None,
    page: int = 1,
) -> Response:
    actor = v.need(*STAFF)
    filters = caseload.Filters(
        district=district or None,
        status=status or None,
        release_within_weeks=int(release) if release and release.isdigit() else None,
        needs=tuple(n for n in need or () if n),
        person_id=q.strip() if q and q.strip() else None,
        referral=referral or None,
    )
    found = await run_in_threadpool(caseload.caseload, v.rt, actor, filters, page=page)
    region = actor.region_kato
    districts = [(p.kato, p.name(v.lang)) for p in places().districts(region)] if region else []
    query = {
        "district": filters.district or "", "status": filters.status or "",
        "release": str(filters.release_within_weeks or ""), "q": q or "",
        "referral": filters.referral or "",
    }  # fmt: skip
    base = urlencode([*query.items(), *(("need", n) for n in filters.needs)])
    return v.render(
        "caseload.html",
        title=v.t("caseload_title"),
        found=found,
        filters=filters,
        q=q or "",
        districts=districts,
        region_name=district_name(region, v.lang) if region else v.t("all_regions"),
        statuses=caseload.STATUSES,
        windows=caseload.RELEASE_WINDOWS,
        needs=caseload.NEEDS,
        referral_filters=caseload.REFERRAL_FILTERS,
        district_of=lambda kato: district_name(kato, v.lang),
        page_url=lambda n: f"/persons?{base}&page={n}",
    )


@dataclass(frozen=True)
class Offer:
    """One item of a shortlist as the person page shows it."""

    kind: str
    id: str
    title: str
    by: str
    place: str
    money: str
    reasons: list[str]


def _offer(v: Visit, kind: str, item: Vacancy | Course | Shelter, reasons: list[str]) -> Offer:
    from service.web.pages import money

    if isinstance(item, Vacancy):
        return Offer(kind, item.vacancy_id, item.title, item.employer_name or "",
                     place_name(item.kato, v.lang),
                     money(item.salary_kzt) if item.salary_kzt else "", reasons)  # fmt: skip
    if isinstance(item, Course):
        where = place_name(item.kato, v.lang) if item.kato else v.t(f"format_{item.format}")
        cost = v.t("free_of_charge") if item.cost_kzt == 0 else money(item.cost_kzt)
        return Offer(kind, item.course_id, item.title, item.provider or "", where, cost, reasons)
    return Offer(kind, item.shelter_id, item.name, "", place_name(item.kato, v.lang),
                 v.t("free_beds", count=item.free_beds), reasons)  # fmt: skip


def _person_page(
    v: Visit, person_id: str, *, error: str | None = None, status: int = 200
) -> Response:
    actor = v.need(*STAFF)
    row = caseload.open_person(v.rt, actor, person_id)
    protector = v.rt.protector
    iin = protector.decrypt(row.iin_cipher)
    state, _ = effective_status(row, date.today())
    lists: dict[str, list[Offer]] = {}
    for kind in KINDS:
        found = shortlists.person_shortlist(
            v.rt, actor, person_id=row.person_id, kind=kind, limit=SHORTLIST
        )
        lists[kind] = [
            _offer(v, kind, found.engine.item(kind, rec.id), [r.text(v.lang) for r in rec.reasons])
            for rec in found.items
        ]
    plan = _plan_version(v, actor, row.person_id)
    timeline = [
        view.as_dict(v.lang)
        for view in referrals.listing(v.rt, actor, person_id=row.person_id, limit=100)
    ]
    return v.render(
        "person.html",
        status=status,
        title=v.t("person_title", id=row.person_id),
        person=row,
        name=protector.decrypt(row.full_name_cipher),
        iin=mask_iin(iin) if iin else None,
        state=state,
        place=place_name(row.kato, v.lang),
        needs=[n for n in NEEDS if getattr(row, f"need_{n}")],
        lists=lists,
        timeline=timeline,
        plan=plan,
        error=error,
        made=v.request.query_params.get("made"),
    )


def _plan_version(v: Visit, actor: Actor, person_id: str) -> PlanVersion | None:
    """The plan's latest version, if there is one (its number and date on the page)."""
    found = plans.history(v.rt, actor, person_id)
    return found[-1] if found else None


@router.get("/persons/{person_id}")
async def person_page(v: VisitDep, person_id: str) -> Response:
    return await run_in_threadpool(_person_page, v, person_id)


@router.post("/persons/{person_id}/referrals")
async def refer(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    actor = v.need(*STAFF)
    try:
        made = await run_in_threadpool(
            lambda: referrals.refer(
                v.rt, actor, person_id=person_id, item_kind=fields.get("item_kind", ""),
                item_id=fields.get("item_id", ""),
            )
        )  # fmt: skip
    except Problem as problem:
        if problem.status == 404 and problem.code == "unknown_person":
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _person_page(v, person_id, error=message, status=status)
        )
    return v.redirect(f"/persons/{person_id}?made={made.row.id}#referrals")


@router.post("/persons/{person_id}/referrals/{referral_id}/withdraw")
async def withdraw(v: VisitDep, fields: FormDep, person_id: str, referral_id: int) -> Response:
    """Staff withdraw a referral (the person no longer goes): its place is freed."""
    actor = v.need(*STAFF)
    try:
        await run_in_threadpool(referrals.move, v.rt, actor, referral_id, Move(to="withdrawn"))
    except Problem as problem:
        if problem.status == 404:
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _person_page(v, person_id, error=message, status=status)
        )
    return v.redirect(f"/persons/{person_id}#referrals")
