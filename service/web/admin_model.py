"""The model card (held-out figures, refusals, the fairness audit as a chart drawn here in SVG
with its figures in a table beside it), the versions with rollback, and the audit trail with
its chain check."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalogs.i18n import decimal, messages
from catalogs.kinds import KINDS
from service.store import modelstore
from service.store.model_card import Gates, KindEntry, ModelCard, TradeLists, TradeShare
from service.store.tables import AuditEvent
from service.usecases import admin_views, model
from service.usecases.accounts import AccountUnknown
from service.usecases.errors import Problem
from service.web.pages import FormDep, PageNotFound, PageRoute, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ADMIN = "admin"
BAR, GAP, LABEL_W, PLOT_W = 24, 8, 200, 480
VERSION = re.compile(r"[\w.:-]{1,40}")
"""A version's name, as the API's address takes it."""
MODELS = ("challenger", "champion", "baseline")
"""The models the trade-first gate compares: the version judged, the one in force, the baseline."""
SCALE = 1.5
"""The chart's axis runs from 0 to one and a half fair shares (1 = what a random order gives)."""


def _words(key: str, lang: str, **params: object) -> str:
    return messages("service").text(key, lang, **params)


def _number(value: object, lang: str) -> str:
    if not isinstance(value, int | float):
        return "—"
    return decimal(value, lang, 2)


def chart(title: str, rows: list[dict[str, Any]], v: Visit) -> Markup:
    """Bars of each group's exposure (1 = a fair share), the top of its 95 % interval as a
    whisker, and the fair share as a line: an image with a title and a description, whose
    figures the table beside it gives."""
    height = len(rows) * (BAR + GAP) + 30
    width = LABEL_W + PLOT_W + 60

    def x(value: float) -> float:
        return LABEL_W + PLOT_W * min(max(value, 0.0), SCALE) / SCALE

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for n, row in enumerate(rows):
        top = n * (BAR + GAP) + 4
        value = row["exposure"] if isinstance(row["exposure"], int | float) else 0.0
        high = row.get("exposure_high")
        end = max(value, high) if isinstance(high, int | float) else value
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{top + BAR * 0.7:.0f}" text-anchor="end" '
            f'font-size="14" fill="#1b1f24">{escape(row["label"])}</text>'
            f'<rect x="{LABEL_W}" y="{top}" width="{x(value) - LABEL_W:.1f}" height="{BAR}" '
            f'fill="{"#a4161a" if row["worst"] else "#0b5394"}"/>'
            f'<text x="{x(end) + 6:.1f}" y="{top + BAR * 0.7:.0f}" font-size="12" '
            f'fill="#1b1f24">{escape(_number(value, v.lang))}</text>'
        )
        if isinstance(high, int | float):
            parts.append(
                f'<line x1="{x(value):.1f}" x2="{x(high):.1f}" y1="{top + BAR / 2}" '
                f'y2="{top + BAR / 2}" stroke="#1b1f24" stroke-width="1.5"/>'
            )
    fair = x(1.0)
    bottom = len(rows) * (BAR + GAP) + 4
    parts.append(
        f'<line x1="{fair}" x2="{fair}" y1="0" y2="{bottom}" stroke="#1e6b34" '
        f'stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{fair}" y="{bottom + 16}" text-anchor="middle" font-size="12" '
        f'fill="#1e6b34">{escape(v.t("admin_fair_share"))}</text></svg>'
    )
    return Markup("".join(parts))


def fairness(card: ModelCard, v: Visit) -> list[dict[str, Any]]:
    """Each kind's audit, attribute by attribute: the groups' figures, the ratios and the
    chart, with every code in words."""
    shown = []
    for kind, entry in (card.get("kinds") or {}).items():
        audit = entry.get("fairness") if isinstance(entry, dict) else None
        if not isinstance(audit, dict):
            continue
        for attribute, found in audit.items():
            ratios = {
                metric: value if isinstance(value := found.get(metric), dict) else None
                for metric in ("exposure_ratio", "opportunity_ratio")
            }
            worst = (ratios["exposure_ratio"] or {}).get("worst")
            rows = [
                {
                    "label": modelstore.group_label(attribute, group, v.lang),
                    "worst": group == worst,
                    **figures,
                }
                for group, figures in sorted((found.get("groups") or {}).items())
            ]
            if not rows:
                continue
            name = _words(f"attribute_{attribute}", v.lang)
            title = v.t("admin_chart_title", kind=v.t(f"kind_{kind}"), attribute=name)
            shown.append(
                {
                    "title": title,
                    "rows": rows,
                    "chart": chart(title, rows, v),
                    "ratios": [
                        {
                            "metric": _words(f"metric_{metric}", v.lang),
                            "ratio": _number(found_ratio.get("ratio"), v.lang),
                            "group": modelstore.group_label(
                                attribute, str(found_ratio.get("worst")), v.lang
                            ),
                            "below": bool(found_ratio.get("clearly_below")),
                        }
                        for metric, found_ratio in ratios.items()
                        if found_ratio is not None
                    ],
                }
            )
    return shown


