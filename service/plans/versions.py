"""Individual plans: generate, keep every version, let the inspector edit.

Every change makes a new version (generated, regenerated, edited, added); nothing is
overwritten. After each edit the dates that follow from the actions (first pay, housing search,
review) and the timing risks are derived again (``matcher.plan.timing``); what moved is kept in
the version (``recomputed``) and worded by ``service.plans.rendering``. A version's body is
stored encrypted (``service.store.sealed``): it is written and read here only, with the
database's ``Protector``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col

from matcher import Engine, Person
from matcher import plan as planner

# the words of a version live in ``rendering`` and its printed form in ``document``; the
# pages, the API and the command line reach them through this module as well
from service.plans.document import html as html
from service.plans.rendering import item_labels as item_labels
from service.plans.rendering import recomputed_texts as recomputed_texts
from service.plans.rendering import render as render
from service.store.protect import Protector
from service.store.sealed import open_json, seal_json
from service.store.tables import PlanVersion

STATUSES = ("planned", "done", "dropped")


class PlanError(ValueError):
    """A change the plan cannot take: ``code`` names the message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Version:
    """One version of a plan as read: its row's facts and the body decrypted
    (``PlanVersion.body_cipher``)."""

    id: int | None
    person_id: str
    version: int
    change: str
    author: str
    body: planner.Body
    created_at: datetime


def opened(row: PlanVersion, protector: Protector) -> Version:
    return Version(
        id=row.id,
        person_id=row.person_id,
        version=row.version,
        change=row.change,
        author=row.author,
        body=cast(planner.Body, open_json(protector, row.body_cipher)),
        created_at=row.created_at,
    )


def versions(session: Session, person_id: str) -> Sequence[PlanVersion]:
    """Every version of a person's plan, oldest first, without decrypting their bodies."""
    query = (
        sa.select(PlanVersion)
        .where(col(PlanVersion.person_id) == person_id)
        .order_by(col(PlanVersion.version))
    )
    return session.scalars(query).all()


def latest(
    session: Session, person_id: str, version: int | None = None, *, protector: Protector
) -> Version | None:
    query = sa.select(PlanVersion).where(col(PlanVersion.person_id) == person_id)
    if version is not None:
        query = query.where(col(PlanVersion.version) == version)
    row = session.scalars(query.order_by(col(PlanVersion.version).desc())).first()
    return None if row is None else opened(row, protector)


def _save(
    session: Session,
    person_id: str,
    body: planner.Body,
    change: str,
    author: str,
    *,
    protector: Protector,
) -> Version:
    number = session.scalar(
        sa.select(sa.func.max(PlanVersion.version)).where(col(PlanVersion.person_id) == person_id)
    )
    number = 1 if number is None else number + 1
    body = {**body, "version": number}
    row = PlanVersion(
        person_id=person_id,
        version=number,
        change=change,
        author=author,
        body_cipher=seal_json(protector, body),
    )
    session.add(row)
    session.flush()  # the caller commits, with its audit rows
    return opened(row, protector)


def generate(
    session: Session,
    engine: Engine,
    person: Person,
    *,
    author: str,
    protector: Protector,
    lists: planner.choice.Lists | None = None,
) -> Version:
    """A new version from the engine and the person's ``lists`` (as the shortlist shows them;
    the engine's own when not given); the inspector's decisions in the last one are kept."""
    previous = latest(session, person.person_id, protector=protector)
    body = planner.generate(
        engine, person, previous=None if previous is None else previous.body, lists=lists
    )
    change = "generated" if previous is None else "regenerated"
    return _save(session, person.person_id, body, change, author, protector=protector)


