"""Office corrections of findings, and the conflicts they cause with tablet edits (docs/SYNC.md §Conflicts).

Rule (deterministic, ordered by server seq only, never by clocks): a tablet edit of a finding field
carries ``base_version`` = the tablet's pull cursor when it made the edit. If the team lead corrected the
same field at a seq *above* that base, the tablet had not seen the correction: the correction stays and a
conflict keeps the tablet's value. If the correction's seq is at or below the base, the tablet saw it and
changed the field deliberately afterwards: the tablet wins, no conflict. Old (v1) tablets send no base;
that counts as base 0.

A person deleted on the tablet (``person.delete.v1``) after the team lead corrected one of that person's
answers at a seq above the delete's base: the inspector owns whether a person exists, so the delete is
applied (the tablet wins) and a ``person`` conflict keeps the corrections it dropped (question -> value and
office seq, with the person's label) for both people to see; the team lead can only accept it, a deleted
person is not restored. Corrections the tablet had seen (seq <= base) go with the person, no conflict.
A correction of a person that is already deleted is refused with 409 ``person_deleted``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.conflicts import ConflictRead, DroppedAnswer, DroppedPerson, FindingCorrection, Side
from schemas.templates import Scope, check_answer
from sync_server.auth.schemas import Principal
from sync_server.catalog import published as catalog
from sync_server.errors import ApiError
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Answer, FindingConflict, Inspection, Person
from sync_server.inspections.service import PREMISES
from sync_server.sync import changes


class AnswerLike(Protocol):
    """An ``Answer`` row or one a push has not written yet (``mutations.NewAnswer``)."""

    question_id: str
    value: Any
    office_seq: int | None


def find_answer(session: Session, inspection_id: uuid.UUID, person_id: str, question_id: str) -> Answer | None:
    return session.scalar(select(Answer).where(Answer.inspection_id == inspection_id, Answer.person_id == person_id,
                                               Answer.question_id == question_id))


def office_wins(office_seq: int | None, base_version: int | None, device_value: Any, current: Any) -> bool:
    """True when an office correction the tablet had not seen must stand against the tablet's value."""
    return office_seq is not None and office_seq > (base_version or 0) and device_value != current


def to_read(conflict: FindingConflict) -> ConflictRead:
    winner_value = conflict.office_value if conflict.winner == "office" else conflict.device_value
    return ConflictRead(
        id=conflict.id, inspection_id=conflict.inspection_id, field=conflict.field,
        person_id=conflict.person_id or None, question_id=conflict.question_id or None,
        device_value=conflict.device_value, office_value=conflict.office_value,
        winner=conflict.winner, winner_value=winner_value,
        base_version=conflict.base_version, office_seq=conflict.office_seq,
        status=conflict.status, resolution=conflict.resolution,
        created_at=conflict.created_at, resolved_at=conflict.resolved_at)


def _emit(session: Session, inspection: Inspection, conflict: FindingConflict) -> None:
    changes.emit(session=session, entity="conflict", entity_id=str(conflict.id),
                 scope=inspections.inspector_scope(inspection), data=to_read(conflict).model_dump(mode="json"))


def record(*, session: Session, inspection: Inspection, field: str, person_id: str, question_id: str,
           base_version: int | None, device_value: Any, office_value: Any, office_seq: int, client_id: str,
           mutation_id: int) -> FindingConflict:
    """Keep the office value, store the tablet's value in a conflict and send it to the inspector."""
    conflict = FindingConflict(
        id=uuid.uuid4(), inspection_id=inspection.id, field=field, person_id=person_id, question_id=question_id,
        base_version=base_version or 0, device_value=device_value, office_value=office_value,
        office_seq=office_seq, winner="office", client_id=client_id, mutation_id=mutation_id, status="open",
        created_at=datetime.now(UTC))
    session.add(conflict)
    session.flush()
    _emit(session, inspection, conflict)
    return conflict


def record_dropped_person(*, session: Session, inspection: Inspection, person: Person, answers: list[AnswerLike],
                          base_version: int | None, client_id: str, mutation_id: int) -> FindingConflict | None:
    """A ``person`` conflict for the office corrections among ``answers`` (the deleted person's rows) that the
    tablet had not seen; None (and nothing written) when there is none."""
    unseen = sorted((a for a in answers if a.office_seq is not None and a.office_seq > (base_version or 0)),
                    key=lambda a: (a.office_seq or 0, a.question_id))
    if not unseen:
        return None
    dropped = DroppedPerson(label=person.label, answers={
        a.question_id: DroppedAnswer(value=a.value, office_seq=a.office_seq or 0) for a in unseen})
    conflict = FindingConflict(
        id=uuid.uuid4(), inspection_id=inspection.id, field="person", person_id=person.person_id, question_id="",
        base_version=base_version or 0, device_value=None, office_value=dropped.model_dump(mode="json"),
        office_seq=max(a.office_seq or 0 for a in unseen), winner="device", client_id=client_id,
        mutation_id=mutation_id, status="open", created_at=datetime.now(UTC))
    session.add(conflict)
    session.flush()
    _emit(session, inspection, conflict)
    return conflict


