"""The officer's and the inspector's pages: the caseload and the person page (profile, the
three shortlists with a refer button per item, the referrals as a timeline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from catalogs.i18n import messages
from catalogs.reference.places import places
from matcher import KINDS, Shelter
from matcher.rank import shown
from service.store.protect import mask_iin
from service.store.rows import effective_status
from service.store.sealed import open_support
from service.store.tables import Account, PlanVersion
from service.store.tables import Person as PersonRow
from service.usecases import caseload, occupations, offers, persons, plans, referrals, shortlists
from service.usecases.actor import Actor
from service.usecases.errors import Problem
from service.usecases.referrals import Move
from service.web.pages import HEADERS, FormDep, PageRoute, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF = ("officer", "inspector", "admin")
SHORTLIST = 5
NEEDS = (
    "housing", "documents", "medical_commission", "psychological", "addiction_treatment",
    "legal_aid",
)  # fmt: skip


place_name = offers.place_name
"""A place in ``lang`` (where a person lives, where an item is): the pages' one way to name it."""


def district_name(kato: str, lang: str) -> str:
    return caseload.district_of(kato, lang)


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
    sort: str = "release",
    order: str = "asc",
) -> Response:
    actor = v.need(*STAFF)
    searched = caseload.search(q)
    descending = order == "desc"
    filters = caseload.Filters(
        district=district or None,
        status=status or None,
        release_within_weeks=int(release) if release and release.isdigit() else None,
        needs=tuple(n for n in need or () if n),
        person_id=searched.person_id,
        name=searched.name,
        referral=referral or None,
    )
    found = await run_in_threadpool(
        lambda: caseload.caseload(
            v.rt, actor, filters, page=page, sort=sort, descending=descending, lang=v.lang
        )
    )
    region = actor.region_kato
    districts = [(p.kato, p.name(v.lang)) for p in places().districts(region)] if region else []
    query = {
        "district": filters.district or "", "status": filters.status or "",
        "release": str(filters.release_within_weeks or ""), "q": q or "",
        "referral": filters.referral or "",
    }  # fmt: skip
    kept = urlencode([*query.items(), *(("need", n) for n in filters.needs)])
    base = f"{kept}&sort={sort}&order={'desc' if descending else 'asc'}"

    def sort_url(key: str) -> str:
        """A column's header link: sorted by it, the other way round when it already is."""
        turn = "desc" if key == sort and not descending else "asc"
        return f"/persons?{kept}&sort={key}&order={turn}"

    def sort_state(key: str) -> str | None:
        if key != sort:
            return None
        return "descending" if descending else "ascending"

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
        sort_url=sort_url,
        sort_state=sort_state,
        sort=sort,
        order="desc" if descending else "asc",
    )


@dataclass(frozen=True)
class Offer:
    """One item of a shortlist as the person page shows it: its facts (``offers.Facts``, the
    API's and the command line's too) as labelled rows, the chance where the learned model
    serves, and the reasons."""

    facts: offers.Facts
    rows: list[tuple[str, str]]
    reasons: list[str]
    chance: tuple[str, str] | None = None
    """(what it is the chance of, «37 %»): a learned ranker's score; none under the baseline."""


def _offers(v: Visit, found: shortlists.Shortlist) -> list[Offer]:
    ranker, kind, lang = found.engine.rankers[found.kind], found.kind, v.lang
    chance = shown.label(ranker, kind, lang) if shown.is_chance(ranker) else None
    return [
        Offer(facts, facts.rows(lang), [r.text(lang) for r in rec.reasons],
              (chance, shown.value(ranker, rec.score, lang)) if chance else None)
        for rec, facts in zip(found.items, offers.facts(v.rt, found, lang), strict=True)
    ]  # fmt: skip


