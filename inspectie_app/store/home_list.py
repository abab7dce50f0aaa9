"""What the home list shows of every local control, read in a fixed number of queries whatever their number.

The list shows each control's level: the server's flag once the control is synced, else the tablet's own
evaluation. Evaluating means parsing the checklist and the catalogue and running the engine — tens of
milliseconds a control — so the tablet keeps its evaluation in ``level_cache`` with a *fingerprint* of what it was
computed from: the catalogue version, and the number and last change of the control's answers and persons. A
changed answer, an added or removed person, a correction pulled from the office or a new catalogue changes the
fingerprint, and the level is computed again (by the service, which owns the engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspectie_app.store.models import (
    AnswerRow,
    CatalogueRow,
    InspectionRow,
    LevelCacheRow,
    PersonRow,
    ServerFlagRow,
)
from schemas.records import Address, InspectionStatus


@dataclass(frozen=True)
class InspectionSummary:
    """One row of the home list, with what the service needs to decide its level."""

    id: UUID
    template_id: str
    template_version: int
    control_type: str
    address: Address
    status: InspectionStatus
    started_at: datetime
    finished_at: datetime | None
    server_level: int | None  # the server's flag, if one was pulled
    fingerprint: str  # what a local evaluation depends on (see the module docstring)
    cached_level: tuple[str, int | None] | None  # (fingerprint, level) of the last local evaluation


def summaries(s: Session) -> list[InspectionSummary]:
    """Every local control, newest first: five queries in all."""
    catalogue = s.execute(select(CatalogueRow.id, CatalogueRow.version)
                          .order_by(CatalogueRow.version.desc()).limit(1)).first()
    catalogue_key = f"{catalogue.id}@{catalogue.version}" if catalogue else "-"
    answers = {row.inspection_id: (row.n, row.last) for row in s.execute(
        select(AnswerRow.inspection_id, func.count().label("n"), func.max(AnswerRow.updated_at).label("last"))
        .group_by(AnswerRow.inspection_id))}
    persons = {row[0]: row[1] for row in s.execute(
        select(PersonRow.inspection_id, func.count()).group_by(PersonRow.inspection_id))}
    flags = {row[0]: row[1] for row in s.execute(select(ServerFlagRow.inspection_id, ServerFlagRow.level))}
    cached = {row.inspection_id: (row.fingerprint, row.level) for row in s.scalars(select(LevelCacheRow))}
    rows = s.execute(select(InspectionRow.id, InspectionRow.template_id, InspectionRow.template_version,
                            InspectionRow.control_type, InspectionRow.address, InspectionRow.status,
                            InspectionRow.started_at, InspectionRow.finished_at)
                     .order_by(InspectionRow.started_at.desc()))
    out = []
    for r in rows:
        count, last = answers.get(r.id, (0, None))
        fingerprint = f"{catalogue_key}|{count}|{last}|{persons.get(r.id, 0)}"
        out.append(InspectionSummary(UUID(r.id), r.template_id, r.template_version, r.control_type,
                                     Address.model_validate(r.address), InspectionStatus(r.status), r.started_at,
                                     r.finished_at, flags.get(r.id), fingerprint, cached.get(r.id)))
    return out


def save_levels(s: Session, levels: dict[UUID, tuple[str, int | None]]) -> None:
    """Keep the tablet's evaluations (``inspection id -> (fingerprint, level)``) for the next list."""
    existing = {row.inspection_id: row for row in s.scalars(
        select(LevelCacheRow).where(LevelCacheRow.inspection_id.in_([str(i) for i in levels])))}
    present = set(s.scalars(select(InspectionRow.id).where(InspectionRow.id.in_([str(i) for i in levels]))))
    for inspection_id, (fingerprint, level) in levels.items():
        key = str(inspection_id)
        if key not in present:
            continue  # deleted meanwhile (a purge, a logout)
        row = existing.get(key)
        if row is None:
            s.add(LevelCacheRow(inspection_id=key, fingerprint=fingerprint, level=level))
        else:
            row.fingerprint, row.level = fingerprint, level
