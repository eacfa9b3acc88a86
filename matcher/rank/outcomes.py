"""From outcome events to labelled referrals: what the learned rankers train on.

A referral (the first ``referred`` event of a person and an item) is labelled by what followed:

- a vacancy succeeds when the job was kept 3 months: a ``retained_3m`` event, or a hire with
  no ``quit`` in the 90 days after it once those 90 days have passed; its first step is a hire;
- a course succeeds when it was completed (first step: enrolled);
- a shelter succeeds when the person was admitted (first step: the same).

A referral is *known* once ``HORIZON_DAYS`` of its kind have passed: by then it has
succeeded or not, whatever happened. Younger referrals are left out even when they already
failed, since counting their quick failures and not their slow successes would teach the
ranker that recent referrals fail. An outcome still open then is not a failure: a hire whose
3 months have not passed, an enrolment neither completed nor dropped (for up to
``OPEN_DAYS``), keeps its referral unknown until it closes.
``job`` says whether the person kept some job 3 months, hired within a year of the referral:
the record that courses and shelters are judged on.

Each referral also says when each fact became known (``stage_day``, ``success_day``,
``job_day``) and when its outcome did (``resolved``), so that a track record read as of a day
counts only what was known before it (``matcher.rank.track``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from catalogs import law

HORIZON_DAYS = {"vacancy": 150, "course": 120, "shelter": 30}
"""Days after a referral when its outcome is known: a hire within weeks, then 90 days kept;
a course begun and finished; a bed taken or not."""
STAGE_DAYS = {"vacancy": 30, "course": 30, "shelter": 14}
"""Days after a referral when its first step (hired, enrolled, admitted) is known."""
KEPT_DAYS = law.RETENTION_DAYS
JOB_WITHIN_DAYS = 365
STAGE = {"vacancy": "hired", "course": "enrolled", "shelter": "admitted"}
SUCCESS = {"vacancy": "retained_3m", "course": "completed", "shelter": "admitted"}
OPEN_DAYS = {"vacancy": KEPT_DAYS, "course": 365}
"""Days a first step stays open with no end recorded: a hire until its 3 months have passed,
an enrolment for a year (after which the course counts as not completed). A shelter's first
step is its success: it is never open."""
ENDS = {"vacancy": ("quit", "retained_3m"), "course": ("completed", "dropped")}
"""The events that close a first step."""

Event = tuple[str, str, str, str, int, "int | None", "int | None"]
"""(person_id, item_kind, item_id, event, day ordinal, contract_months, rank)."""


@dataclass
class Referral:
    person_id: str
    kind: str
    item_id: str
    day: int
    rank: int | None
    stage: bool
    success: bool
    known: bool
    job: bool = False
    stage_day: int | None = None
    """The day the first step was taken (when it became known), if it was."""
    success_day: int | None = None
    """The day the success became known (a hire's 3 months passed or retention recorded, a
    course completed, a bed taken), if it succeeded."""
    job_day: int | None = None
    """The day the job it led to became known as kept 3 months, if it led to one."""
    closed: int = 0
    """The day every first step taken after it had closed (ended, or ``OPEN_DAYS`` passed):
    its own day if none was taken; later than ``end`` while one is still open."""

    def pending(self, end: int) -> bool:
        """Whether a first step taken after it is still open on day ``end``: a hire whose 3
        months have not passed, an enrolment neither completed nor dropped (``OPEN_DAYS``)."""
        return self.closed > end

    @property
    def resolved(self) -> int:
        """The day it counts in its item's record of outcomes: ``HORIZON_DAYS`` after it, or
        later, once every first step taken has closed (a success may become known later still,
        as a bed taken after a shelter's horizon)."""
        return max(self.day + HORIZON_DAYS[self.kind], self.closed)


@dataclass
class _Pair:
    referred: int | None = None
    rank: int | None = None
    days: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def referrals(events: Iterable[Event], *, end: int) -> list[Referral]:
    """Labelled referrals of every kind, from events up to day ``end`` (an ordinal)."""
    pairs: dict[tuple[str, str, str], _Pair] = defaultdict(_Pair)
    for person_id, kind, item_id, event, day, _, rank in events:
        if day > end:
            continue
        pair = pairs[(person_id, kind, item_id)]
        if event == "referred":
            if pair.referred is None or day < pair.referred:
                pair.referred, pair.rank = day, rank
        else:
            pair.days[event].append(day)
    kept_hires: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (person_id, kind, _), pair in pairs.items():
        if kind == "vacancy":
            for h in pair.days["hired"]:
                if (kept_on := _kept_day(pair, h, end)) is not None:
                    kept_hires[person_id].append((h, kept_on))
    found = []
    for (person_id, kind, item_id), pair in pairs.items():
        if pair.referred is None:
            continue
        t = pair.referred
        stage_day = min((d for d in pair.days[STAGE[kind]] if d >= t), default=None)
        if kind == "vacancy":
            kept_days = (_kept_day(pair, h, end) for h in pair.days["hired"] if h >= t)
            success_day = min((d for d in kept_days if d is not None), default=None)
        else:
            success_day = min((d for d in pair.days[SUCCESS[kind]] if d >= t), default=None)
        job_day = min(
            (d for h, d in kept_hires[person_id] if t <= h <= t + JOB_WITHIN_DAYS), default=None
        )
        referral = Referral(
            person_id,
            kind,
            item_id,
            t,
            pair.rank,
            stage=stage_day is not None,
            success=success_day is not None,
            known=False,
            job=job_day is not None,
            stage_day=stage_day,
            success_day=success_day,
            job_day=job_day,
            closed=_closed(pair, kind, t),
        )
        # an outcome open on the last day is not yet a failure
        referral.known = t + HORIZON_DAYS[kind] <= end and (
            success_day is not None or not referral.pending(end)
        )
        found.append(referral)
    found.sort(key=lambda r: (r.day, r.person_id, r.kind, r.item_id))
    return found


def _quit_within(pair: _Pair, hire: int) -> bool:
    return any(hire <= q < hire + KEPT_DAYS for q in pair.days["quit"])


def _kept_day(pair: _Pair, hire: int, end: int) -> int | None:
    """The day a hire became known as kept 3 months (by ``end``), or None."""
    retained = pair.days["retained_3m"]
    days = [r for r in retained if hire + KEPT_DAYS <= r]
    if not _quit_within(pair, hire):
        days += [r for r in retained if hire <= r]  # a contract of 3 months or more, fulfilled
        if hire + KEPT_DAYS <= end:
            days.append(hire + KEPT_DAYS)
    return min(days, default=None)


def _closed(pair: _Pair, kind: str, referred: int) -> int:
    """The day every first step taken on or after ``referred`` had closed: by an event of
    ``ENDS``, or once ``OPEN_DAYS`` passed with none."""
    if kind not in OPEN_DAYS:
        return referred
    ends = [d for e in ENDS[kind] for d in pair.days[e]]
    return max(
        (
            min([d for d in ends if d >= s] + [s + OPEN_DAYS[kind]])
            for s in pair.days[STAGE[kind]]
            if s >= referred
        ),
        default=referred,
    )
