"""Identifiers recorded on controls, kept as keyed hashes (see ``links.service`` for the decision)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class Identifier(Base):
    __tablename__ = "control_identifier"
    # lookups by value, and the clusters' grouping by value with the controls (migration 2026_12_04_1000)
    __table_args__ = (Index("ix_control_identifier_org_kind_digest_inspection", "organisation_id", "kind", "digest",
                            "inspection_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # links match only within one organisation
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))
    hint: Mapped[str] = mapped_column(String(40))
    # Only for a KvK number (a public company register number, not personal data), which the
    # ketenregisseur's uitzendbureau overview must show; None for every other kind.
    public_value: Mapped[str | None] = mapped_column(String(20), default=None)
    # the checklist question that asked for it (``identifier.add.v2``); None from the Kenmerken panel or an old app
    question_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
