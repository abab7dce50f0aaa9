"""Identifiers recorded on controls, kept as keyed hashes (see ``links.service`` for the decision)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class Identifier(Base):
    __tablename__ = "control_identifier"
    # lookups by value, and the clusters' grouping by value with the controls (migration 2026_12_04_1000)
    __table_args__ = (Index("ix_control_identifier_org_kind_digest_inspection", "organisation_id", "kind", "digest",
                            "inspection_id"),
                      # a cluster's rows (``links.clusters``), migration 2026_12_06_1000
                      Index("ix_control_identifier_cluster", "cluster_id", "inspection_id"))

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
    # the cluster of the control (every row of one control has the same), kept by ``links.clusters``
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)


class Cluster(Base):
    """A connected group of an organisation's controls (kept by ``links.clusters``): controls sharing an identifier
    value are in one cluster, and so, transitively, are the controls those share values with. A control whose
    values nobody shares is a cluster of one (not shown)."""

    __tablename__ = "identifier_cluster"
    # Koppelingen's order: largest first, then by its smallest control id (migration 2026_12_06_1000)
    __table_args__ = (Index("ix_identifier_cluster_order", "organisation_id", "controls", "anchor"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    controls: Mapped[int] = mapped_column(Integer)  # how many controls
    anchor: Mapped[uuid.UUID] = mapped_column(Uuid)  # the smallest control id: the cluster's name and tie-break


class ClusterLock(Base):
    """One row per organisation whose row lock orders the writers of its clusters (``links.clusters``)."""

    __tablename__ = "identifier_cluster_lock"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
