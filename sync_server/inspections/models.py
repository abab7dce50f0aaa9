"""Inspections as the server stores them: the record, its answers, anonymous persons and photo references."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from schemas.addresses import address_key
from schemas.records import Address
from sync_server.db import Base


class Inspection(Base):
    __tablename__ = "inspection"
    # the review queue in its order, per organisation and per team (migration 2026_12_04_1000, ``review.service``)
    __table_args__ = (Index("ix_inspection_queue_org", "organisation_id", "level", "started_at", "id"),
                      Index("ix_inspection_queue_team", "team_id", "level", "started_at", "id"),
                      # aard en omvang, the year plan (migration 2026_12_04_1100)
                      Index("ix_inspection_org_status_started", "organisation_id", "status", "started_at"),
                      # aard en omvang counts from this index alone (migration 2026_12_05_1500, ``reporting.service``)
                      Index("ix_inspection_overview", "organisation_id", "status", "started_at", "control_type",
                            "level", "neighbourhood", "team_id"),
                      # the controls at an establishment's address (``establishments.service``), migration 1500
                      Index("ix_inspection_address_key", "organisation_id", "address_key", "status"),
                      # a planned control's progress: the inspections that carry its id
                      Index("ix_inspection_planned_control", "planned_control_id", "organisation_id", "status"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    control_type: Mapped[str] = mapped_column(String(40))
    address: Mapped[dict[str, Any]] = mapped_column(JSON)
    # the address's neighbourhood as a column (set with the address), so the office counts by it from an index
    neighbourhood: Mapped[str | None] = mapped_column(String(100), default=None)
    # ``schemas.addresses.address_key`` of the address (set with it): the establishments find their controls by it
    address_key: Mapped[str | None] = mapped_column(String(400), default=None)
    inspector_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    # the inspector's organisation and team when the control was created (tenancy: who may see it)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    planned_control_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("planned_control.id"), default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    catalogue_key: Mapped[str | None] = mapped_column(String(80), default=None)
    level: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    flag: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # seq of the team lead's last correction of the note (None: only the inspector wrote it)
    note_office_seq: Mapped[int | None] = mapped_column(BigInteger, default=None)

    @validates("address")
    def _keep_address_columns(self, _key: str, address: dict[str, Any]) -> dict[str, Any]:
        """Whoever sets the address sets the neighbourhood and address key columns with it."""
        self.neighbourhood = neighbourhood_of(address)
        self.address_key = address_key_of(address)
        return address


def neighbourhood_of(address: dict[str, Any] | None) -> str | None:
    """The neighbourhood of a stored address, as the ``neighbourhood`` column keeps it (empty: None)."""
    value = (address or {}).get("neighbourhood")
    return str(value)[:100] if value else None


def address_key_of(address: dict[str, Any] | None) -> str | None:
    """The ``address_key`` of a stored address (None for one that is no address: nothing to group it with)."""
    try:
        return address_key(Address.model_validate(address or {}))[:400]
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None


class Answer(Base):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("inspection_id", "person_id", "question_id"),
                      # one question across controls (the uitzendbureaus' landlord answer), migration 2026_12_04_1100
                      Index("ix_answer_question", "question_id", "person_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    # "" for premises answers: NULL would defeat the unique constraint on every database.
    person_id: Mapped[str] = mapped_column(String(64), default="")
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # seq of the team lead's last correction of this answer (None: only the inspector wrote it)
    office_seq: Mapped[int | None] = mapped_column(BigInteger, default=None)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("inspection_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # never read; it tells the unit of work to insert the inspection first, so a push need not flush per control
    inspection: Mapped[Inspection] = relationship(lazy="raise")


class Photo(Base):
    __tablename__ = "photo"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    caption: Mapped[str] = mapped_column(String(500), default="")
    inspection: Mapped[Inspection] = relationship(lazy="raise")  # never read; orders the inserts (see Person)


class FindingConflict(Base):
    """A finding field changed both on the tablet and by the team lead since the tablet's base version.

    ``winner`` says whose value the inspection kept; the losing value is kept here, so nothing is lost.
    The inspector sees it through pull (entity ``conflict``), the team lead through the review API.
    """

    __tablename__ = "finding_conflict"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # "answer" | "note"
    person_id: Mapped[str] = mapped_column(String(64), default="")
    question_id: Mapped[str] = mapped_column(String(64), default="")
    base_version: Mapped[int] = mapped_column(BigInteger)
    device_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    office_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    office_seq: Mapped[int] = mapped_column(BigInteger)
    winner: Mapped[str] = mapped_column(String(10))  # "office" | "device"
    client_id: Mapped[str] = mapped_column(String(64))
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="open")  # "open" | "resolved"
    resolution: Mapped[str | None] = mapped_column(String(12), default=None)  # "office" | "device"
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
