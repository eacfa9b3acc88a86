"""From feature values and facts to reasons an officer reads: a machine ``code`` and a text in
Russian, Kazakh or English (templates in ``matcher/locales``).

Every recommended item carries two to five reasons: the strongest contributions to its score
first, then cautions (a requirement the person only nearly meets). A reason never names the
person's offence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, cast, runtime_checkable

from catalogs.i18n import LANGS, messages
from catalogs.normalize import fold
from matcher.features.origin import CENTRE, HOME, TOWN, Origin

MAX_REASONS = 5
MIN_REASONS = 2
SURE_MATCH = 0.8
"""The occupation fit from which the person's and the job's occupations are said to be the
same group plainly; below it, «probably» (the job's title was read with less certainty)."""


@dataclass(frozen=True, slots=True)
class Terms:
    """Message keys rendered in the reader's language and joined (e.g. shelter services)."""

    keys: tuple[str, ...]

    def render(self, lang: str) -> str:
        return ", ".join(messages("matcher").text(key, lang) for key in self.keys)


@dataclass(frozen=True, slots=True)
class Title:
    """An occupation's title, in the reader's language (Russian when there is no other)."""

    code: str

    def render(self, lang: str) -> str:
        from catalogs.reference.occupations import occupations

        found = occupations().get(self.code)
        return found.title(lang) if found is not None else self.code


@runtime_checkable
class Rendered(Protocol):
    """A parameter shown in the reader's language (a term, a title, a label)."""

    def render(self, lang: str) -> str: ...


_RENDERS: dict[type, bool] = {}
"""Whether a parameter's type is ``Rendered``, by type: a runtime protocol check costs more
than the text it guards, and a reason's parameters are of a handful of types."""


def _shown(value: object, lang: str) -> object:
    kind = type(value)
    renders = _RENDERS.get(kind)
    if renders is None:
        renders = _RENDERS[kind] = callable(getattr(kind, "render", None))
    return cast(Rendered, value).render(lang) if renders else value


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "ru") -> str:
        params = {k: _shown(v, lang) for k, v in self.params.items()}
        return messages("matcher").text(self.code, lang, **params)

    def as_dict(self, lang: str = "ru") -> dict[str, object]:
        return {"code": self.code, "text": self.text(lang)}

    def texts(self) -> dict[str, str]:
        return {lang: self.text(lang) for lang in LANGS}


def _km(value: float) -> int:
    return max(1, round(float(value)))


FROM_ELSEWHERE: dict[tuple[str, str], str] = {
    ("same_place", CENTRE): "same_place_as_centre",
    ("same_place", TOWN): "same_place",
    ("near_home", CENTRE): "near_centre",
    ("near_home", TOWN): "near_town",
    ("relocation", CENTRE): "relocation_from_centre",
    ("relocation", TOWN): "relocation_from_town",
    ("course_near", CENTRE): "course_near_centre",
    ("course_near", TOWN): "course_near_town",
    ("shelter_near_home", TOWN): "shelter_near_town",
    ("too_far", CENTRE): "too_far_from_centre",
    ("too_far", TOWN): "too_far_from_town",
}
"""A distance's reason (or verdict) measured from home, and its code when the distance starts
at an adaptation centre or at the profile's town (``features.origin``)."""


def measured(
    code: str, origin: Origin | None, params: Mapping[str, object] | None = None
) -> Reason:
    """The reason ``code`` about a distance, worded for where it starts: ``code`` itself from
    home, else ``FROM_ELSEWHERE``'s code (naming the centre for one)."""
    found = dict(params or {})
    if origin is None or origin.kind == HOME:
        return Reason(code, found)
    if origin.kind == CENTRE:
        found["centre"] = origin.centre
    return Reason(FROM_ELSEWHERE.get((code, origin.kind), code), found)


