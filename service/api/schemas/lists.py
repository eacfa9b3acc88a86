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
    code: str
    text: str


class ItemOut(BaseModel):
    id: str
    kind: str
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonOut]


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
                                    "text": "Квотная вакансия: свободных мест 2, срок до 2027-04-28",
                                },
                                {"code": "same_place", "text": "В том же населённом пункте"},
                            ],
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
