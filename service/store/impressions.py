"""What the service records around outcomes: the lists it showed (impressions), the rank a
referral was made at, and whether new events fit the history already recorded.

Impressions let training correct for position: an item shown first is chosen more often
whatever its worth. A referral recorded without rank, score or ranker version takes them
from the most recent impression of its pair on or before its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from catalogs.outcomes import lifecycle
from service.store.tables import Impression, OutcomeEvent

ListKind = Literal["person", "candidates"]
Pair = tuple[str, str, str]
"""(person_id, item_kind, item_id)"""
QUERY_BATCH = 500


class Shown(Protocol):
    """What a list item needs to be recorded (``matcher.engine.Recommendation``)."""

    @property
    def id(self) -> str: ...

    @property
    def score(self) -> float: ...


def record_impressions(
    session: Session,
    *,
    subject: str,
    kind: str,
    recommendations: Sequence[Shown],
    model_version: str,
    today: date,
    list_kind: ListKind,
) -> int:
    """Add a list as shown, ranks 1..n, to the caller's transaction; returns the rows.

    ``list_kind`` ``person``: ``subject`` is the person, the items are of ``kind``.
    ``candidates``: ``subject`` is the vacancy, the items are persons. A pair shown twice the
    same day in the same kind of list keeps its best rank. The caller commits, together with
    the request's audit rows (one write transaction per request).
    """
    rows: list[dict[str, Any]] = []
    for rank, shown in enumerate(recommendations, start=1):
        person_id, item_kind, item_id = (
            (subject, kind, shown.id) if list_kind == "person" else (shown.id, "vacancy", subject)
        )
        rows.append(
            {
                "person_id": person_id,
                "item_kind": item_kind,
                "item_id": item_id,
                "rank": rank,
                "score": float(shown.score),
                "model_version": model_version,
                "shown_on": today,
                "list": list_kind,
            }
        )
    if not rows:
        return 0
    connection = session.connection()  # a plain statement: no unit of work to pass through
    connection.execute(_upsert(connection.dialect.name), rows)
    return len(rows)


_UPSERTS: dict[str, sa.Insert] = {}


def _upsert(dialect: str) -> sa.Insert:
    """The statement that adds impressions keeping each pair's best rank of the day (made
    once per dialect: a statement is immutable, and building it costs more than running it)."""
    found = _UPSERTS.get(dialect)
    if found is None:
        table: sa.Table = Impression.__table__  # type: ignore[attr-defined]
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        found = _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["person_id", "item_kind", "item_id", "shown_on", "list"],
            set_={c: statement.excluded[c] for c in ("rank", "score", "model_version")},
            where=statement.excluded.rank < table.c.rank,
        )
    return found


def referral_ranks(
    session: Session, referrals: Iterable[tuple[Pair, date]]
) -> dict[tuple[Pair, date], tuple[int, float, str]]:
    """Rank, score and ranker version of the most recent impression of each pair on or before
    the referral's date (the best rank that day); pairs never shown are left out."""
    wanted: dict[Pair, list[date]] = {}
    for pair, day in referrals:
        wanted.setdefault(pair, []).append(day)
    found: dict[tuple[Pair, date], tuple[int, float, str]] = {}
    pairs = list(wanted)
    for start in range(0, len(pairs), QUERY_BATCH):
        chunk = pairs[start : start + QUERY_BATCH]
        latest = max(day for pair in chunk for day in wanted[pair])
        query = (
            sa.select(
                col(Impression.person_id),
                col(Impression.item_kind),
                col(Impression.item_id),
                col(Impression.shown_on),
                col(Impression.rank),
                col(Impression.score),
                col(Impression.model_version),
            )
            .where(col(Impression.person_id).in_({p for p, _, _ in chunk}))
            .where(col(Impression.shown_on) <= latest)
            .order_by(col(Impression.shown_on), col(Impression.rank).desc())
        )
        shown: dict[Pair, list[tuple[date, int, float, str]]] = {}
        for person_id, item_kind, item_id, shown_on, rank, score, version in session.execute(query):
            pair = (person_id, item_kind, item_id)
            if pair in wanted:
                shown.setdefault(pair, []).append((shown_on, rank, score, version))
        for pair in chunk:
            for day in wanted[pair]:
                # ordered by day, then worst rank first: the last one on or before is the best
                before = [s for s in shown.get(pair, ()) if s[0] <= day]
                if before:
                    _, rank, score, version = before[-1]
                    found[pair, day] = (rank, score, version)
    return found


def lifecycle_problems(
    session: Session, new: Mapping[tuple[Any, ...], object]
) -> list[lifecycle.Violation]:
    """The lifecycle rules broken by ``new`` events (key -> where each came from), judged
    with every event of their pairs in the database; the new events must be written already
    (in the caller's open transaction), so that the database holds the whole history."""
    by_person: dict[str, set[Pair]] = {}
    for key in new:
        if key[3] in lifecycle.CHECKED:
            by_person.setdefault(key[0], set()).add(key[:3])
    persons = list(by_person)
    found: list[lifecycle.Violation] = []
    for start in range(0, len(persons), QUERY_BATCH):
        chunk = {pair for p in persons[start : start + QUERY_BATCH] for pair in by_person[p]}
        query = sa.select(
            col(OutcomeEvent.person_id),
            col(OutcomeEvent.item_kind),
            col(OutcomeEvent.item_id),
            col(OutcomeEvent.event),
            col(OutcomeEvent.date),
            col(OutcomeEvent.contract_months),
        ).where(
            col(OutcomeEvent.person_id).in_({p for p, _, _ in chunk}),
            col(OutcomeEvent.event).in_(lifecycle.EVENTS),
        )
        events = [
            lifecycle.Event(p, k, i, e, d, months, new.get((p, k, i, e, d)))
            for p, k, i, e, d, months in session.execute(query)
            if (p, k, i) in chunk
        ]
        found.extend(lifecycle.problems(events))
    return found
