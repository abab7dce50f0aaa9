"""Finding corrections by the team lead and the conflicts they can cause (DESIGN §3, docs/SYNC.md).

Findings (answers, the note, persons, photos) belong to the inspector; the team lead may correct an
answer or the note from the office. When the tablet changed the same field without having seen that
correction (its ``base_version`` is below the correction's server seq), the correction wins and a
``ConflictRead`` keeps the tablet's value for both people to see and the team lead to resolve.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

ConflictField = Literal["answer", "note"]
Side = Literal["office", "device"]


class FindingCorrection(BaseModel):
    """One office correction: an answer (``question_id``, optional ``person_id``, ``value``) or the ``note``."""

    model_config = ConfigDict(extra="forbid")

    question_id: str | None = Field(default=None, min_length=1, max_length=64)
    person_id: str | None = Field(default=None, min_length=1, max_length=64)
    value: Any = None
    note: str | None = Field(default=None, max_length=20000)

    @model_validator(mode="after")
    def _one_field(self) -> FindingCorrection:
        if (self.question_id is None) == (self.note is None):
            raise ValueError("give either question_id (with value) or note")
        if self.person_id is not None and self.question_id is None:
            raise ValueError("person_id needs question_id")
        return self


class ConflictRead(BaseModel):
    """A field both sides changed; ``winner_value`` is what the inspection holds now."""

    id: UUID
    inspection_id: UUID
    field: ConflictField
    person_id: str | None = None
    question_id: str | None = None
    device_value: Any = None
    office_value: Any = None
    winner: Side
    winner_value: Any = None
    base_version: int
    office_seq: int
    status: Literal["open", "resolved"]
    resolution: Side | None = None
    created_at: datetime
    resolved_at: datetime | None = None


class ConflictResolve(BaseModel):
    """The team lead's choice: keep the office value, or take the tablet's value."""

    model_config = ConfigDict(extra="forbid")

    keep: Side
