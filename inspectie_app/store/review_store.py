"""The tablet's side of the team lead's review: comments on the inspector's controls (pull entity
``comment``, append-only, stored by ``store.pulled``) and identifiers the inspector records on a control (mutation
``identifier.add.v2``, with the identifier question that asked for it when there is one; the server keeps only
their keyed hash, the tablet keeps the value with the control until the control itself is purged). Rows queued
as ``identifier.add.v1`` by an older app version stay as they are: the server still accepts that name.
The inspector removes an identifier (``identifier.remove.v1``) or corrects it: a remove and an add of the new value
under a new id, in one transaction; either resolves a rejection of the old one (``store.rejections``)."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspectie_app.contract import LocalIdentifier
from inspectie_app.store import rejections
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
    with store._tx() as s:
        if s.get(InspectionRow, str(inspection_id)) is None:
            raise KeyError(str(inspection_id))
        return _add(s, inspection_id, kind, value, question_id)


def _add(s: Session, inspection_id: UUID, kind: IdentifierKind, value: str,
         question_id: str | None) -> LocalIdentifier:
    ident = LocalIdentifier(uuid.uuid4(), kind, value.strip(), question_id)
    row = IdentifierRow(id=str(ident.id), inspection_id=str(inspection_id), kind=kind.value, value=ident.value,
                        question_id=question_id, created_at=utcnow())
    s.add(row)
    row.mutation_id = _enqueue(s, "identifier.add.v2", inspection_id, {
        "identifier_id": str(ident.id), "kind": kind.value, "value": ident.value, "question_id": question_id})
    return ident


def _remove(s: Session, inspection_id: UUID, identifier_id: UUID) -> IdentifierRow:
    row = s.get(IdentifierRow, str(identifier_id))
    if row is None or row.inspection_id != str(inspection_id):
        raise KeyError(str(identifier_id))
    rejections.resolve_identifier(s, row)
    s.delete(row)
    _enqueue(s, "identifier.remove.v1", inspection_id, {"identifier_id": str(identifier_id)})
    return row


def remove_identifier(store: SqliteStore, inspection_id: UUID, identifier_id: UUID) -> None:
    """Remove an identifier from a control and queue ``identifier.remove.v1`` in the same transaction; raises
    KeyError when the control has no such identifier."""
    with store._tx() as s:
        _remove(s, inspection_id, identifier_id)


def correct_identifier(store: SqliteStore, inspection_id: UUID, identifier_id: UUID, value: str) -> LocalIdentifier:
    """Replace an identifier by one of the same kind and question with ``value`` (checked by the caller): a remove
    and an add under a new id, queued in one transaction."""
    with store._tx() as s:
        old = _remove(s, inspection_id, identifier_id)
        return _add(s, inspection_id, IdentifierKind(old.kind), value, old.question_id)


def identifier(store: SqliteStore, inspection_id: UUID, identifier_id: UUID) -> LocalIdentifier | None:
    """One identifier of a control (with the code its add was refused with), or None."""
    return next((i for i in identifiers(store, inspection_id) if i.id == identifier_id), None)


def identifiers(store: SqliteStore, inspection_id: UUID) -> list[LocalIdentifier]:
    """The identifiers recorded on a control, oldest first, each with the code the server refused it with."""
    with store._tx() as s:
        refused = rejections.refused_identifiers(s, inspection_id)
        rows = s.scalars(select(IdentifierRow).where(IdentifierRow.inspection_id == str(inspection_id))
                         .order_by(IdentifierRow.created_at, IdentifierRow.id))
        return [LocalIdentifier(UUID(r.id), IdentifierKind(r.kind), r.value, r.question_id, refused.get(r.id))
                for r in rows]
