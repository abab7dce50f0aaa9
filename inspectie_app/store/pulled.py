"""Pulled changes applied to the tablet's store: the server's checklists, catalogues, planned controls, flags,
rejections, corrections, conflicts and comments (``SqliteStore.apply_pull`` runs them in one transaction)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspectie_app.store.models import (
    AnswerRow,
    CatalogueRow,
    CommentRow,
    ConflictRow,
    InspectionRow,
    PersonRow,
    PlannedControlRow,
    RejectionRow,
    ServerFlagRow,
    SyncMeta,
    TemplateRow,
    utcnow,
)
from schemas.catalogue import parse_catalogue
from schemas.records import PlannedControlRead
from schemas.review import CommentRead
from schemas.sync import Change, Rejection
from schemas.templates import TemplateError, parse_template


class PullDataError(ValueError):
    """A pulled change the app cannot understand (usually: the app is older than the server's data)."""


def put_rejection(s: Session, r: Rejection, *, name: str | None = None, inspection_id: str | None = None,
                  args: dict[str, Any] | None = None) -> None:
    """Keep a rejection with the item it concerns: ``name``, ``inspection_id`` and ``args`` of the refused mutation
    when known (its outbox row, or the pulled change). The same rejection arriving again (by push reply and by
    pull, or after a reset) fills in what was missing and never reopens one the inspector resolved."""
    row = s.get(RejectionRow, r.mutation_id)
    if row is None:
        row = RejectionRow(mutation_id=r.mutation_id, code=r.code, message=r.message, received_at=utcnow())
        s.add(row)
    row.code, row.message = r.code, r.message
    row.mutation_name = row.mutation_name or (name[:64] if isinstance(name, str) else None)
    row.inspection_id = row.inspection_id or (inspection_id[:36] if isinstance(inspection_id, str) else None)
    for column in ("question_id", "person_id", "identifier_id"):
        value = (args or {}).get(column)
        if getattr(row, column) is None and isinstance(value, str):
            setattr(row, column, value[:64])


def apply_change(s: Session, change: Change) -> None:
    """Apply one pulled change; raises ``PullDataError`` for data this app cannot read."""
    try:
        _APPLIERS.get(change.entity, _ignore)(s, change)
    except (ValidationError, TemplateError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, PullDataError):
            raise
        raise PullDataError(f"{change.entity} {change.entity_id}: {exc}") from exc


def _data(change: Change) -> dict[str, Any]:
    if change.data is None:
        raise PullDataError(f"{change.entity} {change.entity_id}: put without data")
    return change.data


def _apply_template(s: Session, change: Change) -> None:
    if change.op == "delete":
        template_id, _, version = change.entity_id.partition("@")
        s.execute(delete(TemplateRow).where(TemplateRow.id == template_id, TemplateRow.version == int(version)))
        return
    t = parse_template(_data(change), f"template {change.entity_id}")
    s.merge(TemplateRow(id=t.id, version=t.version, control_type=t.control_type, data=t.model_dump(mode="json")))


def _apply_catalogue(s: Session, change: Change) -> None:
    if change.op == "delete":
        cat_id, _, version = change.entity_id.partition("@")
        s.execute(delete(CatalogueRow).where(CatalogueRow.id == cat_id, CatalogueRow.version == int(version)))
        return
    c = parse_catalogue(_data(change), f"catalogue {change.entity_id}")
    s.merge(CatalogueRow(id=c.id, version=c.version, data=c.model_dump(mode="json", by_alias=True)))


def _apply_planned_control(s: Session, change: Change) -> None:
    if change.op == "delete":
        s.execute(delete(PlannedControlRow).where(PlannedControlRow.id == str(UUID(change.entity_id))))
        return
    pc = PlannedControlRead.model_validate(_data(change))
    s.merge(PlannedControlRow(id=str(pc.id), scheduled_on=pc.scheduled_on.isoformat(), data=pc.model_dump(mode="json")))


def _apply_flag(s: Session, change: Change) -> None:
    inspection_id = str(UUID(change.entity_id))
    if change.op == "delete":
        s.execute(delete(ServerFlagRow).where(ServerFlagRow.inspection_id == inspection_id))
        return
    data = _data(change)
    s.merge(ServerFlagRow(inspection_id=inspection_id, level=int(data["level"]), flag=dict(data.get("flag") or {}),
                          photos_expected=int(data.get("photos_expected", 0)),
                          photos_present=int(data.get("photos_present", 0))))


def _apply_rejection(s: Session, change: Change) -> None:
    if change.op == "put":
        data = _data(change)
        meta = s.get(SyncMeta, 1)
        if data.get("client_id") and meta is not None and data["client_id"] != meta.client_id:
            return  # another device of this user: its mutation ids are not ours (the scope is the user's)
        put_rejection(s, Rejection.model_validate(data), name=data.get("mutation_name"),
                      inspection_id=data.get("inspection_id"))


def _apply_correction(s: Session, change: Change) -> None:
    """The team lead corrected an answer or the note: show it locally (no outbox row: it came from the server)."""
    data = _data(change)
    inspection = s.get(InspectionRow, str(UUID(str(data["inspection_id"]))))
    if inspection is None:
        return  # not on this tablet (another device of the same user)
    _set_local_field(s, inspection, data)


def _set_local_field(s: Session, inspection: InspectionRow, data: dict[str, Any]) -> None:
    if data["field"] == "note":
        inspection.note = str(data.get("value") or "")
        return
    person_id = data.get("person_id")
    if person_id is not None and s.get(PersonRow, str(person_id)) is None:
        return
    scope_key = str(person_id or "")
    row = s.scalars(select(AnswerRow).where(AnswerRow.inspection_id == inspection.id,
                                            AnswerRow.scope_key == scope_key,
                                            AnswerRow.question_id == str(data["question_id"]))).first()
    value = data.get("value")
    if value is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(AnswerRow(inspection_id=inspection.id, person_id=person_id, scope_key=scope_key,
                        question_id=str(data["question_id"]), value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()


def _apply_conflict(s: Session, change: Change) -> None:
    """Keep the conflict for the inspector and show the value the server kept (answer and note conflicts; a
    ``person`` conflict changes nothing here: the tablet's delete stood)."""
    if change.op == "delete":
        s.execute(delete(ConflictRow).where(ConflictRow.id == change.entity_id))
        return
    data = _data(change)
    conflict_id, inspection_id = str(UUID(str(data["id"]))), str(UUID(str(data["inspection_id"])))
    s.merge(ConflictRow(id=conflict_id, inspection_id=inspection_id, status=str(data["status"]), data=data))
    inspection = s.get(InspectionRow, inspection_id)
    if inspection is not None and data["status"] == "open" and data["field"] in ("answer", "note"):
        _set_local_field(s, inspection, {"field": data["field"], "person_id": data.get("person_id"),
                                         "question_id": data.get("question_id"), "value": data.get("winner_value")})


def _apply_comment(s: Session, change: Change) -> None:
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


def _ignore(s: Session, change: Change) -> None:
    """Entities this app does not keep yet (e.g. review comments)."""


_APPLIERS = {
    "template": _apply_template,
    "catalogue": _apply_catalogue,
    "planned_control": _apply_planned_control,
    "inspection_flag": _apply_flag,
    "rejection": _apply_rejection,
    "correction": _apply_correction,
    "conflict": _apply_conflict,
    "comment": _apply_comment,
}
