"""The tablet's local SQLite tables (SQLAlchemy 2 typed models).

Server-owned data (templates, catalogues, planned controls, flags, rejections) arrives by pull;
inspector-owned data (inspections, answers, persons, photos) is written locally together with an
``outbox`` row in one transaction, so a change never exists without the mutation that syncs it.
Sensitive columns are sealed with the store's key (``inspectie_app.store.crypto``: ``EncryptedJSON``,
``EncryptedText``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from inspectie_app.store.crypto import EncryptedJSON, EncryptedString, EncryptedText

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC (SQLite has no time zones) and returns them aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class SyncMeta(Base):
    """One row: this device's sync identity and progress."""

    __tablename__ = "sync_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    token: Mapped[str | None] = mapped_column(EncryptedText("sync_meta.token"))
    server_url: Mapped[str] = mapped_column(String(500), default="")
    pull_cursor: Mapped[int] = mapped_column(Integer, default=0)
    next_mutation_id: Mapped[int] = mapped_column(Integer, default=1)
    last_acked_mutation_id: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))
    scope_epoch: Mapped[int | None] = mapped_column(Integer, default=None)
    key_check: Mapped[str | None] = mapped_column(EncryptedText("sync_meta.key_check"), default=None)
    # the server revoked this device; set until its unsynced work is handed over and the store wiped
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LocalUserRow(Base):
    """The user who last logged in, so the app opens offline."""

    __tablename__ = "local_user"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    server_url: Mapped[str] = mapped_column(String(500))
    logged_in_at: Mapped[datetime]


class TemplateRow(Base):
    __tablename__ = "template"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    control_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]


class CatalogueRow(Base):
    __tablename__ = "catalogue"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]]


class PlannedControlRow(Base):
    __tablename__ = "planned_control"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scheduled_on: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("planned_control.data"))


class InspectionRow(Base):
    __tablename__ = "inspection"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    control_type: Mapped[str] = mapped_column(String(64))
    address: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("inspection.address"))
    planned_control_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    note: Mapped[str] = mapped_column(EncryptedText("inspection.note"), default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    person_counter: Mapped[int] = mapped_column(Integer, default=0)


class PersonRow(Base):
    __tablename__ = "person"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    ordinal: Mapped[int] = mapped_column(Integer)


class AnswerRow(Base):
    """One answer; ``scope_key`` is the person id or '' for the premises (NULLs are never equal in SQL)."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("inspection_id", "scope_key", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(EncryptedJSON("answer.value"))
    updated_at: Mapped[datetime]


class PhotoRow(Base):
    __tablename__ = "photo"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(EncryptedText("photo.caption"), default="")
    local_path: Mapped[str] = mapped_column(String(1000))
    thumbnail_path: Mapped[str] = mapped_column(String(1000))
    uploaded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)  # the server said it holds the photo
    purged: Mapped[bool] = mapped_column(default=False)  # the full-size file was deleted (thumbnail kept)
    # an upload of this content was begun (the server may hold part of it: ask for the offset first)
    upload_started: Mapped[bool] = mapped_column(default=False)


class ServerFlagRow(Base):
    """The server's stored flag for an inspection (no FK: it may outlive the local copy)."""

    __tablename__ = "server_flag"

    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    flag: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("server_flag.flag"))
    photos_expected: Mapped[int] = mapped_column(Integer, default=0)
    photos_present: Mapped[int] = mapped_column(Integer, default=0)


class LevelCacheRow(Base):
    """The tablet's own level of a control, with the fingerprint of what it was computed from (the home list)."""

    __tablename__ = "level_cache"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    level: Mapped[int | None] = mapped_column(Integer)


class RejectionRow(Base):
    __tablename__ = "rejection"

    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(EncryptedText("rejection.message"))
    received_at: Mapped[datetime]
    # the item it concerns (store revision 20261205_1000): from the outbox row when the push reply brings it, else
    # the pulled change's name and control; ``store.rejections`` reads them
    mutation_name: Mapped[str | None] = mapped_column(String(64), default=None)
    inspection_id: Mapped[str | None] = mapped_column(String(36), default=None)
    question_id: Mapped[str | None] = mapped_column(String(64), default=None)
    person_id: Mapped[str | None] = mapped_column(String(64), default=None)
    identifier_id: Mapped[str | None] = mapped_column(String(36), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)  # fixed or dismissed by the inspector


class ConflictRow(Base):
    """A finding both this tablet and the team lead changed (pulled entity ``conflict``)."""

    __tablename__ = "conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(12))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("conflict.data"))


class OutboxRow(Base):
    """A mutation waiting for the server's ack; ids are gap-free per client id.

    Acknowledged rows are deleted at once by default; with ``outbox_history_days`` they stay as history
    (``acked_at`` set) for a while: if the server is restored from a backup and reports a lower
    ``last_mutation_id``, they are sent again.
    """

    __tablename__ = "outbox"

    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    args: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("outbox.args"))
    schema_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    acked_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class CommentRow(Base):
    __tablename__ = "review_comment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(EncryptedText("review_comment.body"))
    created_at: Mapped[datetime]


class IdentifierRow(Base):
    __tablename__ = "control_identifier"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(EncryptedString("control_identifier.value", 500))
    created_at: Mapped[datetime]
    question_id: Mapped[str | None] = mapped_column(String(64), default=None)  # the identifier question, if any
    mutation_id: Mapped[int | None] = mapped_column(Integer, default=None)  # its identifier.add in the outbox