def _share(value: object, lang: str) -> str:
    """A share (0 to 1) as a percentage to one decimal: 97,8 % in Kazakh and Russian, 97.8%
    in English."""
    if not isinstance(value, int | float) or value != value:  # none, or nan
        return "—"
    shown = decimal(round(100 * value, 1), lang)
    return f"{shown}%" if lang == "en" else f"{shown} %"


def _place(value: object, lang: str) -> str:
    """A mean place to one decimal (1,4), with the reader's decimal sign."""
    if not isinstance(value, int | float) or value != value:
        return "—"
    return decimal(value, lang, 1)


def _models(lists: TradeLists) -> dict[str, TradeShare]:
    """The compared models' figures by name, in ``MODELS``' order (none when nobody had a job
    of their trade to find)."""
    found = {"challenger": lists.get("challenger"), "champion": lists.get("champion"),
             "baseline": lists.get("baseline")}  # fmt: skip
    if not lists.get("reachable"):
        return {}
    return {name: share for name, share in found.items() if share}


def _verdict(lists: TradeLists, gates: Gates, refused: bool, v: Visit) -> str:
    """Whether the challenger passed the trade-first gate, by how much it was refused, or
    why it was not judged."""
    slack = round(100 * gates.get("exact_trade_slack", 0.0))
    needed = gates.get("exact_trade_min_lists", 0)
    shares = _models(lists)
    if len(shares) < len(MODELS):
        return v.t("admin_trade_nothing")
    if refused:
        better = max(shares["champion"]["top_share"], shares["baseline"]["top_share"])
        return v.t("admin_trade_refused", challenger=_share(shares["challenger"]["top_share"],
                   v.lang), reference=_share(better, v.lang), slack=slack)  # fmt: skip
    if lists["reachable"] < needed:
        return v.t("admin_trade_not_judged", needed=needed)
    return v.t("admin_trade_passed", slack=slack)


def _referral_shares(entry: KindEntry, top: int, v: Visit) -> str | None:
    """The same share on the held-out referrals' own lists, beside for comparison (None when
    none of them holds a job of the person's trade)."""
    found = entry.get("trade_first") or {}
    persons = dict(found.get("challenger") or {}).get("persons")
    if not persons:
        return None
    shares = {name: _share(dict(found.get(name) or {}).get("top_share"), v.lang) for name in MODELS}
    return v.t("admin_trade_referrals", top=top, persons=persons, **shares)


def trade_first(card: ModelCard, entry: KindEntry, v: Visit) -> dict[str, Any] | None:
    """The trade-first gate measured on the lists an officer sees, in words: who was compared,
    each model's share of persons with a job of their trade in the top and the mean place of
    the best one, the verdict and the rule (None on a card made before the gate)."""
    lists, gates = entry.get("trade_first_lists"), card.get("gates") or {}
    if not isinstance(lists, dict) or "exact_trade_band" not in gates:
        return None
    top, size = gates.get("exact_trade_top", 3), lists.get("size", 10)
    refused = any(r.get("code") == "exact_trade_down" for r in entry.get("refused") or [])
    return {
        "who": v.t("admin_trade_lists", size=size, reachable=lists.get("reachable", 0),
                   persons=lists.get("persons", 0), beyond=size + 1),
        "top": top,
        "rows": [
            {"name": name, "share": _share(found["top_share"], v.lang),
             "place": _place(found["best_rank"], v.lang)}
            for name, found in _models(lists).items()
        ],
        "champion": card.get("champion"),
        "verdict": _verdict(lists, gates, refused, v),
        "bad": refused,
        "referrals": _referral_shares(entry, top, v),
        "rule": v.t("admin_trade_rule", slack=round(100 * gates.get("exact_trade_slack", 0.0)),
                    needed=gates.get("exact_trade_min_lists", 0),
                    band=round(100 * gates["exact_trade_band"])),
    }  # fmt: skip


def _kinds(card: ModelCard, v: Visit) -> list[dict[str, Any]]:
    """Each kind's held-out figures, the trade-first gate and the reasons it was refused, in
    words."""
    shown = []
    for kind, entry in (card.get("kinds") or {}).items():
        if not isinstance(entry, dict):
            continue
        figures = [
            {
                "metric": _words(f"metric_{metric}", v.lang),
                "challenger": _number(dict(entry.get("challenger") or {}).get(metric), v.lang),
                "champion": _number(dict(entry.get("champion") or {}).get(metric), v.lang),
            }
            for metric in ("ndcg@10", "auc")
            if entry.get("challenger")
        ]
        refused = [modelstore.reason_text(r, v.lang) for r in entry.get("refused") or []]
        shown.append({"kind": v.t(f"kind_{kind}"), "figures": figures, "refused": refused,
                      "promoted": bool(entry.get("promoted")),
                      "trade": trade_first(card, entry, v)})  # fmt: skip
    return shown


