"""Establishments, their recorded violations, and the versions of the handhavingsmatrix."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class Establishment(Base):
    __tablename__ = "establishment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    address: Mapped[dict[str, Any]] = mapped_column(JSON)
    address_key: Mapped[str] = mapped_column(String(120), index=True)
    licence_status: Mapped[str] = mapped_column(String(20), default="geen")
    licence_number: Mapped[str] = mapped_column(String(60), default="")
    licence_date: Mapped[date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Violation(Base):
    """One established violation at an establishment (the input of the handhavingsmatrix)."""

    __tablename__ = "establishment_violation"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    establishment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("establishment.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"), default=None)
    step_taken: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnforcementMatrixVersion(Base):
    """A version of an organisation's handhavingsmatrix; its highest is in force. Versions are never changed."""

    __tablename__ = "enforcement_matrix"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