def _person_page(
    v: Visit,
    person_id: str,
    *,
    error: str | None = None,
    status: int = 200,
    occupation_error: bool = False,
    typed: str = "",
    reveal: bool = False,
    why: tuple[str, str] | None = None,
) -> Response:
    """The person page; ``reveal``: with the full IIN, read (and audited) as the API's
    ``?reveal_iin=true`` does; ``why``: with the verdict on one item (kind, id)."""
    actor = v.need(*STAFF)
    row = caseload.open_person(v.rt, actor, person_id)
    if reveal:
        row = persons.read(v.rt, actor, row.person_id, reveal_iin=True)
    explained, why_error = (None, None)
    if why is not None:
        explained, why_error = _why(v, actor, row.person_id, *why)
        if why_error is not None and status == 200:
            status = why_error[0]
    protector = v.rt.protector
    iin = protector.decrypt(row.iin_cipher)
    support = open_support(protector, row.support_cipher)
    state, _ = effective_status(row, date.today())
    lists: dict[str, list[Offer]] = {}
    notices: list[dict[str, object]] = []
    for kind in KINDS:
        found = shortlists.person_shortlist(
            v.rt, actor, person_id=row.person_id, kind=kind, limit=SHORTLIST
        )
        notices += [notice.as_dict(v.lang) | {"profession": notice.profession}
                    for notice in found.notices]  # fmt: skip
        lists[kind] = _offers(v, found)
    plan = _plan_version(v, actor, row.person_id)
    occupation = _confirmed(v, row)
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
        iin=(iin if reveal else mask_iin(iin)) if iin else None,
        revealed=reveal,
        why_asked=why,
        explained=explained,
        why_error=why_error[1] if why_error else None,
        kinds=KINDS,
        state=state,
        place=place_name(row.kato, v.lang),
        needs=support.needs(NEEDS),
        support=support,
        lists=lists,
        notices=notices,
        occupation=occupation,
        confirmed=_confirmed_message(v, row.person_id, occupation),
        timeline=timeline,
        plan=plan,
        error=error,
        occupation_error=occupation_error,
        typed=typed,
        made=v.request.query_params.get("made"),
    )


def _plan_version(v: Visit, actor: Actor, person_id: str) -> PlanVersion | None:
    """The plan's latest version, if there is one (its number and date on the page)."""
    found = plans.history(v.rt, actor, person_id)
    return found[-1] if found else None


@router.get("/persons/{person_id}")
async def person_page(
    v: VisitDep, person_id: str, why_kind: str | None = None, why_item: str | None = None
) -> Response:
    """``why_kind`` and ``why_item``: the "why not" form's question (both, or neither)."""
    why = None
    if why_kind is not None or why_item is not None:
        why = ((why_kind or "").strip()[:20], (why_item or "").strip()[:64])
    return await run_in_threadpool(lambda: _person_page(v, person_id, why=why))