def list_for(*, session: Session, inspection_id: uuid.UUID) -> list[ConflictRead]:
    """Every conflict of one inspection, oldest first (404 when the inspection is unknown)."""
    if session.get(Inspection, inspection_id) is None:
        raise ApiError("not_found")
    rows = session.scalars(select(FindingConflict).where(FindingConflict.inspection_id == inspection_id)
                           .order_by(FindingConflict.office_seq, FindingConflict.created_at))
    return [to_read(c) for c in rows]


def correct(*, session: Session, user: Principal, inspection_id: uuid.UUID, data: FindingCorrection) -> int:
    """Apply a team lead's correction of an answer or the note; returns its seq (the field's office version)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise ApiError("not_found")
    changes.lock(session=session)  # before the checks: a person deleted by a push committed meanwhile is seen
    if data.question_id is not None:
        _check_answer(session, inspection, data)
    if data.note is not None:
        seq = _emit_correction(session, inspection, {"field": "note", "value": data.note})
        inspection.note, inspection.note_office_seq = data.note, seq
    else:
        assert data.question_id is not None
        person = data.person_id or PREMISES
        seq = _emit_correction(session, inspection, {"field": "answer", "person_id": data.person_id,
                                                     "question_id": data.question_id, "value": data.value})
        _store_office_answer(session, inspection.id, person, data.question_id, data.value, seq)
    inspection.version += 1
    inspections.refresh_flags(session=session, inspection_ids={inspection.id})
    return seq


def _check_answer(session: Session, inspection: Inspection, data: FindingCorrection) -> None:
    template = catalog.get_template(session=session, template_id=inspection.template_id,
                                    version=inspection.template_version)
    if template is None:
        raise ApiError("validation_error", detail="template unknown")
    scope = Scope.PERSON if data.person_id else Scope.PREMISES
    question = template.question(data.question_id or "", scope)
    if question is None:
        raise ApiError("validation_error", detail=f"unknown {scope} question {data.question_id}")
    if data.person_id:
        deleted = session.scalar(select(Person.deleted).where(Person.inspection_id == inspection.id,
                                                              Person.person_id == data.person_id))
        if deleted is None:
            raise ApiError("validation_error", detail=f"unknown person {data.person_id}")
        if deleted:
            raise ApiError("person_deleted", detail=data.person_id)
    problem = check_answer(question, data.value)
    if problem:
        raise ApiError("validation_error", detail=f"{data.question_id}: {problem}")


def _emit_correction(session: Session, inspection: Inspection, data: dict[str, Any]) -> int:
    return changes.emit(session=session, entity="correction", entity_id=str(inspection.id),
                        scope=inspections.inspector_scope(inspection),
                        data={"inspection_id": str(inspection.id), **data})


def _store_office_answer(session: Session, inspection_id: uuid.UUID, person_id: str, question_id: str,
                         value: Any, seq: int) -> None:
    """Office answers keep their row even when cleared (value None), so the office version is not lost."""
    found = find_answer(session, inspection_id, person_id, question_id)
    if found is None:
        session.add(Answer(inspection_id=inspection_id, person_id=person_id, question_id=question_id, value=value,
                           office_seq=seq))
    else:
        found.value, found.office_seq = value, seq
    session.flush()


def resolve(*, session: Session, user: Principal, conflict_id: uuid.UUID, keep: Side) -> ConflictRead:
    """Close a conflict: keep the office value, or write the tablet's value as a new correction. A ``person``
    conflict can only be accepted ("device": the delete stands; its corrections stay in the record)."""
    conflict = session.get(FindingConflict, conflict_id)
    if conflict is None:
        raise ApiError("not_found")
    if conflict.status != "open":
        raise ApiError("conflict_resolved")
    if conflict.field == "person" and keep != "device":
        raise ApiError("person_not_restorable")
    inspection = session.get(Inspection, conflict.inspection_id)
    assert inspection is not None
    changes.lock(session=session)
    if keep == "device" and conflict.field != "person":
        if conflict.field == "note":
            fix = FindingCorrection(note=str(conflict.device_value or ""))
        else:
            fix = FindingCorrection(question_id=conflict.question_id, person_id=conflict.person_id or None,
                                    value=conflict.device_value)
        correct(session=session, user=user, inspection_id=inspection.id, data=fix)
    conflict.status, conflict.resolution = "resolved", keep
    conflict.resolved_by, conflict.resolved_at = user.user_id, datetime.now(UTC)
    session.flush()
    _emit(session, inspection, conflict)
    return to_read(conflict)
