"""Planned controls (the planner's schedule) and which inspectors they are assigned to."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base
from sync_server.inspections.models import Inspection


class PlannedControl(Base):
    __tablename__ = "planned_control"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    control_type: Mapped[str] = mapped_column(String(40))
    template_id: Mapped[str] = mapped_column(String(64))
    scheduled_on: Mapped[date] = mapped_column(Date)
    address: Mapped[dict[str, Any]] = mapped_column(JSON)
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    briefing: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # issue 6: local (Europe/Amsterdam) start time, duration, the establishment it is for
    start_time: Mapped[time | None] = mapped_column(Time, default=None)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    establishment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("establishment.id"), default=None,
                                                               index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class PlannedControlInspector(Base):
    __tablename__ = "planned_control_inspector"

    planned_control_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("planned_control.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)


class PlanYear(Base):
    """The targets of one year of one organisation (a row exists once someone has saved them; defaults
    otherwise)."""

    __tablename__ = "plan_year"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# The year plan's pandenacties finished in a year without a plan (``yearplan``): a range of ``finished_at`` after four
# equalities, counted from the index alone (migration 2026_12_06_1100). Declared with the planning models that read it.
Index("ix_inspection_unplanned", Inspection.organisation_id, Inspection.status, Inspection.control_type,
      Inspection.planned_control_id, Inspection.finished_at)
