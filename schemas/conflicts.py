"""Finding corrections by the team lead and the conflicts they can cause (DESIGN §3, docs/SYNC.md).

Findings (answers, the note, persons, photos) belong to the inspector; the team lead may correct an
answer or the note from the office. When the tablet changed the same field without having seen that
correction (its ``base_version`` is below the correction's server seq), the correction wins and a
``ConflictRead`` keeps the tablet's value for both people to see and the team lead to resolve.

Kind ``person``: the tablet deleted a person whose answers the team lead had corrected without the tablet
having seen it. The inspector owns whether a person exists, so the delete stands (``winner`` "device",
``device_value`` None) and ``office_value`` is a ``DroppedPerson``: the person's label and each corrected
answer the delete dropped, with its office seq, so nothing is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.inputs import InputModel

ConflictField = Literal["answer", "note", "person"]
Side = Literal["office", "device"]


class FindingCorrection(InputModel):
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


class DroppedAnswer(BaseModel):
    """One office correction of a person's answer that the tablet's delete of that person dropped."""

    value: Any = None
    office_seq: int


class DroppedPerson(BaseModel):
    """``office_value`` of a ``person`` conflict: the deleted person's label and the office corrections the
    tablet had not seen (question id -> value and office seq)."""

    label: str = ""
    answers: dict[str, DroppedAnswer] = Field(default_factory=dict)


class ConflictRead(BaseModel):
    """A field both sides changed; ``winner_value`` is what the inspection holds now (None for a deleted
    person)."""

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

    def dropped_person(self) -> DroppedPerson | None:
        """The office's corrections kept by a ``person`` conflict; None for other kinds or a malformed value."""
        return dropped_person(self.field, self.office_value)


def dropped_person(field: str, office_value: Any) -> DroppedPerson | None:
    """``office_value`` of a ``person`` conflict as a ``DroppedPerson`` (None for other kinds or bad data)."""
    if field != "person":
        return None
    try:
        return DroppedPerson.model_validate(office_value)
    except ValidationError:
        return None


class ConflictResolve(InputModel):
    """The team lead's choice: keep the office value, or take the tablet's value. For a ``person`` conflict
    only "device" (accept the tablet's delete) is possible: a deleted person is not restored."""

    model_config = ConfigDict(extra="forbid")

    keep: Side
