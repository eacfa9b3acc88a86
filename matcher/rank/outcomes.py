"""From outcome events to labelled referrals: what the learned rankers train on.

A referral (the first ``referred`` event of a person and an item) is labelled by what followed:

- a vacancy succeeds when the job was kept 3 months: a ``retained_3m`` event, or a hire with
  no ``quit`` in the 90 days after it once those 90 days have passed; its first step is a hire;
- a course succeeds when it was completed (first step: enrolled);
- a shelter succeeds when the person was admitted (first step: the same).

A referral is *known* once ``HORIZON_DAYS`` of its kind have passed: by then it has
succeeded or not, whatever happened. Younger referrals are left out even when they already
failed, since counting their quick failures and not their slow successes would teach the
ranker that recent referrals fail.
``job`` says whether the person kept some job 3 months, hired within a year of the referral:
the record that courses and shelters are judged on.
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


@dataclass
class _Pair:
    referred: int | None = None
    rank: int | None = None
    days: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def referrals(events: Iterable[Event], *, end: int) -> list[Referral]:
    """Labelled referrals of every kind, from events up to day ``end`` (an ordinal)."""
    pairs: dict[tuple[str, str, str], _Pair] = defaultdict(_Pair)
    for person_id, kind, item_id, event, day, _, rank in events:
        pair = pairs[(person_id, kind, item_id)]
        if event == "referred":
            if pair.referred is None or day < pair.referred:
                pair.referred, pair.rank = day, rank
        else:
            pair.days[event].append(day)
    kept_hires: dict[str, list[int]] = defaultdict(list)
    for (person_id, kind, _), pair in pairs.items():
        if kind == "vacancy":
            kept_hires[person_id].extend(h for h in pair.days["hired"] if _kept(pair, h, end))
    found = []
    for (person_id, kind, item_id), pair in pairs.items():
        if pair.referred is None:
            continue
        t = pair.referred
        stage = any(d >= t for d in pair.days[STAGE[kind]])
        if kind == "vacancy":
            success = any(h >= t and _kept(pair, h, end) for h in pair.days["hired"])
        else:
            success = any(d >= t for d in pair.days[SUCCESS[kind]])
        known = t + HORIZON_DAYS[kind] <= end
        job = any(t <= h <= t + JOB_WITHIN_DAYS for h in kept_hires[person_id])
        found.append(Referral(person_id, kind, item_id, t, pair.rank, stage, success, known, job))
    found.sort(key=lambda r: (r.day, r.person_id, r.kind, r.item_id))
    return found


def _quit_within(pair: _Pair, hire: int) -> bool:
    return any(hire <= q < hire + KEPT_DAYS for q in pair.days["quit"])


def _kept(pair: _Pair, hire: int, end: int) -> bool:
    if any(hire + KEPT_DAYS <= r for r in pair.days["retained_3m"]):
        return True
    if any(hire <= r for r in pair.days["retained_3m"]) and not _quit_within(pair, hire):
        return True  # a contract of 3 months or more, recorded as fulfilled
    return hire + KEPT_DAYS <= end and not _quit_within(pair, hire)
