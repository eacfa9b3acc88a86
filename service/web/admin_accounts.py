"""Accounts (list, create with a one-time password shown once, disable, reset the password) and
API tokens (list, create with the token shown once, revoke) for the administrator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.reference.places import places
from service.store.tables import Account, ApiToken
from service.store.tokens import ROLES
from service.usecases import accounts, admin, admin_views
from service.usecases.errors import Problem
from service.web.pages import FormDep, PageRoute, Visit, VisitDep, form_int

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ADMIN = "admin"
TOKEN_DAYS = (30, 90, 180, 365)


def region_name(kato: str | None, lang: str) -> str:
    found = places().get(kato) if kato else None
    return found.name(lang) if found is not None else (kato or "")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _account_state(row: Account, now: datetime) -> str:
    if row.disabled_at is not None:
        return "disabled"
    locked = _aware(row.locked_until)
    if locked is not None and locked > now:
        return "locked"
    return "must_change" if row.must_change_password else "active"


def _token_state(row: ApiToken, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    expires = _aware(row.expires_at)
    return "expired" if expires is not None and expires <= now else "active"


def _scope(v: Visit, region: str | None, employer_bin: str | None) -> str:
    if employer_bin:
        return v.t("admin_scope_bin", bin=employer_bin)
    if region:
        return region_name(region, v.lang)
    return v.t("admin_scope_all")


def _regions(v: Visit) -> list[tuple[str, str]]:
    return sorted(((p.kato, p.name(v.lang)) for p in places().regions()), key=lambda r: r[1])


def _accounts(v: Visit, *, status: int = 200, **shown: Any) -> Response:
    actor = v.need(ADMIN)
    now = datetime.now(UTC)
    rows = [
        {
            "login": row.login,
            "name": row.display_name or "",
            "role": row.role,
            "scope": _scope(v, row.region_kato, row.employer_bin),
            "state": _account_state(row, now),
            "last_login": _aware(row.last_login_at),
            "disabled": row.disabled_at is not None,
            "self": v.account is not None and row.id == v.account.id,
        }
        for row in admin_views.list_accounts(v.rt, actor)
    ]
    return v.render(
        "admin_accounts.html", status=status, title=v.t("admin_accounts_title"), accounts=rows,
        roles=ROLES, regions=_regions(v), form=shown.pop("form", {}), **shown,
    )  # fmt: skip


@router.get("/admin/accounts")
async def accounts_page(v: VisitDep) -> Response:
    return await run_in_threadpool(_accounts, v)


def _optional(fields: dict[str, str], name: str) -> str | None:
    return fields.get(name, "").strip() or None


@router.post("/admin/accounts")
async def create_account(v: VisitDep, fields: FormDep) -> Response:
    actor = v.need(ADMIN)
    try:
        made = await run_in_threadpool(
            lambda: accounts.create(
                v.rt, actor, role=fields.get("role", ""), login=fields.get("login", ""),
                region_kato=_optional(fields, "region"),
                employer_bin=_optional(fields, "employer_bin"),
                display_name=_optional(fields, "name"), email=_optional(fields, "email"),
                lang=fields.get("lang", "ru"),
            )
        )  # fmt: skip
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _accounts(v, status=status, error=message, form=fields)
        )
    return await run_in_threadpool(
        lambda: _accounts(v, status=201, login=made.account.login, password=made.password)
    )


@router.post("/admin/accounts/{login}/disable")
async def disable_account(v: VisitDep, fields: FormDep, login: str) -> Response:
    actor = v.need(ADMIN)
    if v.account is not None and v.account.login == login:
        return await run_in_threadpool(
            lambda: _accounts(v, status=409, error=v.t("admin_disable_self"))
        )
    try:
        await run_in_threadpool(accounts.disable, v.rt, actor, login)
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _accounts(v, status=status, error=message))
    return await run_in_threadpool(
        lambda: _accounts(v, notice=v.t("admin_account_disabled", login=login))
    )


@router.post("/admin/accounts/{login}/reset")
async def reset_account(v: VisitDep, fields: FormDep, login: str) -> Response:
    actor = v.need(ADMIN)
    try:
        password = await run_in_threadpool(accounts.reset, v.rt, actor, login)
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _accounts(v, status=status, error=message))
    return await run_in_threadpool(lambda: _accounts(v, login=login, password=password, reset=True))


def _tokens(v: Visit, *, status: int = 200, **shown: Any) -> Response:
    actor = v.need(ADMIN)
    now = datetime.now(UTC)
    rows = [
        {
            "id": row.id,
            "label": row.label or "",
            "role": row.role,
            "scope": _scope(v, row.region_kato, row.employer_bin),
            "expires": _aware(row.expires_at),
            "last_used": _aware(row.last_used_at),
            "state": _token_state(row, now),
        }
        for row in admin.list_tokens(v.rt, actor)
    ]
    return v.render(
        "admin_tokens.html", status=status, title=v.t("admin_tokens_title"), tokens=rows,
        roles=ROLES, regions=_regions(v), days=TOKEN_DAYS, form=shown.pop("form", {}), **shown,
    )  # fmt: skip


@router.get("/admin/tokens")
async def tokens_page(v: VisitDep) -> Response:
    return await run_in_threadpool(_tokens, v)


@router.post("/admin/tokens")
async def create_token(v: VisitDep, fields: FormDep) -> Response:
    actor = v.need(ADMIN)
    days = form_int(fields, "days")
    try:
        secret, record = await run_in_threadpool(
            lambda: admin.create_token(
                v.rt, actor, role=fields.get("role", ""),
                employer_bin=_optional(fields, "employer_bin"),
                region_kato=_optional(fields, "region"), label=_optional(fields, "label"),
                lang=v.lang, days=days if days in TOKEN_DAYS else None,
            )
        )  # fmt: skip
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(
            lambda: _tokens(v, status=status, error=message, form=fields)
        )
    return await run_in_threadpool(lambda: _tokens(v, status=201, secret=secret, made=record.id))


@router.post("/admin/tokens/{token_id}/revoke")
async def revoke_token(v: VisitDep, fields: FormDep, token_id: int) -> Response:
    actor = v.need(ADMIN)
    try:
        await run_in_threadpool(admin.revoke_token, v.rt, actor, token_id)
    except Problem as problem:
        if problem.status == 404:
            raise
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _tokens(v, status=status, error=message))
    return await run_in_threadpool(
        lambda: _tokens(v, notice=v.t("admin_token_revoked", id=token_id))
    )
