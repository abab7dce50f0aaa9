"""The argument shapes of the v1 mutations (validated server-side; client data is untrusted)."""

from __future__ import annotations

from uuid import UUID

from pydantic import ConfigDict, Field

from schemas.inputs import InputModel, Timestamp
from schemas.records import Address
from schemas.templates import AnswerValue


class _Args(InputModel):
    model_config = ConfigDict(extra="forbid")


class InspectionCreateArgs(_Args):
    template_id: str = Field(min_length=1, max_length=64)
    template_version: int = Field(ge=1)
    control_type: str = Field(min_length=1, max_length=40)
    address: Address
    planned_control_id: UUID | None = None
    started_at: Timestamp


class InspectionUpdateArgs(_Args):
    note: str = Field(max_length=20000)


class InspectionFinishArgs(_Args):
    finished_at: Timestamp


class AnswerSetArgs(_Args):
    person_id: str | None = Field(default=None, min_length=1, max_length=64)
    question_id: str = Field(min_length=1, max_length=64)
    value: AnswerValue


class PersonCreateArgs(_Args):
    person_id: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=40)


class PersonDeleteArgs(_Args):
    person_id: str = Field(min_length=1, max_length=64)


class PhotoAttachArgs(_Args):
    photo_id: UUID
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    caption: str = Field(default="", max_length=500)
