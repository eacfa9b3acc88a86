"""The plan's body as it is stored: the shapes of its JSON (TypedDicts, so that a version saved
before these types existed loads as it is and a new one is written byte for byte as before).

A body holds codes and facts, never words: days as YYYY-MM-DD, amounts in tenge; the service
words them (``service.plans.rendering``). Keys that older versions may lack, or that only an
edit adds, are ``NotRequired``.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Param = str | int | float | bool | None
"""A fact an action's text names (a day as YYYY-MM-DD, an amount, a count, a title)."""
Params = dict[str, Param]

Status = Literal["planned", "done", "dropped"]
Origin = Literal["rule", "inspector"]


class ItemRef(TypedDict):
    """A vacancy, course or adaptation centre an action names."""

    kind: str
    id: str


class Passed(TypedDict):
    """Why an item above the pick was passed over: a reason's code and its facts."""

    code: str
    params: Params


class Choice(TypedDict):
    """The pick is not the list's #1: the #1 and why each item down to the pick was passed."""

    first: str | None
    passed: list[Passed]


Changed = TypedDict("Changed", {"from": str, "reason": str, "params": Params})
"""A regenerated action's option moved: the one it had and why (a reason code and its facts)."""


class Action(TypedDict):
    """One measure of parts 5 and 6: what (a message code and its facts), who, when, status."""

    id: str
    rule: str | None
    part: str
    what: str
    params: Params
    responsible: str
    due: str
    status: Status
    items: list[ItemRef]
    origin: Origin
    note: str | None
    changed: Changed | None
    choice: NotRequired[Choice | None]
    flags: NotRequired[list[str]]
    responsible_name: NotRequired[str | None]
    edited: NotRequired[bool]
    due_fixed: NotRequired[bool]
    referrals: NotRequired[list[int]]


Moved = TypedDict(
    "Moved",
    {"what": str, "from": NotRequired[str | None], "to": NotRequired[str | None], "risk": str},
    total=False,
)
"""What a recomputation moved: a derived day (``what``, ``from``, ``to``) or a risk added or
removed (``what``: ``risk_added`` / ``risk_removed``, ``risk``)."""


class PretrialReport(TypedDict):
    applies: bool


class Institution(TypedDict):
    institution: str | None
    inside: bool


class CivilClaims(TypedDict):
    amount_kzt: int
    paid: bool


class Profile(TypedDict):
    family_ties: str | None
    has_disability: bool
    education: str | None
    professions: list[str]
    experience_years: float
    skills: list[str]
    languages: list[str]
    needs_legal_aid: bool
    needs: list[str]


class Parts(TypedDict):
    """The facts of parts 1–4 of art. 16(5); parts 5 and 6 are the actions."""

    pretrial_report: PretrialReport
    institution: Institution
    civil_claims: CivilClaims
    profile: Profile


class PostPenitentiary(TypedDict):
    """The factors the post-penitentiary programme weighs (DOMAIN.md)."""

    institution: str | None
    ties: str | None
    can_find_work_alone: bool
    can_find_housing_alone: bool
    labour_skills: list[str]
    civil_claim_paid: bool
    special_social_services: bool


class Body(TypedDict):
    """One version of a person's plan."""

    person_id: str
    generated_on: str
    anchor: str
    status: str
    probation_kind: str | None
    release_date: str | None
    parts: Parts
    post_penitentiary: PostPenitentiary | None
    risk_flags: list[str]
    expected_salary_kzt: int | None
    first_pay_day: str
    actions: list[Action]
    recomputed: NotRequired[list[Moved]]
    """What the last edit moved (every version made since the plan's dates are derived)."""
    recomputed_on: NotRequired[str]
    review_date: NotRequired[str]
    version: NotRequired[int]


class Dropped(TypedDict):
    id: str
    reason: str | None


class Review(TypedDict):
    """The end-of-programme review as of the plan's last change."""

    counts: dict[str, int]
    dropped: list[Dropped]
    risk_flags: list[str]
    review_date: str | None


def text(params: Params, key: str) -> str:
    """A fact that is a text (a day, a title): an absent or empty one is ``""``."""
    value = params.get(key)
    return value if isinstance(value, str) else ""


def number(params: Params, key: str) -> int:
    """A fact that is a whole number (days, a count, tenge): an absent one is 0."""
    value = params.get(key)
    return int(value) if isinstance(value, int | float | str) and value != "" else 0
