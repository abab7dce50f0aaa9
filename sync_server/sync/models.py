"""Sync bookkeeping: registered clients, the change sequence, the change log and the quarantine."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class SyncClient(Base):
    """One installation of the app; ``last_mutation_id`` is the highest mutation id applied for it."""

    __tablename__ = "sync_client"

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), default=None)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    schema_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The scopes this client was last served (e.g. "role:inspecteur"); when they change, the epoch goes up
    # and the next pull starts over with ``reset``.
    scope_key: Mapped[str] = mapped_column(Text, default="", server_default="")
    scope_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The highest cursor this server has handed to the client: a client cursor above it means the server
    # lost history (restored from a backup) and the client must start over.
    served_cursor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SyncCounter(Base):
    """A single row whose lock serialises every sync-visible write, so commit order = seq order."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeLog(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_scope_seq", "scope", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Quarantine(Base):
    """A push kept raw for a person to look at and replay: from a client outside the supported schema window
    (``reason`` "schema"), or the last work a revoked device handed over before wiping itself ("device_revoked",
    ``device_id`` set; ``inspectie-server quarantine``)."""

    __tablename__ = "quarantine"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    schema_version: Mapped[int | None] = mapped_column(Integer, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    reason: Mapped[str] = mapped_column(String(20), default="schema", server_default="schema")
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), default=None, index=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # bytes of the payload (quota)
