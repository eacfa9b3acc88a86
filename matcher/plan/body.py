"""The plan's body as it is stored: the shapes of its JSON (TypedDicts, so that a version saved
before these types existed loads as it is and a new one is written byte for byte as before).

A body holds codes and facts, never words: days as YYYY-MM-DD, amounts in tenge; the service
words them (``service.plans.rendering``). Keys that older versions may lack, or that only an
edit adds, are ``NotRequired``.
"""

from __future__ import annotations

from typing import Literal, NotRequired

# typing_extensions' TypedDict: the HTTP schema (``service.api.schemas.plans``) reads these
# shapes through pydantic, which takes only this one before Python 3.12
from typing_extensions import TypedDict

Param = str | int | float | bool | None
"""A fact an action's text names (a day as YYYY-MM-DD, an amount, a count, a title)."""
Params = dict[str, Param]

Status = Literal["planned", "done", "dropped"]
Origin = Literal["rule", "inspector"]


class ItemRef(TypedDict):
    """A vacancy, course or adaptation centre an action names."""

    kind: str
    """``vacancy``, ``course`` or ``shelter``."""
    id: str


class Passed(TypedDict):
    """Why an item above the pick was passed over: a reason's code and its facts."""

    code: str
    """Why it was passed over (a message code)."""
    params: Params
    """The facts the reason names (days as YYYY-MM-DD)."""


class Choice(TypedDict):
    """The pick is not the list's #1: the #1 and why each item down to the pick was passed."""

    first: str | None
    """The id of the list's #1."""
    passed: list[Passed]


Changed = TypedDict("Changed", {"from": str, "reason": str, "params": Params})
"""A regenerated action's option moved: the one it had and why (a reason code and its facts)."""


class Action(TypedDict):
    """One measure of parts 5 and 6: what (a message code and its facts), who, when, status."""

    id: str
    """The action's key in the plan: its rule's name, or ``manual-N`` for an added action."""
    rule: str | None
    """The rule that made it (none for an action added in free text)."""
    part: str
    """``before_release``, ``social_legal``, ``employment`` or ``housing``."""
    what: str
    """The message code of its text (``plan_manual`` for an added action: its text is in
    ``params.text``)."""
    params: Params
    """The facts its text names."""
    responsible: str
    """The agency that answers for it (a code: ``probation_service``, ``ngo``, ...)."""
    due: str
    """Its due day, YYYY-MM-DD."""
    status: Status
    items: list[ItemRef]
    """The vacancies, courses or adaptation centres it names."""
    origin: Origin
    """``rule`` (generated) or ``inspector`` (added by hand)."""
    note: str | None
    """The inspector's note (the reason, for a dropped action)."""
    changed: Changed | None
    """Set when regenerating moved its option."""
    choice: NotRequired[Choice | None]
    """Set when its pick is not the list's #1."""
    flags: NotRequired[list[str]]
    """Codes of what stands in its way (``no_bed``)."""
    responsible_name: NotRequired[str | None]
    """The name of the person who answers for it, beside the agency."""
    edited: NotRequired[bool]
    """The inspector changed it: regenerating keeps it as it is."""
    due_fixed: NotRequired[bool]
    """The inspector set its due day: recomputing the plan's dates leaves it there."""
    referrals: NotRequired[list[int]]
    """The numbers of the referrals made for it."""


Moved = TypedDict(
    "Moved",
    {"what": str, "from": NotRequired[str | None], "to": NotRequired[str | None], "risk": str},
    total=False,
)
"""What a recomputation moved: a derived day (``what``, ``from``, ``to``) or a risk added or
removed (``what``: ``risk_added`` / ``risk_removed``, ``risk``)."""


class PretrialReport(TypedDict):
    """Part 1: whether there is a pre-trial report (pre-trial probation)."""

    applies: bool


class Institution(TypedDict):
    """Part 2: the institution, and whether the person is still inside."""

    institution: str | None
    inside: bool


class CivilClaims(TypedDict):
    """Part 3: the civil claims."""

    amount_kzt: int
    """In tenge (0: none)."""
    paid: bool


class Profile(TypedDict):
    """Part 4: social ties, health, education, labour skills and needs, from the person's
    record (codes, as in the exchange format)."""

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
    """The day it was generated, YYYY-MM-DD."""
    anchor: str
    """The day due dates count from: the release day, or the day of generation for a person
    already on probation."""
    status: str
    """The person's status: ``in_custody``, ``released`` or ``probation``."""
    probation_kind: str | None
    release_date: str | None
    parts: Parts
    post_penitentiary: PostPenitentiary | None
    """Set for post-penitentiary probation only."""
    risk_flags: list[str]
    """Codes of the risks stated at the top of the plan (``no_housing``, ...)."""
    expected_salary_kzt: int | None
    """The median salary of the proposed jobs, in tenge."""
    first_pay_day: str | None
    """The expected day of the first wage, YYYY-MM-DD; None while the referral to a job is
    dropped."""
    actions: list[Action]
    """The measures of parts 5 and 6, by due day."""
    recomputed: NotRequired[list[Moved]]
    """What the last edit moved (every version made since the plan's dates are derived)."""
    recomputed_on: NotRequired[str]
    """The day the dates were last derived, YYYY-MM-DD."""
    review_date: NotRequired[str]
    """The end-of-programme review: three months after the first pay, or the last planned
    action."""
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
