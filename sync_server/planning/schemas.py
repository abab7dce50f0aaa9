"""Planning request bodies; the read model is ``schemas.records.PlannedControlRead``."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from schemas.records import Address


class PlannedControlCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    control_type: str = Field(min_length=1, max_length=40)
    template_id: str = Field(min_length=1, max_length=64)
    scheduled_on: date
    address: Address
    inspector_ids: list[UUID] = Field(min_length=1, max_length=20)
    partners: list[str] = Field(default_factory=list, max_length=20)
    briefing: str = Field(default="", max_length=4000)
