"""The individual plan as its pages show it: part titles, each action in words (status,
responsible agency, due day, note), the plan laid out by part, the dates that follow from its
actions, and the versions with what changed between them and what each change moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from catalogs.i18n import messages
from matcher import plan as planner
from service.plans import rendering
from service.plans.document import Place
from service.store.tables import Account
from service.usecases import plan_sheet, plans
from service.usecases.actor import Actor
from service.web.pages import Visit, day

HISTORY_DIFFS = 10
"""The latest versions whose changes the plan page spells out (older ones: who and when)."""
GROUPS = ("social_legal", "employment", "housing")
"""The three headings of part 6 (after release), in the law's order."""
SHOWN_DAYS = {
    "first_pay": "plan_first_pay_day",
    "shelter_until": "plan_stay_until",
    "housing_search": "plan_housing_search_from",
    "review": "plan_review_day",
}
"""The derived days the editor shows, in order, with their labels."""


def plan_text(key: str, lang: str, **params: object) -> str:
    """A text of the plan engine (``matcher/locales``): statuses, agencies, part titles."""
    return messages("matcher").text(key, lang, **params)


def part_title(part: str, lang: str, *, full: bool = False) -> str:
    """A part of the plan an action belongs to: part 5 (before release) or a heading of part 6
    (with the part's own title when ``full``)."""
    if part == "before_release":
        return plan_text("plan_part_5", lang)
    heading = plan_text(f"plan_section_{part}", lang)
    return f"{plan_text('plan_part_6', lang)} — {heading}" if full else heading


def action_words(
    body: planner.Body, lang: str, labels: dict[str, str]
) -> dict[str, rendering.ActionWords]:
    """Each action's words in ``lang`` (by action id), as the plan's own rendering has them."""
    shown = rendering.render(body, lang, labels=labels)
    found = {a["id"]: a for a in shown["before_release"]}
    for group in shown["after_release"]:
        found.update({a["id"]: a for a in group["actions"]})
    return found


def action_texts(
    body: planner.Body, lang: str, labels: dict[str, str]
) -> dict[str, dict[str, object]]:
    """``action_words`` as plain mappings (for a page that looks words up by name)."""
    return {key: dict(words) for key, words in action_words(body, lang, labels).items()}


def _said(texts: Texts, action_id: str) -> str:
    """An action's text in a version's words (its id when that version lacks it)."""
    words = texts.get(action_id)
    return action_id if words is None else words["text"]


@dataclass(frozen=True)
class Row:
    """One action as the plan page shows it (with its forms)."""

    id: str
    text: str
    details: list[str]
    """The lines under it, but its items by id (the page names their places) and its note (a
    field of its own)."""
    places: list[Place]
    status: str
    status_text: str
    responsible: str
    responsible_text: str
    responsible_name: str
    due: date
    overdue: bool
    note: str
    origin: str


def _action(
    action: planner.Action, lang: str, labels: dict[str, str], today: date, places: dict[str, Place]
) -> Row:
    due = date.fromisoformat(action["due"])
    return Row(
        id=action["id"],
        text=rendering.what(action, lang),
        details=rendering.details(action, lang, labels, items=False, note=False),
        places=[places[ref["id"]] for ref in action["items"] if ref["id"] in places],
        status=action["status"],
        status_text=plan_text(f"plan_state_{action['status']}", lang),
        responsible=action["responsible"],
        responsible_text=plan_text(f"plan_who_{action['responsible']}", lang),
        responsible_name=action.get("responsible_name") or "",
        due=due,
        overdue=action["status"] == "planned" and due < today,
        note=action.get("note") or "",
        origin=action["origin"],
    )


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    actions: list[Row]


def layout(
    sheet: plan_sheet.Sheet, lang: str, today: date
) -> tuple[rendering.Words, list[Row], list[Group]]:
    """The rendered plan, its part 5 actions and part 6's three groups of actions."""
    body = plan_sheet.body(sheet.plan)
    labels = sheet.plan.labels
    actions = {a["id"]: _action(a, lang, labels, today, sheet.places) for a in body["actions"]}
    ordered = list(actions.values())
    parts = {a["id"]: a["part"] for a in body["actions"]}
    before = [a for a in ordered if parts[a.id] == "before_release"]
    after = [
        Group(
            group,
            plan_text(f"plan_section_{group}", lang),
            [a for a in ordered if parts[a.id] == group],
        )
        for group in GROUPS
    ]
    return rendering.render(body, lang, labels=labels), before, after


@dataclass(frozen=True)
class Dated:
    """A day that follows from the plan's actions, with what it is."""

    label: str
    day: date


def derived_dates(v: Visit, body: planner.Body) -> list[Dated]:
    """The days the plan derives from its actions as they are now
    (``matcher.plan.timing.derived_days``): the expected first pay, the end of the shelter stay
    and the start of the housing search (while those actions stand), and the review."""
    days = planner.derived_days(body)
    return [
        Dated(v.t(label), date.fromisoformat(found))
        for what, label in SHOWN_DAYS.items()
        if (found := days[what])
    ]


