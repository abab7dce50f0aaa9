"""Photos that have fully arrived, content-addressed by sha256: one file per organisation (``Blob``), held by each
user who uploaded all of its bytes (``BlobHolder``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class Blob(Base):
    __tablename__ = "blob"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), default=None)


class BlobArrival(Base):
    """A photo that arrived while another writer held the sync lock: its announcement ("all photos of a finished
    control present") is still owed. Written in the blob's own transaction, so it survives a crash; removed by
    whoever announces it (``blobs.service.announce_arrivals``)."""

    __tablename__ = "blob_arrival"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    arrived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BlobHolder(Base):
    """A user who uploaded every byte of a photo (the hash checked): the proof that they have it. Dedupe is per
    uploader: a control's photo is present, and readable through that control, only when the control's inspector
    holds it, so knowing a hash (from a screen, a log, a colleague's control) gives nobody the photo. The file
    itself is stored once per organisation (``Blob``). ``received_at`` and ``size`` count the inspector's photos
    that no control of theirs references yet (``blobs.quota``)."""

    __tablename__ = "blob_holder"
    __table_args__ = (Index("ix_blob_holder_user_received", "user_id", "received_at"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
