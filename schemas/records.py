"""Inspection records as they travel between tablet and server."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from schemas.inputs import InputModel
from schemas.templates import AnswerValue


class InspectionStatus(StrEnum):
    DRAFT = "draft"
    FINISHED = "finished"


class Address(InputModel):
    """A Dutch address; all parts optional in the skeleton except street or description."""

    model_config = ConfigDict(extra="forbid")

    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(default="", max_length=20)
    postcode: str = Field(default="", max_length=7)
    city: str = Field(default="Arnhem", max_length=100)
    neighbourhood: str = Field(default="", max_length=100)
    # toevoeging (issue 6). Tablets built before it forbid unknown keys, so the server folds it into
    # house_number before syncing an address to a tablet (sync_server.planning.service.tablet_data).
    addition: str = Field(default="", max_length=10)

    def one_line(self) -> str:
        number = f"{self.house_number}-{self.addition}" if self.addition else self.house_number
        parts = [f"{self.street} {number}".strip(), f"{self.postcode} {self.city}".strip()]
        return ", ".join(p for p in parts if p)


class PersonRecord(BaseModel):
    """An anonymous person met during a control: a label such as 'Persoon 1', never a name."""

    id: str
    label: str = Field(min_length=1, max_length=40)
    answers: dict[str, AnswerValue] = Field(default_factory=dict)


class PhotoRef(BaseModel):
    id: UUID
    inspection_id: UUID
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    caption: str = Field(default="", max_length=500)


class PlannedControlRead(BaseModel):
    id: UUID
    control_type: str
    template_id: str
    scheduled_on: date
    address: Address
    inspector_ids: list[UUID]
    partners: list[str] = Field(default_factory=list)
    briefing: str = ""
    # Added by the planner (issue 6); optional so older payloads still parse.
    start_time: time | None = None
    duration_minutes: int = 120
    establishment_id: UUID | None = None
    establishment_name: str = ""
    inspector_names: list[str] = Field(default_factory=list)
    status: str = "planned"


class InspectionSummary(BaseModel):
    id: UUID
    control_type: str
    address: Address
    status: InspectionStatus
    started_at: datetime
    finished_at: datetime | None
    inspector: str
    level: int | None
    photos_expected: int
    photos_present: int


class PhotoRead(BaseModel):
    id: UUID
    sha256: str
    size: int
    caption: str
    present: bool


class InspectionDetail(BaseModel):
    """What the team lead's screen shows of one control (``GET /api/v1/review/inspections/{id}``).

    ``template`` and ``flag`` are the JSON forms of ``schemas.templates.Template`` and
    ``schemas.engine.FlagResult`` (kept as dicts here so this module does not import the engine).
    """

    summary: InspectionSummary
    note: str
    answers: dict[str, AnswerValue]
    persons: list[PersonRecord]
    photos: list[PhotoRead]
    template: dict[str, object]
    flag: dict[str, object] | None


class UserRead(BaseModel):
    id: UUID
    username: str
    display_name: str
    role: str


class LoginRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    device_name: str = Field(default="browser", min_length=1, max_length=100)
    # The tablet's sync client id, when it logs in again as the same user: it keeps its device (and its binding).
    client_id: UUID | None = None


class LoginResponse(BaseModel):
    token: str
    device_id: UUID
    user: UserRead
    # After a beheerder's password reset: only ``POST /auth/password`` (and logout) answer until a new one is set.
    must_change_password: bool = False