@dataclass(frozen=True)
class Change:
    """One version of the plan as the history shows it."""

    version: int
    change: str
    author: str
    at: datetime
    lines: list[str] | None
    """What changed, in words (None for a version older than ``HISTORY_DIFFS``)."""
    moved: list[str]
    """What the change moved in consequence: the derived dates and the risks, in the words of
    the JSON answer and the printed plan (``rendering.recomputed_texts``); empty for a version
    older than ``HISTORY_DIFFS``."""


Texts = dict[str, rendering.ActionWords]
"""A version's actions in words, by action id (``action_words``)."""


def _diff(
    v: Visit, earlier: tuple[planner.Body, Texts] | None, later: tuple[planner.Body, Texts]
) -> list[str]:
    """What one version (its body and its actions' words) changed from the one before, in
    sentences."""
    if earlier is None:
        return [v.t("plan_diff_made")]
    lang = v.lang
    (before, old_words), (after, new_words) = earlier, later
    old = {a["id"]: a for a in before["actions"]}
    derived = {(m.get("from"), m.get("to")) for m in after.get("recomputed") or []}
    lines: list[str] = []
    for action in after["actions"]:
        what = _said(new_words, action["id"])
        was = old.pop(action["id"], None)
        if was is None:
            lines.append(v.t("plan_diff_added", what=what))
            continue
        if was["status"] != action["status"]:
            if action["status"] == "dropped":
                lines.append(v.t("plan_diff_dropped", what=what, reason=action.get("note") or "—"))
            else:
                lines.append(
                    v.t(
                        "plan_diff_status",
                        what=what,
                        before=plan_text(f"plan_state_{was['status']}", lang),
                        after=plan_text(f"plan_state_{action['status']}", lang),
                    )
                )
        if was["due"] != action["due"] and not (
            (was["due"], action["due"]) in derived and not action.get("due_fixed")
        ):  # a day the plan moved by itself is said once, with the other dates it moved
            lines.append(
                v.t(
                    "plan_diff_due",
                    what=what,
                    before=day(date.fromisoformat(was["due"])),
                    after=day(date.fromisoformat(action["due"])),
                )
            )
        if was["responsible"] != action["responsible"]:
            lines.append(
                v.t(
                    "plan_diff_who",
                    what=what,
                    before=plan_text(f"plan_who_{was['responsible']}", lang),
                    after=plan_text(f"plan_who_{action['responsible']}", lang),
                )
            )
        name = action.get("responsible_name") or ""
        if name != (was.get("responsible_name") or ""):
            key = "plan_diff_who_name" if name else "plan_diff_who_name_cleared"
            lines.append(v.t(key, what=what, name=name))
        note = action.get("note") or ""
        if note != (was.get("note") or "") and not (
            action["status"] == "dropped" and was["status"] != "dropped"
        ):
            lines.append(v.t("plan_diff_note", what=what, note=note or "—"))
        if was.get("items") != action.get("items"):
            lines.append(v.t("plan_diff_items", what=what))
    for action in old.values():
        what = _said(old_words, action["id"])
        lines.append(v.t("plan_diff_removed", what=what))
    return lines or [v.t("plan_diff_none")]


def author_names(v: Visit, authors: set[str]) -> dict[str, str]:
    """Accounts' names for authors as use cases write them (``inspector:account:5``)."""
    ids = {
        author: int(parts[2])
        for author in authors
        if len(parts := author.split(":")) == 3 and parts[1] == "account" and parts[2].isdigit()
    }
    found: dict[str, str] = {}
    with v.rt.session() as session:
        for author, number in ids.items():
            account = session.get(Account, number)
            if account is not None:
                found[author] = account.display_name or account.login
    return {author: found.get(author, v.t("plan_author_system")) for author in authors}


def history(v: Visit, actor: Actor, person_id: str) -> list[Change]:
    """Every version, newest first; the latest ``HISTORY_DIFFS`` with what they changed and
    what that moved."""
    rows = plans.history(v.rt, actor, person_id)
    names = author_names(v, {row.author for row in rows})
    recent = [row.version for row in rows][-HISTORY_DIFFS - 1 :]
    read = {
        number: (body := plan_sheet.body(plan), action_words(body, v.lang, plan.labels))
        for number, plan in plan_sheet.past(v.rt, actor, person_id, recent).items()
    }
    changes = []
    for row in rows:
        lines = None
        if row.version in read and (row.version - 1 in read or row.version == 1):
            lines = _diff(v, read.get(row.version - 1), read[row.version])
        seen = read.get(row.version)
        moved = [] if seen is None else rendering.recomputed_texts(seen[0], v.lang)
        changes.append(
            Change(row.version, row.change, names[row.author], row.created_at, lines, moved)
        )
    return changes[::-1]
