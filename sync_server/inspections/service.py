"""Reading inspections and computing their flags with the shared engine."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from schemas.engine import evaluate
from schemas.records import PersonRecord
from schemas.templates import AnswerValue, Template
from sync_server.blobs.models import BlobHolder
from sync_server.catalog import published as catalog
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.sync import changes
from sync_server.tenancy import access

PREMISES = ""
T = TypeVar("T")


def get(*, session: Session, inspection_id: uuid.UUID) -> Inspection | None:
    return session.get(Inspection, inspection_id)


def findings_of(session: Session, inspection_ids: list[uuid.UUID]
                ) -> dict[uuid.UUID, tuple[dict[str, AnswerValue], list[PersonRecord]]]:
    """Premises answers and the live (not deleted) persons with their answers, in creation order, of several
    inspections: two queries in all.
    Plain rows, not ORM objects: the engine only reads values, and a push of 200 controls stays cheap."""
    premises: dict[uuid.UUID, dict[str, AnswerValue]] = {iid: {} for iid in inspection_ids}
    by_person: dict[tuple[uuid.UUID, str], dict[str, AnswerValue]] = {}
    for chunk in chunks(inspection_ids):
        rows = session.execute(select(Answer.inspection_id, Answer.person_id, Answer.question_id, Answer.value)
                               .where(Answer.inspection_id.in_(chunk)))
        for iid, person_id, question_id, value in rows:
            if value is None:  # JSON null: a team lead cleared it; the row keeps its office version
                continue
            if person_id == PREMISES:
                premises[iid][question_id] = value
            else:
                by_person.setdefault((iid, person_id), {})[question_id] = value
    people: dict[uuid.UUID, list[PersonRecord]] = {iid: [] for iid in inspection_ids}
    for chunk in chunks(inspection_ids):
        rows = session.execute(select(Person.inspection_id, Person.person_id, Person.label)
                               .where(Person.inspection_id.in_(chunk), Person.deleted.is_(False))
                               .order_by(Person.id))
        for iid, person_id, label in rows:
            people[iid].append(PersonRecord(id=person_id, label=label,
                                            answers=by_person.get((iid, person_id), {})))
    return {iid: (premises[iid], people[iid]) for iid in inspection_ids}


def chunks(ids: Sequence[T], size: int = 500) -> list[list[T]]:
    """Groups small enough for one ``IN (...)`` on every database."""
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)]


def photo_counts(*, session: Session, inspection: Inspection) -> tuple[int, int]:
    """(photos referenced, photos whose blob has arrived in the inspection's organisation)."""
    return photo_counts_of(session=session, inspection_ids=[inspection.id])[inspection.id]


PHOTO_COUNTS = (
    select(Inspection.id, func.count(Photo.id), func.count(BlobHolder.sha256))
    .join(Photo, Photo.inspection_id == Inspection.id)
    .outerjoin(BlobHolder, and_(BlobHolder.sha256 == Photo.sha256,
                                access.same_organisation(BlobHolder, Inspection),
                                BlobHolder.user_id == Inspection.inspector_id))
    .group_by(Inspection.id))
"""(inspection, photos referenced, photos its inspector has uploaded in its organisation); callers add the WHERE.
An inspection without photos has no row."""


def photo_counts_of(*, session: Session, inspection_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """``PHOTO_COUNTS`` per inspection, in one query per 500 inspections."""
    counts = dict.fromkeys(inspection_ids, (0, 0))
    for chunk in chunks(inspection_ids):
        for iid, expected, present in session.execute(PHOTO_COUNTS.where(Inspection.id.in_(chunk))):
            counts[iid] = (int(expected), int(present))
    return counts


def compute_flag(*, session: Session, inspection: Inspection) -> bool:
    """Evaluate a finished inspection with the current catalogue and store the result; False if impossible."""
    return bool(compute_flags(session=session, inspections=[inspection]))


Findings = dict[uuid.UUID, tuple[dict[str, AnswerValue], list[PersonRecord]]]
"""Premises answers and live persons per inspection (``findings_of``)."""


def compute_flags(*, session: Session, inspections: list[Inspection], known: Findings | None = None
                  ) -> list[Inspection]:
    """Evaluate finished inspections with the current catalogue and store the results; returns those that
    could be evaluated (template and catalogue known). Reads the answers of those not in ``known`` (a push's
    own rows, ``MutationContext.findings``) in two queries."""
    catalogue = catalog.get_current_catalogue(session=session)
    if catalogue is None or not inspections:
        return []
    templates: dict[tuple[str, int], Template | None] = {}
    for inspection in inspections:
        key = (inspection.template_id, inspection.template_version)
        if key not in templates:
            templates[key] = catalog.get_template(session=session, template_id=key[0], version=key[1])
    ready = [i for i in inspections if templates[(i.template_id, i.template_version)] is not None]
    known = known or {}
    inputs = {**findings_of(session, [i.id for i in ready if i.id not in known]),
              **{i.id: known[i.id] for i in ready if i.id in known}}
    for inspection in ready:
        template = templates[(inspection.template_id, inspection.template_version)]
        assert template is not None
        premises, people = inputs[inspection.id]
        result = evaluate(template, catalogue, premises, people)
        inspection.flag = carry_level_change(inspection.flag, result.model_dump(mode="json"))
        inspection.level = result.level
        inspection.catalogue_key = catalogue.key
    return ready


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


def emit_flag(*, session: Session, inspection: Inspection) -> None:
    """Send the stored flag, with the photo counts, to the inspector's devices (caller holds the sync lock)."""
    emit_flags(session=session, inspections=[inspection])


def emit_flags(*, session: Session, inspections: list[Inspection],
               counts: dict[uuid.UUID, tuple[int, int]] | None = None) -> dict[uuid.UUID, tuple[int, int]]:
    """``emit_flag`` for several inspections: one photo-count query (none when ``counts`` are given) and one
    change-log write for all. Returns the photo counts it sent, per inspection."""
    if not inspections:
        return {}
    counts = counts or photo_counts_of(session=session, inspection_ids=[i.id for i in inspections])
    changes.emit_many(session=session, items=[
        changes.NewChange(entity="inspection_flag", entity_id=str(i.id), scope=inspector_scope(i),
                          data=flag_change_data(session=session, inspection=i, counts=counts[i.id]))
        for i in inspections])
    return {i.id: counts[i.id] for i in inspections}


def inspector_scope(inspection: Inspection) -> str:
    """The change-log scope of the inspector who owns ``inspection`` (in its organisation)."""
    return changes.user_scope(inspection.inspector_id, inspection.organisation_id)


def refresh_flags(*, session: Session, inspection_ids: set[uuid.UUID], known: Findings | None = None
                  ) -> dict[uuid.UUID, tuple[int, int]]:
    """Recompute and emit the flag of every finished inspection among ``inspection_ids`` (``known``: findings
    the caller holds, see ``compute_flags``); returns the photo counts sent with them."""
    found = [session.get(Inspection, iid) for iid in sorted(inspection_ids)]
    finished = [i for i in found if i is not None and i.status == "finished"]
    return emit_flags(session=session, inspections=compute_flags(session=session, inspections=finished, known=known))