@router.post("/persons/{person_id}/iin")
async def reveal_iin(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    """The full IIN, shown on this answer only (never remembered), audited as ``reveal_iin``."""
    return await run_in_threadpool(lambda: _person_page(v, person_id, reveal=True))


def _why(
    v: Visit, actor: Actor, person_id: str, kind: str, item_id: str
) -> tuple[dict[str, object] | None, tuple[int, str] | None]:
    """The verdict on one item for the person (``matcher why``, the API's why route): the
    rules that exclude it, or its place in the list, with its reasons; or the message of
    what was wrong with the question (status, text)."""
    if kind not in KINDS or not item_id:
        return None, (422, v.t("why_bad_question"))
    try:
        found = shortlists.why(v.rt, actor, person_id=person_id, kind=kind, item_id=item_id)
    except Problem as problem:
        if problem.code == "unknown_person":
            raise
        return None, (problem.status, problem.message(v.lang))
    result = found.why
    item = found.engine.item(kind, item_id)
    engine_text = messages("matcher")
    return {
        "kind": kind,
        "id": item_id,
        "title": item.name if isinstance(item, Shelter) else item.title,
        "eligible": result.eligible,
        "verdicts": [engine_text.text(x.code, v.lang, **x.params) for x in result.verdicts],
        "rank": result.rank,
        "reasons": [r.text(v.lang) for r in result.reasons],
    }, None


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


def _confirmed(v: Visit, row: PersonRow) -> dict[str, object] | None:
    """The occupation an officer confirmed for the person, as the page shows it: ISCO-08 code
    and title, the NKZ occupation when one was given, who confirmed it and when."""
    if row.confirmed_occupation is None:
        return None
    nkz = row.confirmed_occupation_nkz
    at = row.confirmed_occupation_at
    return {
        "code": row.confirmed_occupation,
        "title": occupations.occupation_title(row.confirmed_occupation, None, v.lang),
        "nkz": nkz,
        "nkz_title": occupations.occupation_title(None, nkz, v.lang) if nkz else None,
        "by": _author_name(v, row.confirmed_occupation_by),
        "on": at.date() if at is not None else None,
    }


def _confirmed_message(v: Visit, person_id: str, occupation: dict[str, object] | None) -> str:
    """After a confirmation, the use cases' own message saying so (empty otherwise)."""
    if occupation is None or "confirmed" not in v.request.query_params:
        return ""
    named = f"{occupation['code']} — {occupation['title']}"
    return messages("service").text("occupation_confirmed", v.lang, id=person_id, occupation=named)


def _author_name(v: Visit, author: str | None) -> str:
    """An account's name for ``officer:account:5`` (how use cases name an author)."""
    parts = (author or "").split(":")
    if len(parts) == 3 and parts[1] == "account" and parts[2].isdigit():
        with v.rt.session() as session:
            found = session.get(Account, int(parts[2]))
        if found is not None:
            return found.display_name or found.login
    return author or "—"


SEARCH_QUERY = (2, 100)
"""The autocomplete asks from 2 characters, and never with more than 100."""
SEARCH_LIMIT = (1, 20)


def _error(v: Visit, key: str, status: int) -> JSONResponse:
    return JSONResponse({"detail": v.t(key)}, status_code=status, headers=HEADERS)


@router.get("/occupations/search")
async def occupation_search(v: VisitDep, q: str = "", limit: str = "10") -> Response:
    """The profession field's autocomplete: ``[{code, nkz, title}]`` in the page's language,
    for signed-in staff (401 signed out, 404 for other roles, 422 for a bad ``q``/``limit``)."""
    if v.account is None or v.account.must_change_password:
        return _error(v, "occupation_signed_out", 401)
    if v.account.role not in STAFF:
        return _error(v, "error_404_text", 404)
    query = q.strip()
    if not SEARCH_QUERY[0] <= len(query) <= SEARCH_QUERY[1] or not query.isprintable():
        return _error(v, "occupation_search_bad", 422)
    if (
        not (limit.isascii() and limit.isdigit())
        or not SEARCH_LIMIT[0] <= int(limit) <= SEARCH_LIMIT[1]
    ):
        return _error(v, "occupation_search_limit_bad", 422)
    found = await run_in_threadpool(
        occupations.search, v.actor(), query, lang=v.lang, limit=int(limit)
    )
    items = [{"code": c.code, "nkz": c.nkz, "title": c.title} for c in found]
    return JSONResponse(items, headers=HEADERS)


def code_typed(value: str) -> str:
    """The code in what the profession field sends: ``7212``, ``7212-2-005``, or a choice of
    its list written ``7212-2-005 — Электрогазосварщик`` (the code is the first word)."""
    words = value.split()
    return words[0] if words else ""


@router.post("/persons/{person_id}/occupation")
async def confirm_occupation(v: VisitDep, fields: FormDep, person_id: str) -> Response:
    """Staff confirm (or change) a person's occupation; the lists follow it from then on."""
    actor = v.need(*STAFF)
    code = code_typed(fields.get("code", ""))
    text = fields.get("text") or None
    try:
        await run_in_threadpool(
            lambda: occupations.confirm(v.rt, actor, person_id, code, text=text)
        )
    except Problem as problem:
        if problem.status == 404 and problem.code == "unknown_person":
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _person_page(
                v,
                person_id,
                error=message,
                status=status,
                occupation_error=True,
                typed=fields.get("code", "")[:200],
            )
        )
    return v.redirect(f"/persons/{person_id}?confirmed=1#occupation")
