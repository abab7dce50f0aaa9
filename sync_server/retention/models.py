"""What a purge did: one row per organisation per run (``inspectie-server purge`` or the daily run of ``serve``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class PurgeRun(Base):
    __tablename__ = "purge_run"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trigger: Mapped[str] = mapped_column(String(20))  # "cli" | "daily"
    periods: Mapped[dict[str, Any]] = mapped_column(JSON)  # the retention settings in force, in days (None: kept)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)  # what was deleted, per kind
