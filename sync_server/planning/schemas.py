"""Planning request bodies; the read model is ``schemas.records.PlannedControlRead``, the year plan's and the
edit's models are in ``schemas.planning``."""

from __future__ import annotations

from datetime import time
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from schemas.dates import Day
from schemas.inputs import InputModel
from schemas.records import Address


class PlannedControlCreate(InputModel):
    """A control to schedule: at an address or at a registered establishment (its address is then used).

    ``template_id`` may be left empty: the newest published checklist of ``control_type`` is taken."""

    model_config = ConfigDict(extra="forbid")

    control_type: str = Field(min_length=1, max_length=40)
    template_id: str = Field(default="", max_length=64)
    scheduled_on: Day
    start_time: time | None = None
    duration_minutes: int = Field(default=120, ge=15, le=24 * 60)
    address: Address | None = None
    establishment_id: UUID | None = None
    inspector_ids: list[UUID] = Field(min_length=1, max_length=20)
    partners: list[str] = Field(default_factory=list, max_length=20)
    briefing: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _where(self) -> PlannedControlCreate:
        if self.address is None and self.establishment_id is None:
            raise ValueError("address: give an address or an establishment")
        return self
