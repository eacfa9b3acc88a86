"""The audit trail and tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
)

from service.api.schemas.common import (
    LINE,
    REGION_KATO,
    WHOLE,
    Moment,
)


class AuditOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 41,
                    "at": "2026-11-25T09:12:03+00:00",
                    "token_id": 3,
                    "role": "officer",
                    "method": "GET",
                    "route": "/api/v1/persons/P00001",
                    "person_id": "P00001",
                    "action": "read",
                }
            ]
        }
    )

    id: int
    at: Moment
    token_id: int | None
    role: str
    method: str
    route: str
    person_id: str
    action: str


class _TokenBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    label: str | None = Field(default=None, max_length=200, pattern=LINE)
    email: str | None = Field(
        default=None,
        max_length=254,
        pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$",
        description="Where the holder's notifications go (none: read them in the application).",
    )
    lang: Literal["kk", "ru", "en"] = Field(
        default="ru", description="The notifications' language."
    )
    days: Annotated[int, Field(ge=1, le=3650), WHOLE] | None = Field(
        default=None, description="Days until it expires (default: MATCHER_TOKEN_DAYS, 90)."
    )


class StaffTokenIn(_TokenBase):
    """An officer's or an inspector's token, limited to one region when ``region_kato`` says so."""

    role: Literal["officer", "inspector"]
    region_kato: str | None = Field(
        default=None, pattern=REGION_KATO, description="KATO code of a region"
    )


class EmployerTokenIn(_TokenBase):
    """An employer's token: it sees candidates for the vacancies of this BIN only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role": "employer",
                    "employer_bin": "150340000307",
                    "label": "ТОО «KazСтрой», отдел кадров",
                }
            ]
        }
    )

    role: Literal["employer"]
    employer_bin: str = Field(pattern=r"^\d{12}$")


class AdminTokenIn(_TokenBase):
    role: Literal["admin"]


TokenIn = Annotated[
    StaffTokenIn | EmployerTokenIn | AdminTokenIn,
    Discriminator("role"),
]
"""A token request: what a token may carry depends on its role."""


class TokenOut(BaseModel):
    id: int
    role: str
    employer_bin: str | None
    region_kato: str | None
    label: str | None
    email: str | None = None
    lang: str = "ru"
    created_at: Moment
    revoked_at: Moment | None
    expires_at: Moment | None = None
    last_used_at: Moment | None = None


class TokenCreated(TokenOut):
    token: str
    """Shown once: only its hash is stored."""
