"""Retraining on a schedule, for a long-running server (``MATCHER_RETRAIN_EVERY_HOURS``).

A daemon thread wakes every so many hours, retrains in its own session and logs what it did:
promoted or refused, and why. Servers pick a promoted version up on their next request
(``service.api.deps.EngineCache``). Off unless the setting is given.
"""

from __future__ import annotations

import logging
import threading

from service.runtime import Runtime

log = logging.getLogger("matcher.retrain")


class RetrainSchedule(threading.Thread):
    def __init__(self, runtime: Runtime, every_hours: float) -> None:
        super().__init__(name="matcher-retrain", daemon=True)
        self.runtime = runtime
        self.every = every_hours * 3600.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.run_once()

    def run_once(self) -> str | None:
        """One retraining; returns the version made (None when it failed)."""
        from service.training import retrain

        try:
            with self.runtime.session() as session:
                outcome = retrain.retrain(
                    session, protector=self.runtime.protector, home=self.runtime.settings.home
                )
                session.commit()
        except retrain.Busy:
            log.info("scheduled retraining skipped: another one is running")
            return None
        except Exception:
            log.exception("scheduled retraining failed")
            return None
        if outcome.promoted:
            log.info("scheduled retraining: %s promoted", outcome.version)
        else:
            reasons = {
                kind: [r["code"] for r in entry.get("refused", [])]
                for kind, entry in outcome.card["kinds"].items()
            }
            log.info("scheduled retraining: %s refused %s", outcome.version, reasons)
        return outcome.version

    def stop(self) -> None:
        self.stopped.set()
