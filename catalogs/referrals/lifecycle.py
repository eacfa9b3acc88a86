"""The states of a referral, the moves between them, who may make each move, what each state
does to the item's places and which outcome event it writes.

Vacancy::

    proposed → sent → viewed → interview → hired → retained_3m
                 ↘       ↘          ↘          ↘
          declined · no_show · withdrawn · expired       quit

Course: ``sent → enrolled → completed`` or ``dropped`` (and ``declined``, ``withdrawn``,
``expired`` before enrolment). Shelter: ``requested → confirmed → arrived → departed``, with
``extended`` while the stay lasts (at most 180 days), and ``declined``, ``no_show``,
``withdrawn``, ``expired`` before arrival.

Only the daily clock moves a referral to ``expired``. An employer answers only for its own
vacancies; staff may record an answer given by telephone as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from catalogs import enums

Kind = Literal["vacancy", "course", "shelter"]
Place = Literal["held", "taken", "free"]

FIRST_STATE: Final[dict[str, str]] = {"vacancy": "sent", "course": "sent", "shelter": "requested"}
"""Where a referral starts unless told otherwise (a vacancy may start as ``proposed``: agreed
with the person, not yet sent to the employer)."""

MOVES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "vacancy": {
        "proposed": ("sent", "withdrawn", "expired"),
        "sent": ("viewed", "interview", "hired", "declined", "no_show", "withdrawn", "expired"),
        "viewed": ("interview", "hired", "declined", "no_show", "withdrawn", "expired"),
        "interview": ("hired", "declined", "no_show", "withdrawn", "expired"),
        "hired": ("retained_3m", "quit"),
        "retained_3m": ("quit",),
    },
    "course": {
        "sent": ("enrolled", "declined", "withdrawn", "expired"),
        "enrolled": ("completed", "dropped"),
    },
    "shelter": {
        "requested": ("confirmed", "declined", "withdrawn", "expired"),
        "confirmed": ("arrived", "no_show", "withdrawn"),
        "arrived": ("extended", "departed"),
        "extended": ("extended", "departed"),
    },
}

STATES: Final[dict[str, tuple[str, ...]]] = {
    kind: tuple(dict.fromkeys([*moves, *(s for targets in moves.values() for s in targets)]))
    for kind, moves in MOVES.items()
}
ALL_STATES: Final = tuple(dict.fromkeys(s for states in STATES.values() for s in states))

AWAITING: Final[dict[str, frozenset[str]]] = {
    "vacancy": frozenset({"sent", "viewed"}),
    "course": frozenset({"sent"}),
    "shelter": frozenset({"requested"}),
}
"""States in which the other side owes an answer: the answer clock runs."""

HOLDING: Final[dict[str, frozenset[str]]] = {
    "vacancy": frozenset({"proposed", "sent", "viewed", "interview"}),
    "course": frozenset({"sent", "enrolled"}),
    "shelter": frozenset({"requested", "confirmed", "arrived", "extended"}),
}
TAKING: Final[dict[str, frozenset[str]]] = {
    "vacancy": frozenset({"hired", "retained_3m"}),
    "course": frozenset({"completed"}),
    "shelter": frozenset(),
}
"""A hire takes its quota slot for good (a ``quit`` before the quota is fulfilled gives it
back: the employer still owes it); a finished course keeps its seat."""

EMPLOYER_MOVES: Final = frozenset({"viewed", "interview", "hired", "declined", "no_show",
                                   "retained_3m", "quit"})  # fmt: skip
"""What an employer may do, on its own vacancies' referrals only."""
CLOCK_ONLY: Final = frozenset({"expired"})

DESTINATIONS: Final = (
    "rented", "family", "employer_housing", "another_centre", "street", "custody", "unknown",
)  # fmt: skip
"""Where a person went on leaving a centre."""

WITHDRAW_REASONS: Final = (
    "person_refused", "person_unreachable", "employed_elsewhere", "returned_to_custody",
    "relocated", "health", "other",
)  # fmt: skip

REASONS: Final[dict[str, tuple[str, ...]]] = {
    "declined": enums.REASONS_BY_EVENT["rejected"],
    "quit": enums.REASONS_BY_EVENT["quit"],
    "dropped": enums.REASONS_BY_EVENT["dropped"],
    "departed": enums.REASONS_BY_EVENT["left"],
    "withdrawn": WITHDRAW_REASONS,
    "no_show": (),
    "expired": ("no_answer", "not_sent"),
}
"""The reason codes each state takes; labels ``reason_<code>`` in the catalogs locales."""
NEEDS_REASON: Final = frozenset({"declined", "quit"})

OUTCOME: Final[dict[tuple[str, str], str]] = {
    ("vacancy", "sent"): "referred",
    ("vacancy", "interview"): "interviewed",
    ("vacancy", "hired"): "hired",
    ("vacancy", "declined"): "rejected",
    ("vacancy", "no_show"): "rejected",
    ("vacancy", "expired"): "rejected",
    ("vacancy", "quit"): "quit",
    ("vacancy", "retained_3m"): "retained_3m",
    ("course", "sent"): "referred",
    ("course", "enrolled"): "enrolled",
    ("course", "completed"): "completed",
    ("course", "dropped"): "dropped",
    ("shelter", "requested"): "referred",
    ("shelter", "arrived"): "admitted",
    ("shelter", "departed"): "left",
}
"""The outcome event a state writes, so that the quota ledger and retraining read one history
(a ``no_show`` is a rejection with reason ``no_show``, an expiry one with ``no_answer``)."""


def place(kind: str, state: str) -> Place:
    if state in HOLDING[kind]:
        return "held"
    if state in TAKING[kind]:
        return "taken"
    return "free"


@dataclass(frozen=True)
class Refusal:
    """Why a move cannot be made: a message code (``referral_<code>`` in the service
    locales) and its parameters: states and reasons as codes (a tuple for a list of them),
    which the reader sees by their labels."""

    code: str
    params: dict[str, object]


def check_move(kind: str, current: str, target: str, *, role: str) -> Refusal | None:
    """Whether ``role`` (``officer``, ``inspector``, ``admin``, ``employer`` or ``clock``) may
    move a referral of ``kind`` from ``current`` to ``target``."""
    if target not in STATES[kind]:
        allowed = tuple(s for s in STATES[kind] if s not in CLOCK_ONLY)
        return Refusal("unknown_state", {"state": target, "allowed": allowed})
    if target in CLOCK_ONLY and role != "clock":
        return Refusal("only_the_clock", {"state": target})
    if role == "employer" and (kind != "vacancy" or target not in EMPLOYER_MOVES):
        return Refusal("not_for_employer", {"state": target})
    if target not in MOVES[kind].get(current, ()):
        return Refusal("bad_move", {"current": current, "state": target})
    return None


def check_reason(target: str, reason: str | None) -> Refusal | None:
    allowed = REASONS.get(target)
    if reason is None:
        if target in NEEDS_REASON:
            return Refusal("reason_needed", {"state": target, "allowed": tuple(allowed or ())})
        return None
    if not allowed or reason not in allowed:
        return Refusal(
            "bad_reason", {"state": target, "reason": reason, "allowed": tuple(allowed or ())}
        )
    return None
