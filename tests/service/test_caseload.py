"""The caseload's listing on a demo: the region and district filters (found through the
columns' index) select exactly the persons whose codes start so, and the needs filter, which
keeps the needs of sealed documents it has read, follows a person's needs when they change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from catalogs.demo import DemoSpec
from service.config import Settings
from service.runtime import Runtime
from service.store import demo, sealed
from service.store.tables import Person
from service.usecases import caseload
from service.usecases.actor import Actor
from service.usecases.errors import Invalid
from tests.dbutil import scratch_engine

TODAY = date(2026, 11, 1)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Runtime, list[Person]]]:
    with scratch_engine(tmp_path) as engine:
        rt = _runtime(engine, tmp_path)
        with rt.writing() as session:
            spec = DemoSpec(seed=5, as_of=TODAY, vacancies=10, courses=2, persons=160)
            demo.build(session, spec, protector=rt.protector)
            session.commit()
            rows = list(session.scalars(sa.select(Person)).all())
            session.expunge_all()
        yield rt, rows


def _runtime(engine: Engine, tmp_path: Path) -> Runtime:
    settings = Settings(home=tmp_path / "home", secret_key=SecretStr("k" * 40), lang="en")
    return Runtime(settings, engine)


def _all(rt: Runtime, actor: Actor, filters: caseload.Filters) -> list[str]:
    first = caseload.caseload(rt, actor, filters, today=TODAY)
    seen = [c.person_id for c in first.cases]
    for page in range(2, first.pages + 1):
        found = caseload.caseload(rt, actor, filters, page=page, today=TODAY)
        seen += [c.person_id for c in found.cases]
    assert len(seen) == first.total
    return seen


def test_region_and_district_select_the_codes_that_start_so(
    world: tuple[Runtime, list[Person]],
) -> None:
    rt, rows = world
    region = max({r.region_kato[:2] for r in rows}, key=lambda p: sum(
        r.region_kato.startswith(p) for r in rows))  # fmt: skip
    actor = Actor(role="officer", method="GET", route="/persons", region_kato=region + "0000000")
    mine = {r.person_id for r in rows if r.region_kato.startswith(region)}
    assert 0 < len(mine) < len(rows)
    assert set(_all(rt, actor, caseload.Filters())) == mine
    district = next(r.kato[:4] for r in rows if r.region_kato.startswith(region))
    inside = {r.person_id for r in rows if r.person_id in mine and r.kato.startswith(district)}
    assert set(_all(rt, actor, caseload.Filters(district=district))) == inside
    elsewhere = next(r.region_kato for r in rows if not r.region_kato.startswith(region))
    other = Actor(role="officer", method="GET", route="/persons", region_kato=elsewhere)
    assert not set(_all(rt, other, caseload.Filters())) & mine


def test_the_needs_filter_follows_a_change_of_needs(world: tuple[Runtime, list[Person]]) -> None:
    rt, rows = world
    actor = Actor.command("test")
    housing = caseload.Filters(needs=("housing",))
    before = _all(rt, actor, housing)
    assert before
    moved = before[0]
    kept = next(r for r in rows if r.person_id not in before)
    with rt.writing() as session:
        row = session.get(Person, moved)
        assert row is not None
        support = asdict(sealed.open_support(rt.protector, row.support_cipher))
        row.support_cipher = sealed.seal_support(rt.protector, support | {"need_housing": False})
        other = session.get(Person, kept.person_id)
        assert other is not None
        support = asdict(sealed.open_support(rt.protector, other.support_cipher))
        other.support_cipher = sealed.seal_support(rt.protector, support | {"need_housing": True})
        session.commit()
    after = _all(rt, actor, housing)
    assert moved not in after
    assert kept.person_id in after
    assert set(after) == set(before) - {moved} | {kept.person_id}


def _listed(
    rt: Runtime, actor: Actor, filters: caseload.Filters, sort: str, descending: bool, lang: str
) -> list[caseload.Case]:
    first = caseload.caseload(
        rt, actor, filters, today=TODAY, sort=sort, descending=descending, lang=lang
    )
    seen = list(first.cases)
    for page in range(2, first.pages + 1):
        seen += caseload.caseload(
            rt, actor, filters, page=page, today=TODAY, sort=sort, descending=descending,
            lang=lang,
        ).cases  # fmt: skip
    assert len(seen) == first.total
    return seen


def _district(kato: str, lang: str) -> str:
    from catalogs.reference.places import places

    found = places().get(kato)
    assert found is not None
    district = places().get(found.district) if found.district else None
    return (district or found).name(lang).casefold()


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_orders_every_page_by_its_column(
    world: tuple[Runtime, list[Person]], lang: str, descending: bool
) -> None:
    rt, rows = world
    actor = Actor.command("test")
    far = date.max
    keys: dict[str, Callable[[caseload.Case], Any]] = {
        "release": lambda c: c.release_date or far,
        "name": lambda c: (c.name or "").casefold().replace("ё", "е"),
        "status": lambda c: caseload.STATUSES.index(c.status),
        "district": lambda c: _district(c.kato, lang),
    }
    everyone = {r.person_id for r in rows}
    for sort, key in keys.items():
        found = _listed(rt, actor, caseload.Filters(), sort, descending, lang)
        assert {c.person_id for c in found} == everyone, sort
        ordered = [key(c) for c in found if c.release_date is not None or sort != "release"]
        assert ordered == sorted(ordered, reverse=descending), sort
        assert len({key(c) for c in found}) > 1, sort  # the demo's persons do differ
    with pytest.raises(Invalid):
        caseload.caseload(rt, actor, caseload.Filters(), sort="iin")


def test_a_name_search_finds_every_word_within_the_filters(
    world: tuple[Runtime, list[Person]],
) -> None:
    rt, rows = world
    actor = Actor.command("test")
    names = {r.person_id: rt.protector.decrypt(r.full_name_cipher) or "" for r in rows}
    surname = next(iter(names.values())).split()[0]
    wanted = {pid for pid, name in names.items() if surname.casefold() in name.casefold()}
    assert caseload.search(surname.upper()) == caseload.Filters(name=surname.upper())
    found = _all(rt, actor, caseload.search(surname.upper()))
    assert set(found) == wanted
    district = rows[0].kato[:4]
    narrowed = _all(rt, actor, caseload.Filters(name=surname, district=district))
    assert set(narrowed) == {pid for pid in wanted if next(
        r.kato for r in rows if r.person_id == pid).startswith(district)}  # fmt: skip
    assert caseload.search(" P00001 ") == caseload.Filters(person_id="P00001")
