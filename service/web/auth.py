"""Login, logout, the password change a one-time password forces, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.usecases import accounts
from service.web.pages import LANGS, FormDep, PageRoute, Redirect, VisitDep, safe_next
from service.web.session import fresh

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(v: VisitDep) -> Response:
    if v.account is None:
        raise Redirect("/login")
    v.need()
    return v.redirect("/referrals" if v.account.role == "employer" else "/persons")


@router.get("/login")
def login_form(v: VisitDep, next: str | None = None) -> Response:
    if v.account is not None:
        return v.redirect(safe_next(next))
    return v.render("login.html", title=v.t("login_title"), next=safe_next(next), error=None)


@router.post("/login")
async def login(v: VisitDep, fields: FormDep) -> Response:
    target = safe_next(fields.get("next"))
    try:
        account = await run_in_threadpool(
            accounts.login, v.rt, fields.get("login", ""), fields.get("password", "")
        )
    except accounts.LoginRefused as refusal:
        return v.render(
            "login.html", status=401, title=v.t("login_title"), next=target,
            error=refusal.message(v.lang), login=fields.get("login", ""),
        )  # fmt: skip
    assert account.id is not None
    lang = account.lang
    if v.session.lang is not None and v.session.lang != lang:  # chosen on the login page
        lang = v.session.lang
        await run_in_threadpool(accounts.set_lang, v.rt, account.id, lang)
        account.lang = lang
    v.session = v.session.signed_in(account.id).with_lang(lang)
    v.account, v.lang = account, lang
    return v.redirect("/password" if account.must_change_password else target)


@router.post("/logout")
def logout(v: VisitDep, fields: FormDep) -> Response:
    v.session = fresh().with_lang(v.lang)
    v.account = None
    return v.redirect("/login")


@router.post("/lang")
async def switch_language(v: VisitDep, fields: FormDep) -> Response:
    lang = fields.get("lang", "")
    if lang in LANGS:
        if v.account is not None and v.account.id is not None:
            await run_in_threadpool(accounts.set_lang, v.rt, v.account.id, lang)
        v.session = v.session.with_lang(lang)
    return v.redirect(safe_next(fields.get("next")))


@router.get("/password")
def password_form(v: VisitDep) -> Response:
    if v.account is None:
        raise Redirect("/login")
    return v.render("password.html", title=v.t("password_title"), error=None)


@router.post("/password")
async def change_password(v: VisitDep, fields: FormDep) -> Response:
    if v.account is None or v.account.id is None:
        raise Redirect("/login")
    try:
        await run_in_threadpool(
            accounts.change_password, v.rt, v.account.id, old=fields.get("old", ""),
            new=fields.get("new", ""), repeat=fields.get("repeat", ""),
        )  # fmt: skip
    except accounts.AccountInvalid as refusal:
        return v.render(
            "password.html", status=422, title=v.t("password_title"),
            error=refusal.message(v.lang),
        )  # fmt: skip
    return v.redirect("/")
