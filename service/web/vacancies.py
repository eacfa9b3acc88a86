"""The officer's vacancy page: the vacancy's details (employer, place, salary, schedule, quota
slots and offer window, free places), the persons who fit it best with their reasons (the
candidates of ``GET /api/v1/vacancies/{id}/candidates``, staff view: the account's region's
persons, by name, linking to their pages) and a refer button for each (the person page's
referral). A vacancy of another region is shown too (a person's list may hold it, for a move)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.usecases import occupations, referrals, shortlists, vacancies
from service.usecases.capacity import VacancyPlaces
from service.usecases.errors import Problem
from service.web.pages import FormDep, PageRoute, Visit, VisitDep
from service.web.staff import STAFF, district_name, place_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CANDIDATES = 20


def details(v: Visit, found: VacancyPlaces, today: date) -> dict[str, object]:
    """What the vacancy's page (staff's or its employer's) says of it, in the reader's words."""
    row, places = found.vacancy, found.places
    occupation = occupations.occupation_of(row.occupation_code, row.occupation_nkz, v.lang)
    window = found.window_last_day
    return {
        "id": row.vacancy_id,
        "title": row.title,
        "employer": row.employer_name or row.employer_bin,
        "employer_bin": row.employer_bin,
        "place": place_name(row.kato, v.lang),
        "occupation": occupation["title"] if occupation else None,
        "salary": row.salary_kzt,
        "schedule": v.t(f"schedule_{row.employment_type}"),
        "education": v.t(f"edu_{row.education_min}"),
        "experience": f"{row.experience_min_years:g}" if row.experience_min_years > 0 else None,
        "housing": row.provides_housing,
        "description": row.description,
        "is_quota": row.is_quota,
        "open": row.status == "open",
        "quota_slots": row.quota_slots,
        "quota_from": row.quota_from,
        "window_last_day": window,
        "window_days_left": max(0, (window - today).days) if window is not None else None,
        "window_over": window is not None and window < today,
        "held": places.held,
        "taken": places.taken,
        "free": places.free,
        "confirmed_on": row.capacity_confirmed_on,
        "stale": found.stale,
    }


def _page(v: Visit, vacancy_id: str, *, error: str | None = None, status: int = 200) -> Response:
    actor = v.need(*STAFF)
    today = date.today()
    found = vacancies.read(v.rt, actor, vacancy_id, today=today)
    listed = shortlists.vacancy_candidates(v.rt, actor, vacancy_id=vacancy_id, limit=CANDIDATES)
    names = vacancies.candidate_names(v.rt, actor, [p.person_id for _, p in listed.items])
    candidates = [
        {
            "id": person.person_id,
            "name": names.get(person.person_id),
            "district": district_name(person.kato, v.lang),
            "status": v.t(f"status_{person.status}"),
            "release": person.release_date,
            "reasons": [r.text(v.lang) for r in item.reasons],
        }
        for item, person in listed.items
    ]
    return v.render(
        "vacancy.html",
        status=status,
        title=found.vacancy.title,
        vacancy=details(v, found, today),
        candidates=candidates,
        error=error,
        made=v.request.query_params.get("made"),
    )


@router.get("/vacancies/{vacancy_id}")
async def vacancy_page(v: VisitDep, vacancy_id: str) -> Response:
    return await run_in_threadpool(_page, v, vacancy_id)


@router.post("/vacancies/{vacancy_id}/referrals")
async def refer(v: VisitDep, fields: FormDep, vacancy_id: str) -> Response:
    """Refer a candidate to this vacancy (the same referral as the person page's)."""
    actor = v.need(*STAFF)
    await run_in_threadpool(vacancies.read, v.rt, actor, vacancy_id)  # its page's scope: 404
    try:
        made = await run_in_threadpool(
            lambda: referrals.refer(
                v.rt, actor, person_id=fields.get("person_id", "")[:64], item_kind="vacancy",
                item_id=vacancy_id,
            )
        )  # fmt: skip
    except Problem as problem:
        if problem.status == 404 and problem.code in ("unknown_item", "unknown_vacancy"):
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _page(v, vacancy_id, error=message, status=status))
    return v.redirect(f"/vacancies/{vacancy_id}?made={made.row.id}#candidates")
