"""A stored plan in words: every text in ru, kk or en, as the JSON answer's ``rendered`` part
(the printed document, ``service.plans.document``, is made of the same words).

A plan's body keeps codes and facts (``matcher.plan``); this module turns them into sentences:
each action with its items, why an option moved or why the pick is not the list's #1, the late
course's reason, the inspector's note; what the last edit moved (derived dates, risks); the
parts of art. 16(5) and the review.
"""

from __future__ import annotations

import string

# typing_extensions' TypedDict: the HTTP schema (``service.api.schemas.plans``) reads these
# shapes through pydantic, which takes only this one before Python 3.12
from typing_extensions import TypedDict

from catalogs.i18n import messages
from matcher import Engine
from matcher import plan as planner


def _t(code: str, lang: str, **params: object) -> str:
    return messages("matcher").text(code, lang, **params)


def _reason(code: str, lang: str, params: planner.Params) -> str:
    """An eligibility reason's text with the facts the plan kept; a fact a plan made before
    they were kept is left blank rather than failing the whole plan."""
    table = messages("matcher").templates
    template = table.get(lang, {}).get(code) or table["ru"].get(code, "")
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return _t(code, lang, **dict.fromkeys(names, "") | params)


def _amount(value: int) -> str:
    """2000000 → "2 000 000" (a narrow space would be lost in some printers)."""
    return f"{value:,}".replace(",", " ")


def what(action: planner.Action, lang: str) -> str:
    """The action itself in words (amounts of a thousand and more written 2 000 000)."""
    params = {
        k: _amount(v) if isinstance(v, int) and not isinstance(v, bool) and v >= 1000 else v
        for k, v in action["params"].items()
    }
    return _t(action["what"], lang, **params)


def details(
    action: planner.Action,
    lang: str,
    labels: dict[str, str],
    *,
    items: bool = True,
    note: bool = True,
) -> list[str]:
    """The lines under an action: its items by id and name (unless ``items`` is false: a page
    that names their places instead), why an option moved or the pick is not the list's #1,
    the referrals that carried it out, a late course's reason, the note (unless ``note`` is
    false: a page that shows it as a field of its own)."""
    extra = []
    if items and action.get("items"):
        extra.append(
            _t(
                "plan_items",
                lang,
                items=", ".join(
                    f"{i['id']} {labels.get(i['id'], '')}".strip() for i in action["items"]
                ),
            )
        )
    if action.get("changed"):
        changed = action["changed"]
        assert changed is not None
        reason = changed["reason"]
        why = (
            _t("plan_better_option", lang)
            if reason == "better_option"
            else _reason(reason, lang, changed.get("params") or {})
        )
        extra.append(_t("plan_changed", lang, **{"from": changed["from"], "reason": why}))
    chosen = action.get("choice")
    if chosen:  # the pick is not the list's #1: why each item above it was not
        for passed in chosen.get("passed", []):
            extra.append(_reason(passed["code"], lang, passed.get("params") or {}))
    if action.get("referrals"):
        numbers = ", ".join(f"№ {number}" for number in action["referrals"])
        extra.append(_t("plan_referrals", lang, numbers=numbers))
    if action["params"].get("late"):
        course = action["params"]
        extra.append(
            _t(
                f"plan_course_late_{course['late']}",
                lang,
                until=course["until"],
                first_pay=course["first_pay"],
            )
        )
    if note and action.get("note"):
        extra.append(_t("plan_note", lang, note=action["note"]))
    return extra


class ActionWords(TypedDict):
    """An action in words (``rendered``'s actions): codes kept beside the texts they name."""

    id: str
    due: str
    part: str
    text: str
    details: list[str]
    responsible: str
    responsible_name: str
    status: str
    status_code: str
    origin: str
    items: list[planner.ItemRef]


class Lines(TypedDict):
    title: str
    lines: list[str]


class Section(TypedDict):
    title: str
    actions: list[ActionWords]


class Words(TypedDict):
    """The plan with every text in one language: the JSON answer's ``rendered``."""

    title: str
    law: str
    person_id: str
    person_label: str
    version: str
    status: str
    release: str | None
    first_pay: str
    review_date: str
    recomputed: list[str]
    parts: list[Lines]
    before_release: list[ActionWords]
    after_release: list[Section]
    post_penitentiary: Lines | None
    risks_title: str
    risks: list[str]
    columns: dict[str, str]
    part_5: str
    part_6: str
    review_title: str
    review: str
    signature: str
    synthetic: str
    lang: str


def _action_text(action: planner.Action, lang: str, labels: dict[str, str]) -> ActionWords:
    return {
        "id": action["id"],
        "due": action["due"],
        "part": action["part"],
        "text": what(action, lang),
        "details": details(action, lang, labels),
        "responsible": _t(f"plan_who_{action['responsible']}", lang),
        "responsible_name": action.get("responsible_name") or "",
        "status": _t(f"plan_state_{action['status']}", lang),
        "status_code": action["status"],
        "origin": action["origin"],
        "items": action.get("items", []),
    }


def recomputed_texts(body: planner.Body, lang: str) -> list[str]:
    """What the last edit moved, in words: derived dates (from → to) and risks added or gone."""
    lines = []
    for moved in body.get("recomputed") or []:
        code = moved["what"]
        if code in ("risk_added", "risk_removed"):
            risk = _t(f"plan_risk_{moved['risk']}", lang)
            lines.append(_t(f"plan_{code}", lang, risk=risk))
        elif moved.get("from") and moved.get("to"):
            lines.append(
                _t(f"plan_moved_{code}", lang, **{"from": moved.get("from"), "to": moved.get("to")})
            )
    return lines


