"""Two officers refer two people to the last free place at the same moment: exactly one gets
it (201), the other a 409, never two holds. Real concurrent HTTP requests to a served app on
a database of its own (a SQLite file, or a new PostgreSQL database under DATABASE_URL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from service.config import Settings
from service.runtime import Runtime
from service.store import db, tokens
from service.store.imports import import_records
from service.store.workflow import Referral
from tests.dbutil import scratch_engine
from tests.factories import AKTAU, person, vacancy
from tests.serving import served as served_app

ROUNDS = 12


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Runtime]]:
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        settings = Settings(home=tmp_path, secret_key="r" * 32, lang="en")
        rt = Runtime(settings, engine, _ready=True)
        window = (date.today() - timedelta(days=10)).isoformat()
        with rt.writing() as session:
            rows = [vacancy(n, quota_slots="1", quota_from=window) for n in range(1, ROUNDS + 1)]
            people = [
                person(n, kato=AKTAU, status="released", release_date=date.today().isoformat(),
                       probation_kind="post_penitentiary")
                for n in range(1, 2 * ROUNDS + 1)
            ]  # fmt: skip
            for kind, batch in (("vacancies", rows), ("persons", people)):
                assert import_records(session, kind, batch, protector=rt.protector, commit=False).ok
            secret, _ = tokens.create(session, role="officer")
            session.commit()
        with served_app(rt) as port:
            yield f"http://127.0.0.1:{port}", secret, rt


def test_the_last_place_goes_to_exactly_one(served: tuple[str, str, Runtime]) -> None:
    base, secret, rt = served
    headers = {"Authorization": f"Bearer {secret}"}
    outcomes: list[list[int]] = []
    for round_ in range(1, ROUNDS + 1):
        gate = threading.Barrier(2)
        found: list[int] = []

        def refer(
            person_id: str, item_id: str, gate: threading.Barrier = gate, found: list[int] = found
        ) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                gate.wait()
                answer = client.post(
                    "/api/v1/referrals",
                    json={"person_id": person_id, "item_kind": "vacancy", "item_id": item_id},
                )
                found.append(answer.status_code)

        item = f"V{round_:05d}"
        threads = [
            threading.Thread(target=refer, args=(f"P{2 * round_ - k:05d}", item)) for k in (0, 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        outcomes.append(sorted(found))
    assert outcomes == [[201, 409]] * ROUNDS
    with rt.session() as session:
        held = session.execute(
            sa.select(Referral.item_id, sa.func.count())
            .where(Referral.place == "held")
            .group_by(Referral.item_id)
        ).all()
    assert sorted(count for _, count in held) == [1] * ROUNDS
