"""Training labels on hand-made outcomes of a small demo: a referral enters a training set only
once its outcome is known, and an outcome still open on the last day is never a failure
(docs/retraining.md, "What is learned")."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from catalogs.demo import DemoSpec
from matcher import Engine, Person
from matcher.rank import outcomes, track_snapshot
from service.runtime import Runtime
from service.store import demo
from service.store import rows as glue
from service.store.tables import Person as PersonRow
from service.training import dataset

END = date(2026, 11, 25)


@pytest.fixture
def small(runtime: Runtime, session: Session) -> tuple[Engine, dict[str, Person]]:
    demo.build(
        session,
        DemoSpec(seed=11, as_of=END, vacancies=300, courses=30, persons=250),
        protector=runtime.protector,
    )
    session.commit()
    engine = glue.load_engine(session, today=END, congestion=False, learned=False)
    persons = {
        row.person_id: glue.person(row, runtime.protector, END)
        for row in session.scalars(sa.select(PersonRow).order_by(PersonRow.person_id))
    }
    return engine, persons


def _items(engine: Engine, persons: dict[str, Person], kind: str, n: int) -> list[str]:
    """``n`` items of ``kind`` from the persons' lists (vacancies of ``n`` employers)."""
    found: dict[str, str] = {}
    for person in persons.values():
        for rec in engine.recommend(person, kind, limit=10):
            found.setdefault(engine.track_key(kind, engine.item(kind, rec.id)), rec.id)
            if len(found) == n:
                return list(found.values())
    raise AssertionError(f"fewer than {n} {kind} items in the lists")


def _ev(person: str, item: str, event: str, ago: int, kind: str = "vacancy") -> outcomes.Event:
    """An event ``ago`` days before END."""
    return (person, kind, item, event, END.toordinal() - ago, 6 if event == "hired" else None, 1)


def _labels(
    engine: Engine, persons: dict[str, Person], events: list[outcomes.Event], kind: str
) -> dict[tuple[str, str], int]:
    sets, _ = dataset.build(engine, persons, events, end=END)
    data = sets[kind]
    return {
        (str(p), str(i)): int(y) for p, i, y in zip(data.person, data.item, data.y, strict=True)
    }


def test_young_referrals_are_left_out_of_training_whatever_happened(small) -> None:  # type: ignore[no-untyped-def]
    engine, persons = small
    v = _items(engine, persons, "vacancy", 1)[0]
    a, b, c, d, e = sorted(persons)[:5]
    events = [
        # old enough (150 days and more): a failure and a success are labelled
        _ev(a, v, "referred", 200),
        _ev(a, v, "rejected", 190),
        _ev(b, v, "referred", 200),
        _ev(b, v, "hired", 195),
        # younger than the horizon: out, whether it failed, is pending or already kept
        _ev(c, v, "referred", 100),
        _ev(c, v, "rejected", 95),
        _ev(d, v, "referred", 60),
        _ev(d, v, "hired", 55),
        _ev(e, v, "referred", 149),
        _ev(e, v, "hired", 145),
        _ev(e, v, "retained_3m", 50),
    ]
    assert _labels(engine, persons, events, "vacancy") == {(a, v): 0, (b, v): 1}


def test_a_late_hire_whose_3_months_have_not_passed_is_not_a_failure(small) -> None:  # type: ignore[no-untyped-def]
    engine, persons = small
    v, w = _items(engine, persons, "vacancy", 2)
    a, b, c = sorted(persons)[:3]
    events = [
        # referred 160 days ago (past the horizon), hired only 80 days ago, still there
        _ev(a, v, "referred", 160),
        _ev(a, v, "hired", 80),
        # the same, but the person quit: that failure is known
        _ev(b, v, "referred", 160),
        _ev(b, v, "hired", 80),
        _ev(b, v, "quit", 40),
        # hired late, and 90 days have passed since: kept
        _ev(c, w, "referred", 200),
        _ev(c, w, "hired", 100),
    ]
    assert _labels(engine, persons, events, "vacancy") == {(b, v): 0, (c, w): 1}
    # nor does it count as a failure in the employer's record the lists are served with
    _, records = dataset.build(engine, persons, events, end=END)
    key = engine.track_key("vacancy", engine.item("vacancy", v))
    assert records["vacancy"].counts(key, END.toordinal() + 1) == (1, 0.0, 0.0)


