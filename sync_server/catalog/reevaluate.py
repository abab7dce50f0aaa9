"""Re-judging open controls when a new catalogue version is published.

The stored flag is authoritative (DESIGN §4), so a new catalogue must not leave open judgements standing
silently. Every *open* finished control judged by another catalogue is evaluated again with the new one; its flag
records the level and catalogue it had before and ``level_changed`` when the level moved, so the team lead sees
which signals a catalogue change raised or lowered. The new flag is emitted to the inspector's devices.

"Open" means: finished, and not every signal of it verified as gegrond or ongegrond. A control whose every signal
a team lead has decided keeps the judgement (and catalogue version) those decisions were made on; "meer informatie
nodig" leaves a signal open. A control without signals has nothing decided, so it is open: a new catalogue may find
what the old one missed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.review import Verdict
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection
from sync_server.review import signals
from sync_server.tenancy import access

DECIDED = (Verdict.GEGROND, Verdict.ONGEGROND)


def reevaluate_open_controls(*, session: Session, catalogue: Catalogue) -> list[uuid.UUID]:
    """Re-judge every open finished control not yet judged by ``catalogue``; returns those whose level changed.
    The caller holds the sync lock and has just stored ``catalogue`` as the current one."""
    changed: list[uuid.UUID] = []
    stale = [i for i in session.scalars(select(Inspection).where(Inspection.status == "finished")
                                        .order_by(Inspection.id)).all() if i.catalogue_key != catalogue.key]
    decided = _decided(session, [i.id for i in stale])
    for inspection in stale:
        if _closed(inspection, decided):
            continue
        previous_level, previous_key = inspection.level, inspection.catalogue_key
        if not inspections.compute_flag(session=session, inspection=inspection):
            continue
        moved = previous_level is not None and previous_level != inspection.level
        inspection.flag = {**(inspection.flag or {}), "previous_level": previous_level,
                           "previous_catalogue": previous_key, "level_changed": moved}
        inspections.emit_flag(session=session, inspection=inspection)
        if moved:
            changed.append(inspection.id)
    return changed


def preview(*, session: Session, catalogue: Catalogue, organisation_id: uuid.UUID
            ) -> tuple[int, list[tuple[Inspection, int | None, int]]]:
    """A dry run of ``reevaluate_open_controls`` for one organisation's controls: the same open controls, judged
    by ``catalogue`` (a draft, not stored), nothing written. Returns how many were judged and (control, level now,
    level with ``catalogue``) for each whose level would change."""
    from schemas.engine import evaluate
    from sync_server.catalog.published import get_template

    stale = [i for i in session.scalars(select(Inspection).where(Inspection.status == "finished",
                                                                 access.in_organisation(Inspection, organisation_id))
                                        .order_by(Inspection.id)).all() if i.catalogue_key != catalogue.key]
    decided = _decided(session, [i.id for i in stale])
    open_ones = [i for i in stale if not _closed(i, decided)]
    changed: list[tuple[Inspection, int | None, int]] = []
    checked = 0
    for start in range(0, len(open_ones), 200):
        batch = open_ones[start:start + 200]
        inputs = inspections.findings_of(session, [i.id for i in batch])
        for inspection in batch:
            template = get_template(session=session, template_id=inspection.template_id,
                                    version=inspection.template_version)
            if template is None:
                continue
            premises, people = inputs[inspection.id]
            level = evaluate(template, catalogue, premises, people).level
            checked += 1
            if level != inspection.level:
                changed.append((inspection, inspection.level, level))
    return checked, changed


def _decided(session: Session, inspection_ids: list[uuid.UUID]) -> set[tuple[uuid.UUID, str]]:
    """(control, subject) pairs whose latest verification is gegrond or ongegrond, read 500 controls at a time."""
    out: set[tuple[uuid.UUID, str]] = set()
    for start in range(0, len(inspection_ids), 500):
        latest = signals.latest_verifications(session=session, inspection_ids=inspection_ids[start:start + 500])
        out |= {key for key, v in latest.items() if v.verdict in DECIDED}
    return out


def _closed(inspection: Inspection, decided: set[tuple[uuid.UUID, str]]) -> bool:
    subjects = [str(s["subject_id"]) for s in signals.subjects(inspection.flag)]
    return bool(subjects) and all((inspection.id, s) in decided for s in subjects)
