"""The tablet's side of the team lead's review: comments on the inspector's controls (pull entity
``comment``, append-only, stored by ``store.pulled``) and identifiers the inspector records on a control (mutation
``identifier.add.v2``, with the identifier question that asked for it when there is one; the server keeps only
their keyed hash, the tablet keeps the value with the control until the control itself is purged). Rows queued
as ``identifier.add.v1`` by an older app version stay as they are: the server still accepts that name."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import select

from inspectie_app.contract import LocalIdentifier
from inspectie_app.store.models import CommentRow, IdentifierRow, InspectionRow, utcnow
from inspectie_app.store.repository import SqliteStore, _enqueue
from schemas.identifiers import IdentifierKind
from schemas.review import CommentRead


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
