"""An organisation's own settings (the beheerder's "Instellingen"): retention periods shorter than the server's, and
the verification deadline. No row: everything follows the server's environment settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class OrganisationSettings(Base):
    __tablename__ = "organisation_settings"

    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("organisation.id"), primary_key=True)
    # days; None: the server's period (INSPECTIE_RETENTION_*_DAYS) applies
    retention_controls_without_signals_days: Mapped[int | None] = mapped_column(Integer, default=None)
    retention_unfounded_signals_days: Mapped[int | None] = mapped_column(Integer, default=None)
    retention_referred_days: Mapped[int | None] = mapped_column(Integer, default=None)
    retention_photos_days: Mapped[int | None] = mapped_column(Integer, default=None)
    retention_audit_days: Mapped[int | None] = mapped_column(Integer, default=None)
    # days; None: INSPECTIE_VERIFY_WITHIN_DAYS applies
    verify_within_days: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))