def _model(v: Visit, version: str | None = None, *, status: int = 200, **shown: Any) -> Response:
    actor = v.need(ADMIN)
    card = model.version_card(v.rt, actor, version) if version else model.card(v.rt, actor)
    lines = model.versions(v.rt, actor)
    created = card.get("created_at")
    return v.render(
        "admin_model.html",
        status=status,
        title=v.t("admin_model_title"),
        card=card,
        created=date.fromisoformat(created[:10]) if isinstance(created, str) else None,
        kinds=_kinds(card, v),
        charts=fairness(card, v),
        versions=[
            {
                "version": line.version,
                "status": line.status,
                "created": date.fromisoformat(line.created_at[:10]) if line.created_at else None,
                "can_roll_back": line.status == "inactive"
                and (line.has_file or line.version == modelstore.BASELINE),
            }
            for line in lines
        ],
        in_force=version is None,
        number=lambda value: _number(value, v.lang),
        **shown,
    )


@router.get("/admin/model")
async def model_page(v: VisitDep) -> Response:
    return await run_in_threadpool(_model, v)


@router.get("/admin/model/versions/{version}")
async def version_page(v: VisitDep, version: str) -> Response:
    if not VERSION.fullmatch(version):
        raise PageNotFound()
    return await run_in_threadpool(_model, v, version)


@router.post("/admin/model/rollback")
async def rollback(v: VisitDep, fields: FormDep) -> Response:
    actor = v.need(ADMIN)
    version = fields.get("version", "")
    try:
        await run_in_threadpool(model.rollback, v.rt, actor, version)
    except Problem as problem:
        message, status = problem.message(v.lang), problem.status
        return await run_in_threadpool(lambda: _model(v, status=status, error=message))
    return await run_in_threadpool(
        lambda: _model(v, notice=v.t("admin_rolled_back", version=version))
    )


def _day(value: str | None) -> date | None:
    """A day as people here write it (27.01.2027), or as a date field sends it (2027-01-27)."""
    if not value:
        return None
    for shape in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), shape).date()
        except ValueError:
            continue
    return None


def _subject(v: Visit, subject: str) -> str:
    """What an event that is not about one person names (``#token:3``), in words."""
    what, _, which = subject[1:].partition(":")
    if what == "token" and which.isdigit():
        return v.t("admin_subject_token", id=int(which))
    if what == "import" and which in KINDS:
        return v.t(f"admin_kind_{which}")
    return subject


@router.get("/admin/audit")
async def audit_page(
    v: VisitDep,
    person: str = "",
    login: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    verify: str = "",
) -> Response:
    actor = v.need(ADMIN)
    person, login = person.strip()[:64], login.strip().lower()[:64]
    start, end = _day(since), _day(until)
    error = None
    if (since and start is None) or (until and end is None):
        error = v.t("admin_audit_bad_date")
    try:
        found = await run_in_threadpool(
            lambda: admin_views.trail(
                v.rt, actor, person_id=person or None, login=login or None, since=start,
                until=end, page=page,
            )
        )  # fmt: skip
    except AccountUnknown as unknown:
        found, error = admin_views.TrailPage([], 1, False, {}), unknown.message(v.lang)
    verdict = await run_in_threadpool(admin_views.verify_trail, v.rt, actor) if verify else None
    query = {"person": person, "login": login, "since": since, "until": until}
    base = urlencode({k: q for k, q in query.items() if q})
    web = messages("service.web").templates.get(v.lang, {})

    def who(event: AuditEvent) -> tuple[str, str]:
        """The account's login (a code: data typed by people), and the rest in words."""
        role = v.t(f"role_{event.role}") if f"role_{event.role}" in web else event.role
        if event.account_id is not None:
            return found.logins.get(event.account_id, str(event.account_id)), f"({role})"
        if event.token_id is not None:
            return "", v.t("admin_who_token", id=event.token_id, role=role)
        return "", v.t("admin_who_command", user=event.os_user or "—")

    def action(code: str) -> str:
        key = f"admin_action_{code}"
        return v.t(key) if key in web else v.t("admin_action_other", code=code)

    return v.render(
        "admin_audit.html",
        who=who,
        action=action,
        subject=lambda code: _subject(v, code),
        status=422 if error else 200,
        title=v.t("admin_audit_title"),
        found=found,
        query=query,
        error=error,
        verdict=verdict,
        page_url=lambda n: f"/admin/audit?{base}&page={n}" if base else f"/admin/audit?page={n}",
    )