def vacancy_reasons(
    values: Mapping[str, float],
    facts: Mapping[str, Any],
    contributions: Mapping[str, float],
    *,
    title: str,
    candidate: bool = False,
    release_date: date | None = None,
    status: str | None = None,
    today: date | None = None,
) -> list[Reason]:
    """Reasons for a (person, vacancy) pair; ``candidate`` words them for the employer's side."""
    found: list[tuple[float, Reason]] = []
    occupation = values["occupation"]
    source = facts.get("occupation_source")
    if source is not None and source == facts.get("code") and occupation > 0:
        # the text the code was read from; a code an officer confirmed is named by its title
        mine = facts.get("profession") or Title(str(source))
        # named by the group both are in, which says why a «помощник повара» matches a
        # «Посудомойщица»; «probably» while the job's title was read with less certainty
        code = "occupation_match" if occupation >= SURE_MATCH else "occupation_match_likely"
        if code == "occupation_match" and isinstance(mine, str) and fold(mine) == fold(str(title)):
            code = "occupation_match_same"  # «электрогазосварщик» for «Электрогазосварщик»
        params = {"mine": mine, "title": title, "group": Title(str(source))}
        found.append((contributions["occupation"] + 1, Reason(code, params)))
    elif source is not None:
        found.append(
            (contributions["occupation"] + 1, Reason("occupation_related", {"title": title}))
        )
    elif occupation > 0:
        found.append((contributions["occupation"], Reason("entry_level", {"title": title})))
    for rule in ("trade_first", "quota_first"):
        if (band := facts.get(rule)) is not None:
            # placed before a job that scores higher (``engine.ordering``)
            found.append((contributions["occupation"] + 0.9, Reason(rule, {"band": band})))
    if "quota_slots" in facts and not candidate:
        until = facts.get("quota_until")
        found.append(
            (
                contributions["quota"] + 0.5,
                Reason(
                    "quota_slots",
                    {
                        "slots": facts["quota_slots"],
                        "until": until.isoformat() if isinstance(until, date) else "—",
                    },
                ),
            )
        )
    km, origin = float(facts["km"]), facts.get("origin")
    if km < 2:
        found.append((contributions["proximity"], measured("same_place", origin)))
    elif values["proximity"] >= 0.3:
        found.append((contributions["proximity"], measured("near_home", origin, {"km": _km(km)})))
    else:
        found.append((contributions["proximity"], measured("relocation", origin, {"km": _km(km)})))
    if facts.get("employer_housing"):
        found.append((contributions["housing"] + 0.3, Reason("employer_housing")))
    elif (near := facts.get("shelter_near_job")) is not None:
        beds, shelter_km = near
        found.append(
            (
                contributions["housing"] + 0.2,
                Reason("shelter_near_job", {"beds": beds, "km": _km(shelter_km)}),
            )
        )
    record = _record("employer_record", facts, contributions)
    if record is not None and not candidate:
        found.append(record)
    skills = facts.get("matched_skills") or []
    if skills:
        found.append(
            (contributions["skills"], Reason("skills_match", {"skills": ", ".join(skills[:3])}))
        )
    if values["salary"] >= 0.6 and not candidate:
        found.append((contributions["salary"], Reason("good_salary")))
    if candidate and today is not None and release_date is not None:
        if status == "released":
            months = max(0, (today - release_date).days // 30)
            if months <= 12:
                found.append(
                    (
                        contributions["urgency"] + 0.1,
                        Reason("recently_released", {"months": months}),
                    )
                )
        elif status == "in_custody":
            found.append(
                (
                    contributions["urgency"],
                    Reason("release_soon", {"date": release_date.isoformat()}),
                )
            )
    cautions: list[Reason] = []
    if values["education"] == 0.5:
        cautions.append(Reason("education_slightly_below"))
    if values["experience"] < 1.0:
        cautions.append(Reason("experience_below"))
    return _pick(found, cautions)


def course_reasons(facts: Mapping[str, Any], contributions: Mapping[str, float]) -> list[Reason]:
    found: list[tuple[float, Reason]] = []
    if (code := facts.get("leads_to_own")) is not None:
        found.append(
            (
                contributions["relevance"] + 1,
                Reason("course_own_trade", {"occupation": Title(str(code))}),
            )
        )
    elif (gap := facts.get("gap")) is not None:
        code, slots = gap
        found.append(
            (
                contributions["relevance"] + 1,
                Reason("course_gap", {"occupation": Title(code), "slots": slots}),
            )
        )
    elif facts.get("general"):
        found.append((contributions["relevance"], Reason("course_general")))
    if facts.get("in_custody"):
        found.append((contributions["reach"] + 0.5, Reason("course_in_custody")))
    elif facts.get("online"):
        found.append((contributions["reach"], Reason("course_online")))
    elif "km" in facts:
        near = measured("course_near", facts.get("origin"), {"km": _km(facts["km"])})
        found.append((contributions["reach"], near))
    if isinstance(starts := facts.get("starts_on"), date):
        found.append(
            (contributions["timing"], Reason("course_starts", {"date": starts.isoformat()}))
        )
    if facts.get("free"):
        found.append((contributions["cost"], Reason("course_free")))
    record = _record("course_record", facts, contributions)
    if record is not None:
        found.append(record)
    if "seats" in facts:
        found.append((contributions["seats"], Reason("course_seats", {"seats": facts["seats"]})))
    return _pick(found, [])


def shelter_reasons(facts: Mapping[str, Any], contributions: Mapping[str, float]) -> list[Reason]:
    found: list[tuple[float, Reason]] = [
        (
            contributions["proximity"],
            measured("shelter_near_home", facts.get("origin"), {"km": _km(facts["km"])}),
        ),
        (contributions["beds"] + 0.2, Reason("shelter_beds", {"beds": facts["beds"]})),
        (contributions["stay"], Reason("shelter_stay", {"days": facts["stay_days"]})),
    ]
    served = facts.get("served") or []
    if served:
        names = Terms(tuple(f"service_{s}" for s in served))
        found.append((contributions["services"], Reason("shelter_services", {"services": names})))
    return _pick(found, [])


RECORD_MIN_REFERRALS = 3
"""Referrals an item's track record needs before a reason quotes it."""
RECORD_Z = 1.645
"""A record speaks for an item only when even the low end of its rate's 90 % interval
(Wilson's, one-sided 95 %) is above the average item's: 1 kept of 9 is not a reason."""


def _wilson_low(hits: int, n: int, z: float = RECORD_Z) -> float:
    share = hits / n
    centre = share + z * z / (2 * n)
    spread = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def _record(
    code: str, facts: Mapping[str, Any], contributions: Mapping[str, float]
) -> tuple[float, Reason] | None:
    """The item's track record (when a learned ranker reads one), if it speaks for the item:
    long enough, and clearly better than the average item's (``RECORD_Z``); the reason says
    both rates in per cent."""
    referred, kept, average = facts.get("track") or (0, 0, 1.0)
    if referred < RECORD_MIN_REFERRALS or kept == 0 or _wilson_low(kept, referred) <= average:
        return None
    weight = contributions.get("track_success", 0.0) + contributions.get("track_stage", 0.0)
    params = {
        "kept": kept,
        "referred": referred,
        "percent": round(100 * kept / referred),
        "average": round(100 * average),
    }
    return weight + 0.2 * kept / referred, Reason(code, params)


def _pick(found: list[tuple[float, Reason]], cautions: list[Reason]) -> list[Reason]:
    ranked = [reason for _, reason in sorted(found, key=lambda item: -item[0])]
    room = MAX_REASONS - min(len(cautions), 2)
    chosen = ranked[:room] + cautions[:2]
    return chosen[: max(MIN_REASONS, len(chosen))][:MAX_REASONS]