def render(
    body: planner.Body, lang: str, *, labels: dict[str, str] | None = None, person_label: str = ""
) -> Words:
    """The plan with every text in ``lang``: what the JSON answer and the printed page show."""
    labels = labels or {}
    parts = body["parts"]
    profile = parts["profile"]
    no = _t("plan_profile_none", lang)
    section: dict[str, list[ActionWords]] = {
        "before_release": [],
        "social_legal": [],
        "employment": [],
        "housing": [],
    }
    for action in body["actions"]:
        section.setdefault(action["part"], []).append(_action_text(action, lang, labels))
    claims = parts["civil_claims"]
    post = body.get("post_penitentiary")

    def yes_no(value: object) -> str:
        return _t("plan_yes" if value else "plan_no", lang)

    return {
        "title": _t("plan_title", lang),
        "law": _t("plan_law", lang),
        "person_id": body["person_id"],
        "person_label": person_label,
        "version": _t(
            "plan_version", lang, version=body.get("version", 1), date=body["generated_on"]
        ),
        "status": _t(f"plan_status_{body['status']}", lang),
        "release": body.get("release_date"),
        "first_pay": _t("plan_first_pay", lang, date=body["first_pay_day"])
        if body.get("first_pay_day")
        else "",
        "review_date": _t("plan_review_date", lang, date=body["review_date"])
        if body.get("review_date")
        else "",
        "recomputed": recomputed_texts(body, lang),
        "parts": [
            {
                "title": _t("plan_part_1", lang),
                "lines": [
                    _t(
                        "plan_pretrial_yes"
                        if parts["pretrial_report"]["applies"]
                        else "plan_pretrial_no",
                        lang,
                    )
                ],
            },
            {
                "title": _t("plan_part_2", lang),
                "lines": [
                    _t(
                        "plan_institution_inside"
                        if parts["institution"]["inside"]
                        else "plan_institution_outside",
                        lang,
                        institution=parts["institution"]["institution"] or "—",
                    )
                ],
            },
            {
                "title": _t("plan_part_3", lang),
                "lines": [
                    _t("plan_claims_none", lang)
                    if claims["paid"]
                    else _t(
                        "plan_claims_unpaid",
                        lang,
                        amount=f"{claims['amount_kzt']:,}".replace(",", " "),
                    )
                ],
            },
            {
                "title": _t("plan_part_4", lang),
                "lines": [
                    _t(
                        "plan_profile_ties",
                        lang,
                        value=_t(f"plan_ties_{profile['family_ties'] or 'unknown'}", lang),
                    ),
                    _t(
                        "plan_profile_health",
                        lang,
                        value=_t(
                            "plan_health_disability"
                            if profile["has_disability"]
                            else "plan_health_ok",
                            lang,
                        ),
                    ),
                    _t(
                        "plan_profile_education",
                        lang,
                        value=_t(f"plan_edu_{profile['education']}", lang)
                        if profile["education"]
                        else no,
                    ),
                    _t(
                        "plan_profile_skills",
                        lang,
                        value=", ".join(profile["professions"] + profile["skills"]) or no,
                    ),
                    _t(
                        "plan_profile_legal",
                        lang,
                        value=_t(
                            "plan_legal_needs_help"
                            if profile["needs_legal_aid"]
                            else "plan_legal_ok",
                            lang,
                        ),
                    ),
                    _t(
                        "plan_profile_needs",
                        lang,
                        value=", ".join(_t(f"plan_need_{n}", lang) for n in profile["needs"]) or no,
                    ),
                ],
            },
        ],
        "before_release": section["before_release"],
        "after_release": [
            {"title": _t(f"plan_section_{name}", lang), "actions": section[name]}
            for name in ("social_legal", "employment", "housing")
        ],
        "post_penitentiary": None
        if post is None
        else {
            "title": _t("plan_post_title", lang),
            "lines": [
                _t("plan_post_work", lang, value=yes_no(post["can_find_work_alone"])),
                _t("plan_post_housing", lang, value=yes_no(post["can_find_housing_alone"])),
                _t("plan_post_special", lang, value=yes_no(post["special_social_services"])),
            ],
        },
        "risks_title": _t("plan_risks", lang),
        "risks": [_t(f"plan_risk_{flag}", lang) for flag in body["risk_flags"]]
        or [_t("plan_risks_none", lang)],
        "columns": {k: _t(f"plan_col_{k}", lang) for k in ("due", "what", "who", "status")},
        "part_5": _t("plan_part_5", lang),
        "part_6": _t("plan_part_6", lang),
        "review_title": _t("plan_review", lang),
        "review": _t("plan_review_counts", lang, **planner.review(body)["counts"]),
        "signature": _t("plan_signature", lang),
        "synthetic": _t("plan_synthetic", lang),
        "lang": lang,
    }


def item_labels(engine: Engine, body: planner.Body) -> dict[str, str]:
    """Names of the items the actions refer to (titles, centre names)."""
    labels: dict[str, str] = {}
    for action in body["actions"]:
        for ref in action.get("items", []):
            try:
                item = engine.item(ref["kind"], ref["id"])
            except KeyError:
                continue
            labels[ref["id"]] = str(getattr(item, "title", None) or getattr(item, "name", ""))
    return labels
