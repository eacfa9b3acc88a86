"""What a simulation did: the days played, the referrals made and the events written, with the
hidden world's true success rates of the persons' top lists against the rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class SimulationReport:
    start: date
    end: date
    seed: int
    days: int = 0
    sessions: int = 0
    referrals: Counter[str] = field(default_factory=Counter)
    events: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    written: int = 0
    engine_builds: int = 0
    model_versions: list[str] = field(default_factory=list)
    seconds: float = 0.0
    true_success_top3: float | None = None
    """Hidden world, for evaluation: mean true P(job kept 3 months | referral) of the vacancies
    the engine ranked 1–3 in the lists shown."""
    true_success_rest: float | None = None
    """The same for ranks 4–10."""

    @property
    def hires(self) -> int:
        return self.events["vacancy"]["hired"]

    @property
    def retained(self) -> int:
        return self.events["vacancy"]["retained_3m"]

    @property
    def total_events(self) -> int:
        return sum(sum(c.values()) for c in self.events.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "seed": self.seed,
            "days": self.days,
            "sessions": self.sessions,
            "referrals": dict(sorted(self.referrals.items())),
            "events": {k: dict(sorted(c.items())) for k, c in sorted(self.events.items())},
            "total_events": self.total_events,
            "written": self.written,
            "hires": self.hires,
            "retained_3m": self.retained,
            "engine_builds": self.engine_builds,
            "model_versions": self.model_versions,
            "seconds": round(self.seconds, 2),
            "events_per_second": round(self.total_events / self.seconds) if self.seconds else None,
            "hidden": {
                "true_success_top3": _round(self.true_success_top3),
                "true_success_rest": _round(self.true_success_rest),
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