def test_a_course_still_running_is_not_a_failure(small) -> None:  # type: ignore[no-untyped-def]
    engine, persons = small
    course = _items(engine, persons, "course", 1)[0]
    a, b, c, d = sorted(persons)[:4]
    events = [
        # enrolled 130 days ago in a long course, neither completed nor dropped: still on it
        _ev(a, course, "referred", 140, "course"),
        _ev(a, course, "enrolled", 130, "course"),
        # dropped: a known failure; completed: a success
        _ev(b, course, "referred", 140, "course"),
        _ev(b, course, "enrolled", 130, "course"),
        _ev(b, course, "dropped", 60, "course"),
        _ev(c, course, "referred", 300, "course"),
        _ev(c, course, "enrolled", 290, "course"),
        _ev(c, course, "completed", 130, "course"),
        # enrolled more than a year ago with no end recorded: taken as not completed
        _ev(d, course, "referred", 420, "course"),
        _ev(d, course, "enrolled", 400, "course"),
    ]
    assert _labels(engine, persons, events, "course") == {
        (b, course): 0,
        (c, course): 1,
        (d, course): 0,
    }


def test_pending_outcomes() -> None:
    end = END.toordinal()
    events = [
        _ev("A", "V", "referred", 160),
        _ev("A", "V", "hired", 89),  # 89 days in: open
        _ev("B", "V", "referred", 160),
        _ev("B", "V", "hired", 90),  # 90 days in: kept, known
        _ev("C", "V", "referred", 160),
        _ev("C", "V", "hired", 10),
        _ev("C", "V", "retained_3m", 5),  # a fulfilled contract: known
        _ev("D", "C", "referred", 100, "course"),
        _ev("D", "C", "enrolled", 90, "course"),
        _ev("E", "C", "referred", 100, "course"),
        _ev("E", "C", "enrolled", 90, "course"),
        _ev("E", "C", "completed", 1, "course"),
        _ev("F", "S", "referred", 100, "shelter"),
        _ev("F", "S", "admitted", 90, "shelter"),
    ]
    pending = {
        (r.person_id, r.kind, r.item_id)
        for r in outcomes.referrals(events, end=end)
        if r.pending(end)
    }
    assert pending == {("A", "vacancy", "V"), ("D", "course", "C")}


def test_a_track_record_as_of_a_day_counts_only_what_was_known_that_day(small) -> None:  # type: ignore[no-untyped-def]
    """Each kind's record read as of day D (as a training row of day D reads it) counts what the
    record the service served on the day before D counted, from the events up to then: no job
    found, no 3 months completed, no course completed, no bed taken on day D or later; and the
    overall rates it is smoothed towards are those served then."""
    engine, persons = small
    v, w = _items(engine, persons, "vacancy", 2)
    course = _items(engine, persons, "course", 1)[0]
    a, b, c, d = sorted(persons)[:4]
    shelters = [s for p in persons.values() for s in engine.recommend(p, "shelter", limit=1)]
    events = [
        # hired 70 days after the referral (after its first step's 30 days), kept: known only
        # 160 days after the referral, past its 150 days' horizon
        _ev(a, v, "referred", 400),
        _ev(a, v, "hired", 330),
        # a course completed 140 days after the referral, past its 120 days' horizon; a job
        # found after it and kept: known 345 days after the referral
        _ev(b, course, "referred", 480, "course"),
        _ev(b, course, "enrolled", 470, "course"),
        _ev(b, course, "completed", 340, "course"),
        _ev(b, w, "referred", 260),
        _ev(b, w, "hired", 225),
        # a course dropped, then a job kept 3 months: the job is known 200 days after
        _ev(c, course, "referred", 450, "course"),
        _ev(c, course, "enrolled", 445, "course"),
        _ev(c, course, "dropped", 400, "course"),
        _ev(c, w, "referred", 350),
        _ev(c, w, "hired", 340),
        _ev(c, w, "retained_3m", 250),
    ]
    if shelters:
        # a bed taken 40 days after the referral (its horizon is 30), then the job above
        events += [
            _ev(d, shelters[0].id, "referred", 470, "shelter"),
            _ev(d, shelters[0].id, "admitted", 430, "shelter"),
            _ev(d, w, "referred", 300),
            _ev(d, w, "hired", 290),
        ]
    _, records = dataset.build(engine, persons, events, end=END)
    kinds = {"vacancy": [v, w], "course": [course], "shelter": [s.id for s in shelters[:1]]}
    keys = {
        kind: [engine.track_key(kind, engine.item(kind, i)) for i in items]
        for kind, items in kinds.items()
    }
    last = END.toordinal()
    for day in range(last - 500, last + 2):
        known = [e for e in events if e[4] < day]
        _, then = dataset.build(engine, persons, known, end=date.fromordinal(day - 1))
        for kind, items in keys.items():
            if items:
                got, served = records[kind].tally(items, day), then[kind].tally(items, day)
                assert got.tolist() == served.tolist(), (kind, last - day)
            # the features a training row of day D reads, the overall rates an item with no
            # record gets among them, are those the service served that day
            row = records[kind].as_of([*items, "nobody"], day)
            shown = track_snapshot(then[kind], day)
            assert row.tolist() == [list(shown.get(k)) for k in [*items, "nobody"]], (
                kind,
                last - day,
            )