NAME_MAX = 120
"""The longest responsible person's name an action takes."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _person_name(value: str) -> str | None:
    """A responsible person's name as stored: one line of at most ``NAME_MAX`` characters,
    trimmed; empty clears it."""
    if _CONTROL.search(value) or len(value.strip()) > NAME_MAX:
        raise PlanError("bad_responsible_name", max=NAME_MAX)
    return value.strip() or None


def _copy_with_action(
    session: Session, person_id: str, action_id: str, protector: Protector
) -> tuple[planner.Body, planner.Action]:
    """A copy of the latest plan's body to change, and its action ``action_id`` in it."""
    current = latest(session, person_id, protector=protector)
    if current is None:
        raise PlanError("no_plan", id=person_id)
    body = copy.deepcopy(current.body)
    action = next((a for a in body["actions"] if a["id"] == action_id), None)
    if action is None:
        raise PlanError("unknown_action", id=action_id)
    return body, action


def edit_action(
    session: Session,
    person_id: str,
    action_id: str,
    *,
    author: str,
    protector: Protector,
    status: str | None = None,
    due: date | None = None,
    responsible: str | None = None,
    responsible_name: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Version:
    """Change one action (a new version). Dropping an action needs a reason (``note``).
    ``responsible_name`` names the person who answers for it (an empty one clears it). A due
    date the inspector sets stays as set; the dates derived from it follow (as of ``today``)."""
    body, action = _copy_with_action(session, person_id, action_id, protector)
    if status is not None and status not in STATUSES:
        raise PlanError("bad_status", statuses=", ".join(STATUSES))
    if responsible is not None and responsible not in planner.RESPONSIBLE:
        raise PlanError("bad_responsible", values=", ".join(planner.RESPONSIBLE))
    if status == "dropped" and not (note or action.get("note")):
        raise PlanError("drop_needs_reason")
    if status == "done" and action["status"] == "dropped":
        raise PlanError("dropped_not_done")
    if responsible_name is not None:
        action["responsible_name"] = _person_name(responsible_name)
    if status is not None:
        action["status"] = cast(planner.Status, status)
    if responsible is not None:
        action["responsible"] = responsible
    if note is not None:
        action["note"] = note
    if due is not None:
        action["due"] = due.isoformat()
        action["due_fixed"] = True
    action["edited"] = True
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "edited", author, protector=protector)


def link_referral(
    session: Session,
    person_id: str,
    action_id: str,
    referral_id: int,
    *,
    author: str,
    protector: Protector,
    today: date | None = None,
) -> Version:
    """The action was carried out by a referral (a new version): it is done, and names the
    referral, whose own states tell what became of it."""
    body, action = _copy_with_action(session, person_id, action_id, protector)
    action["referrals"] = [*action.get("referrals", []), referral_id]
    action["status"] = "done"
    action["edited"] = True
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "edited", author, protector=protector)


def add_action(
    session: Session,
    person_id: str,
    *,
    author: str,
    protector: Protector,
    text: str,
    part: str,
    responsible: str,
    due: date,
    responsible_name: str | None = None,
    today: date | None = None,
) -> Version:
    """An action the inspector writes in free text (a new version)."""
    current = latest(session, person_id, protector=protector)
    if current is None:
        raise PlanError("no_plan", id=person_id)
    if part not in planner.PARTS:
        raise PlanError("bad_part", values=", ".join(planner.PARTS))
    if responsible not in planner.RESPONSIBLE:
        raise PlanError("bad_responsible", values=", ".join(planner.RESPONSIBLE))
    if not text.strip():
        raise PlanError("empty_text")
    name = None if responsible_name is None else _person_name(responsible_name)
    body = copy.deepcopy(current.body)
    number = 1 + sum(1 for a in body["actions"] if a["origin"] == "inspector")
    body["actions"].append(
        {
            "id": f"manual-{number}", "rule": None, "part": part, "what": "plan_manual",
            "params": {"text": text.strip()}, "responsible": responsible, "due": due.isoformat(),
            "responsible_name": name, "status": "planned", "items": [], "origin": "inspector", "note": None, "changed": None,
        }
    )  # fmt: skip
    planner.recompute(body, today or date.today())
    return _save(session, person_id, body, "added", author, protector=protector)
