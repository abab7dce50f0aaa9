"""Rejections on the item they concern (issue 14): which control, question, person or identifier a refused
mutation was about, so the screens show it there in the inspector's words with a way to fix it, and the sync bar
stops listing it once fixed (``resolved_at``; the row stays, so the same rejection pulled again stays fixed).

What resolves one: removing or correcting the refused identifier (``review_store``), answering the refused
question again (``resolve_answer``; the new answer went through the same check the server runs), or the inspector
marking it as seen (``resolve``) for what has no item to fix (a control the server does not know, ...)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from inspectie_app.contract import RejectionNotice
from inspectie_app.store.models import IdentifierRow, InspectionRow, RejectionRow, utcnow
from inspectie_app.store.repository import SqliteStore
from schemas.records import Address

IDENTIFIER_ADDS = ("identifier.add.v1", "identifier.add.v2")


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def open_rows(s: Session, inspection_id: UUID | None = None) -> list[RejectionRow]:
    """The unresolved rejections (of one control), oldest first."""
    stmt = select(RejectionRow).where(RejectionRow.resolved_at.is_(None))
    if inspection_id is not None:
        stmt = stmt.where(RejectionRow.inspection_id == str(inspection_id))
    return list(s.scalars(stmt.order_by(RejectionRow.mutation_id)))


def refused_identifiers(s: Session, inspection_id: UUID) -> dict[str, str]:
    """Identifier id -> the code the server refused its add with, for this control's open rejections (matched by
    the identifier id of the refused mutation, or by the outbox id the identifier remembers)."""
    rows = [r for r in open_rows(s, inspection_id) if r.mutation_name in IDENTIFIER_ADDS or r.identifier_id]
    if not rows:
        return {}
    by_mutation = {r.mutation_id: r.code for r in rows}
    out = {r.identifier_id: r.code for r in rows if r.identifier_id}
    for ident in s.scalars(select(IdentifierRow).where(IdentifierRow.inspection_id == str(inspection_id))):
        if ident.mutation_id in by_mutation:
            out.setdefault(ident.id, by_mutation[ident.mutation_id])
    return out


def notices(store: SqliteStore) -> list[RejectionNotice]:
    """Every open rejection with the item it concerns and the control's address (for the sync bar)."""
    with store._tx() as s:
        rows = open_rows(s)
        out = []
        for r in rows:
            control = s.get(InspectionRow, r.inspection_id) if r.inspection_id else None
            where = Address.model_validate(control.address).one_line() if control is not None else ""
            identifier_id = r.identifier_id
            if identifier_id is None and r.mutation_name in IDENTIFIER_ADDS:
                identifier_id = s.scalar(select(IdentifierRow.id).where(IdentifierRow.mutation_id == r.mutation_id))
            out.append(RejectionNotice(mutation_id=r.mutation_id, code=r.code, mutation_name=r.mutation_name,
                                       inspection_id=_uuid(r.inspection_id), question_id=r.question_id,
                                       person_id=r.person_id, identifier_id=_uuid(identifier_id), where=where,
                                       control_known=control is not None))
        return out


def resolve(store: SqliteStore, mutation_id: int) -> None:
    """The inspector has seen a rejection that has no item to fix: the sync bar stops listing it."""
    with store._tx() as s:
        s.execute(update(RejectionRow).where(RejectionRow.mutation_id == mutation_id,
                                             RejectionRow.resolved_at.is_(None)).values(resolved_at=utcnow()))


def resolve_identifier(s: Session, identifier: IdentifierRow) -> None:
    """The identifier was removed or corrected: its refused add is fixed (inside the caller's transaction)."""
    match = [RejectionRow.identifier_id == identifier.id]
    if identifier.mutation_id is not None:
        match.append(RejectionRow.mutation_id == identifier.mutation_id)
    s.execute(update(RejectionRow).where(or_(*match), RejectionRow.resolved_at.is_(None))
              .values(resolved_at=utcnow()))


def resolve_answer(store: SqliteStore, inspection_id: UUID, question_id: str, person_id: str | None) -> None:
    """The refused question was answered again (checked by the same rule as the server's): its rejection is fixed."""
    with store._tx() as s:
        s.execute(update(RejectionRow).where(
            RejectionRow.inspection_id == str(inspection_id), RejectionRow.question_id == question_id,
            RejectionRow.person_id.is_(None) if person_id is None else RejectionRow.person_id == person_id,
            RejectionRow.resolved_at.is_(None)).values(resolved_at=utcnow()))
