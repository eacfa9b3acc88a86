"""A served engine has read every person's professions when it is built: a person's first
list reads none of them one by one."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from catalogs.demo import DemoSpec
from matcher import TITLE_CUTOFF
from service.runtime import Runtime
from service.store import demo
from service.store.tables import Person


def test_every_profession_is_read_when_the_engine_is_built(
    runtime: Runtime, session: Session
) -> None:
    demo.build(
        session,
        DemoSpec(seed=5, as_of=date(2027, 1, 27), vacancies=100, courses=10, persons=20),
        protector=runtime.protector,
    )
    # a text no earlier reading in this process can have seen
    unseen = f"электрогазосварщик {uuid.uuid4().hex[:8]}"
    row = session.exec(select(Person)).first()
    assert row is not None
    row.professions = [*row.professions, unseen]
    session.add(row)
    session.commit()
    written = {text for texts in session.exec(select(Person.professions)) for text in texts}

    engine = runtime.serving.engine(runtime)

    read = {
        text
        for text, limit, cutoff, _ in engine.matcher.readings()
        if limit == 1 and cutoff == TITLE_CUTOFF
    }
    assert unseen in read
    assert written <= read
