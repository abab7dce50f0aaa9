"""A checklist draft: the content of the next version of one template, being edited by the beheerders of one
organisation. Publication is for every device of every organisation (as the asset files are); the draft is not."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class ChecklistDraft(Base):
    __tablename__ = "checklist_draft"
    __table_args__ = (UniqueConstraint("organisation_id", "template_id"),)  # one open draft per checklist

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int] = mapped_column(Integer)  # the published version it was made from
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 at every save: nobody overwrites unseen work
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
