"""Reading inspections and computing their flags with the shared engine."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from schemas.engine import evaluate
from schemas.records import PersonRecord
from schemas.templates import AnswerValue
from sync_server.blobs.models import Blob
from sync_server.catalog import service as catalog
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.sync import changes

PREMISES = ""


def get(*, session: Session, inspection_id: uuid.UUID) -> Inspection | None:
    return session.get(Inspection, inspection_id)


def premises_answers(*, session: Session, inspection_id: uuid.UUID) -> dict[str, AnswerValue]:
    rows = session.scalars(select(Answer).where(Answer.inspection_id == inspection_id,
                                                Answer.person_id == PREMISES))
    return {a.question_id: a.value for a in rows if a.value is not None}


def persons(*, session: Session, inspection_id: uuid.UUID) -> list[PersonRecord]:
    """The live (not deleted) persons with their answers, in creation order."""
    people = session.scalars(select(Person).where(Person.inspection_id == inspection_id,
                                                  Person.deleted.is_(False)).order_by(Person.id))
    answers = session.scalars(select(Answer).where(Answer.inspection_id == inspection_id,
                                                   Answer.person_id != PREMISES))
    by_person: dict[str, dict[str, AnswerValue]] = {}
    for a in answers:
        if a.value is not None:  # an answer the team lead cleared keeps its row for its office version
            by_person.setdefault(a.person_id, {})[a.question_id] = a.value
    return [PersonRecord(id=p.person_id, label=p.label, answers=by_person.get(p.person_id, {})) for p in people]


def photo_counts(*, session: Session, inspection: Inspection) -> tuple[int, int]:
    """(photos referenced, photos whose blob has arrived in the inspection's organisation)."""
    expected = session.scalar(select(func.count()).select_from(Photo).where(Photo.inspection_id == inspection.id))
    present = session.scalar(select(func.count()).select_from(Photo)
                             .join(Blob, and_(Blob.sha256 == Photo.sha256,
                                              Blob.organisation_id == inspection.organisation_id))
                             .where(Photo.inspection_id == inspection.id))
    return int(expected or 0), int(present or 0)


def compute_flag(*, session: Session, inspection: Inspection) -> bool:
    """Evaluate a finished inspection with the current catalogue and store the result; False if impossible."""
    template = catalog.get_template(session=session, template_id=inspection.template_id,
                                    version=inspection.template_version)
    catalogue = catalog.get_current_catalogue(session=session)
    if template is None or catalogue is None:
        return False
    result = evaluate(template, catalogue, premises_answers(session=session, inspection_id=inspection.id),
                      persons(session=session, inspection_id=inspection.id))
    inspection.flag = carry_level_change(inspection.flag, result.model_dump(mode="json"))
    inspection.level = result.level
    inspection.catalogue_key = catalogue.key
    return True


LEVEL_CHANGE_KEYS = ("previous_level", "previous_catalogue", "level_changed")


def carry_level_change(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Keep a catalogue re-evaluation's marker (``catalog.reevaluate``) on a later recompute of the flag, as
    long as the level stays the one the re-evaluation set; a level that moves again drops it."""
    if old and old.get("previous_catalogue") is not None and old.get("level") == new.get("level"):
        return {**new, **{k: old.get(k) for k in LEVEL_CHANGE_KEYS}}
    return new


def flag_change_data(*, session: Session, inspection: Inspection,
                     counts: tuple[int, int] | None = None) -> dict[str, Any]:
    expected, present = counts or photo_counts(session=session, inspection=inspection)
    return {"level": inspection.level, "flag": inspection.flag, "photos_expected": expected,
            "photos_present": present}


def emit_flag(*, session: Session, inspection: Inspection, only_when_complete: bool = False) -> None:
    """Send the stored flag to the inspector's devices (caller holds the sync lock); with
    ``only_when_complete`` (a photo arrived) only once every photo the inspection references is present."""
    counts = photo_counts(session=session, inspection=inspection)
    if only_when_complete and counts[1] < counts[0]:
        return
    changes.emit(session=session, entity="inspection_flag", entity_id=str(inspection.id),
                 scope=inspector_scope(inspection),
                 data=flag_change_data(session=session, inspection=inspection, counts=counts))


def inspector_scope(inspection: Inspection) -> str:
    """The change-log scope of the inspector who owns ``inspection`` (in its organisation)."""
    return changes.user_scope(inspection.inspector_id, inspection.organisation_id)


def refresh_flags(*, session: Session, inspection_ids: set[uuid.UUID]) -> None:
    """Recompute and emit the flag of every finished inspection among ``inspection_ids``."""
    for iid in sorted(inspection_ids):
        inspection = session.get(Inspection, iid)
        if inspection is not None and inspection.status == "finished" and compute_flag(session=session,
                                                                                       inspection=inspection):
            emit_flag(session=session, inspection=inspection)
