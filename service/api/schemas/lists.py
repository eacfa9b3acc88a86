"""Shortlists and candidates; an employer's candidates are anonymised by shape."""

from __future__ import annotations

from datetime import date

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from service.api.schemas.occupations import CodeOut


class ReasonOut(BaseModel):
    code: str = Field(
        description="The reason, as a stable code for programs (`skills_match`, "
        "`shelter_near_job`, ...)."
    )
    text: str = Field(description="The reason in words, in the request's language.")


class ItemOut(BaseModel):
    """A list item: the engine's ``id``, ``kind``, ``score`` and ``reasons`` (CONTRACT.md),
    then what an officer acts on. The facts are given for a person's vacancies, courses and
    centres (words in the request's language, amounts in tenge, days ISO); a vacancy's
    candidates (``kind`` ``person``) carry none of them."""

    id: str = Field(
        description="The item's id; for the same job under several ids, the best-ranked."
    )
    kind: str = Field(description="vacancy, course, shelter (or person in a vacancy's candidates)")
    score: float = Field(ge=0, le=1, description="The ranking score, best first.")
    reasons: list[ReasonOut]
    title: str | None = Field(
        default=None, description="The job's title, the course's title or the centre's name."
    )
    by: str | None = Field(
        default=None,
        description="Who offers it: the employer, the course's provider, the centre's operator.",
    )
    place: str | None = Field(
        default=None,
        description="The settlement in the request's language (with its district when it is not a town); null for an online course.",
    )
    address: str | None = Field(
        default=None, description="The street address, where known (centres)."
    )
    salary_kzt: int | None = Field(
        default=None, ge=0, description="A vacancy's monthly salary in tenge; null when not given."
    )
    cost_kzt: int | None = Field(
        default=None, ge=0, description="A course's cost in tenge; 0 is free of charge."
    )
    schedule: str | None = Field(
        default=None,
        description="In words: a vacancy's employment type, a course's format and hours, a centre's longest stay.",
    )
    starts_on: date | None = Field(default=None, description="A course's first day.")
    window_from: date | None = Field(
        default=None,
        description="A quota vacancy's offer window: the first day the employer offers its quota places.",
    )
    window_to: date | None = Field(
        default=None,
        description="A quota vacancy's offer window: the last day (6 months from its start).",
    )
    free_places: int | None = Field(
        default=None,
        ge=0,
        description="Places free now, after those referrals hold (summed over also_ids); null: no limit (an ordinary vacancy until someone is hired, a course without a seat limit).",
    )
    slots: int | None = Field(
        default=None,
        ge=0,
        description="How many places the item stands for: its free places, an ordinary vacancy counting one per id (id and also_ids).",
    )
    contact: str | None = Field(
        default=None,
        description="Whom to contact: the employer's or the centre's phone, an online course's web address.",
    )
    also_ids: list[str] = Field(
        default_factory=list,
        description="The same job at the same employer (title, settlement, salary, quota, schedule) under other vacancy ids, shown once under id.",
    )
    chance_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="The score as the expected chance of success in per cent (a job kept 3 months, a course completed, a stay begun) when the learned model serves; null under the baseline, whose score is a fit, not a chance.",
    )


class NoticeOut(BaseModel):
    """What a list says about itself. ``profession_not_recognised``: none of the person's
    written professions was recognised and no occupation was confirmed, so the list holds
    only jobs that need no trade; ``suggestions`` are the closest occupations to confirm
    (``PUT /persons/{id}/occupation``)."""

    code: str
    text: str
    suggestions: list[CodeOut] = Field(default_factory=list, max_length=3)


class ItemList(BaseModel):
    """A shortlist, best first (CONTRACT.md); ``notices`` say what the list cannot do (empty
    for most lists)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": "V003386",
                            "kind": "vacancy",
                            "score": 0.8498,
                            "reasons": [
                                {
                                    "code": "occupation_match",
                                    "text": "Совпадение профессии: электрогазосварщик ≈ Сварщик (100%)",
                                },
                                {
                                    "code": "quota_slots",
                                    "text": "Квотная вакансия: свободных мест 2, срок до 28.04.2027",
                                },
                                {"code": "same_place", "text": "В том же населённом пункте"},
                            ],
                            "title": "Электрогазосварщик 5 разряда",
                            "by": "ТОО «Каспий Строй»",
                            "place": "Актау",
                            "address": None,
                            "salary_kzt": 360000,
                            "cost_kzt": None,
                            "schedule": "вахтовый метод",
                            "starts_on": None,
                            "window_from": "2026-10-28",
                            "window_to": "2027-04-28",
                            "free_places": 4,
                            "slots": 4,
                            "contact": "+7 7292 50 12 34",
                            "also_ids": ["V004120"],
                            "chance_percent": None,
                        }
                    ]
                }
            ]
        }
    )

    items: list[ItemOut]
    notices: list[NoticeOut] = Field(default_factory=list)


class AnonymousCandidate(BaseModel):
    """A candidate as an employer sees them: no name, IIN, offence, institution, civil claim,
    health or needs — the model has no field for any of them."""

    model_config = ConfigDict(extra="forbid")

    pseudonym: str
    age_band: str | None
    district: str
    education: str | None
    professions: list[str]
    skills: list[str]
    available_from: date | None
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonOut]


class EmployerCandidates(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vacancy_id": "V000170",
                    "items": [
                        {
                            "pseudonym": "C-3F9A1B20",
                            "age_band": "25–34",
                            "district": "Актау",
                            "education": "vocational",
                            "professions": ["электрогазосварщик"],
                            "skills": ["ручная дуговая сварка"],
                            "available_from": "2027-02-20",
                            "score": 0.9124,
                            "reasons": [
                                {
                                    "code": "occupation_match",
                                    "text": "Совпадение профессии: электрогазосварщик ≈ Сварщик (100%)",
                                },
                                {"code": "same_place", "text": "В том же населённом пункте"},
                            ],
                        }
                    ],
                }
            ]
        },
    )

    vacancy_id: str
    items: list[AnonymousCandidate]
