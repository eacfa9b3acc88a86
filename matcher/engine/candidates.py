"""A vacancy's candidates: the persons who fit it best, only eligible ones, with reasons worded
for the employer's side (the caller decides what of them a reader may see)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matcher import explain
from matcher.eligibility import verdicts
from matcher.engine.prefilter import proximity, top
from matcher.engine.results import Recommendation
from matcher.engine.scoring import score, shares
from matcher.features.geo import haversine_many
from matcher.features.occupation import occupation_fit
from matcher.features.pairs import Pair, PersonView, vacancy_pair
from matcher.index import PersonIndex
from matcher.profile import Person

if TYPE_CHECKING:
    from matcher.engine.core import Engine


def candidates(
    engine: Engine, vacancy_id: str, persons: PersonIndex, *, limit: int
) -> list[Recommendation]:
    """``Engine.candidates``: persons near enough (or willing to move) whose offence the job
    does not exclude, pre-scored over arrays, then checked and scored exactly."""
    position = engine.vacancies.position.get(vacancy_id)
    if position is None:
        raise KeyError(vacancy_id)
    job = engine.vacancies.view(position)
    v, today = job.vacancy, engine.today
    pos = persons.candidates(job.code, entry_level=job.entry_level)
    if len(pos) == 0:
        return []
    km = haversine_many(v.lat, v.lon, persons.lat[pos], persons.lon[pos])
    excluded = int(engine.vacancies.excluded[position])
    keep = ((km <= persons.commute[pos]) | persons.relocation[pos]) & (
        (persons.offence[pos] & excluded) == 0
    )
    pos, km = pos[keep], km[keep]
    occupation = np.array(
        [occupation_fit(persons.codes[i], job.code, entry_level=job.entry_level)[0] for i in pos]
    )
    pre = 0.36 * occupation + 0.2 * proximity(km, persons.commute[pos], persons.relocation[pos])
    chosen = top(pre, engine.prefilter)
    ranker = engine.rankers["candidate"]
    rows: list[tuple[Person, PersonView, Pair]] = []
    for i, distance in zip(pos[chosen], km[chosen], strict=True):
        person = persons.items[int(i)]
        if verdicts(person, v, today):
            continue
        view = PersonView.of(person, persons.codes[int(i)], persons.sources[int(i)], today)
        pair = vacancy_pair(
            view,
            job,
            km=float(distance),
            regional_median=engine.vacancies.median_salary.get(v.kato[:2]),
            shelter_near=engine.shelters.nearest_admitting(person, today),
        )
        rows.append((person, view, engine._tracked("candidate", v, pair)))
    if not rows:
        return []
    names = engine.names("candidate")
    matrix = np.array([pair.vector(names) for _, _, pair in rows])
    scores = score(ranker, matrix)
    order = sorted(range(len(rows)), key=lambda k: (-scores[k], rows[k][0].person_id))[:limit]
    result = []
    for k, contributions in zip(
        order, shares(ranker, [list(matrix[k]) for k in order]), strict=True
    ):
        person, view, pair = rows[k]
        reasons = explain.vacancy_reasons(
            pair.values,
            pair.facts,
            contributions,
            title=v.title,
            candidate=True,
            release_date=person.release_date,
            status=person.status,
            today=today,
        )
        result.append(Recommendation(person.person_id, "person", float(scores[k]), tuple(reasons)))
    return result
