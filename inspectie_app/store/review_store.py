"""The tablet's side of the team lead's review: comments on the inspector's controls (pull entity
``comment``, append-only) and identifiers the inspector records on a control (mutation
``identifier.add.v2``, with the identifier question that asked for it when there is one; the server keeps only
their keyed hash, the tablet keeps the value with the control until the control itself is purged). Rows queued
as ``identifier.add.v1`` by an older app version stay as they are: the server still accepts that name."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from inspectie_app.contract import LocalIdentifier
from inspectie_app.store.crypto import EncryptedString, EncryptedText
from inspectie_app.store.models import Base, InspectionRow, utcnow
from schemas.identifiers import IdentifierKind
from schemas.review import CommentRead
from schemas.sync import Change

if TYPE_CHECKING:
    from inspectie_app.store.repository import SqliteStore


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


def apply_comment(s: Session, change: Change) -> None:
    """Store a comment on one of this tablet's controls (others' controls: ignored)."""
    if change.op != "put" or change.data is None:
        return
    try:
        c = CommentRead.model_validate(change.data)
    except ValidationError:
        return  # a comment this app version cannot read must never block the pull
    if s.get(InspectionRow, str(c.inspection_id)) is None or s.get(CommentRow, str(c.id)) is not None:
        return
    s.add(CommentRow(id=str(c.id), inspection_id=str(c.inspection_id), author_name=c.author_name,
                     author_role=c.author_role, body=c.body, created_at=c.created_at))


def comments(store: SqliteStore, inspection_id: UUID) -> list[CommentRead]:
    """The team lead's comments on a control, oldest first."""
    with store._tx() as s:
        rows = s.scalars(select(CommentRow).where(CommentRow.inspection_id == str(inspection_id))
                         .order_by(CommentRow.created_at, CommentRow.id))
        return [CommentRead(id=UUID(r.id), inspection_id=UUID(r.inspection_id), author_name=r.author_name,
                            author_role=r.author_role, body=r.body, created_at=r.created_at) for r in rows]


def add_identifier(store: SqliteStore, inspection_id: UUID, kind: IdentifierKind, value: str,
                   question_id: str | None = None) -> LocalIdentifier:
    """Record an identifier on a control and queue ``identifier.add.v2`` in the same transaction."""
    from inspectie_app.store.repository import _enqueue

    ident = LocalIdentifier(uuid.uuid4(), kind, value.strip(), question_id)
    with store._tx() as s:
        if s.get(InspectionRow, str(inspection_id)) is None:
            raise KeyError(str(inspection_id))
        s.add(IdentifierRow(id=str(ident.id), inspection_id=str(inspection_id), kind=kind.value, value=ident.value,
                            question_id=question_id, created_at=utcnow()))
        _enqueue(s, "identifier.add.v2", inspection_id, {"identifier_id": str(ident.id), "kind": kind.value,
                                                          "value": ident.value, "question_id": question_id})
    return ident


def identifiers(store: SqliteStore, inspection_id: UUID) -> list[LocalIdentifier]:
    """The identifiers recorded on a control, oldest first."""
    with store._tx() as s:
        rows = s.scalars(select(IdentifierRow).where(IdentifierRow.inspection_id == str(inspection_id))
                         .order_by(IdentifierRow.created_at, IdentifierRow.id))
        return [LocalIdentifier(UUID(r.id), IdentifierKind(r.kind), r.value, r.question_id) for r in rows]
