"""Re-judging open controls when a new catalogue version is published.

The stored flag is authoritative (DESIGN §4), so a new catalogue must not leave old judgements standing
silently. Every finished control judged by another catalogue is evaluated again with the new one; its flag
records the level and catalogue it had before and ``level_changed`` when the level moved, so the team lead
sees which signals a catalogue change raised or lowered. The new flag is emitted to the inspector's devices.
"Open" means finished and not yet verified; verification does not exist yet, so every finished control counts.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection


def reevaluate_open_controls(*, session: Session, catalogue: Catalogue) -> list[uuid.UUID]:
    """Re-judge every finished control not yet judged by ``catalogue``; returns those whose level changed.
    The caller holds the sync lock and has just stored ``catalogue`` as the current one."""
    changed: list[uuid.UUID] = []
    stale = session.scalars(select(Inspection).where(Inspection.status == "finished")
                            .order_by(Inspection.id)).all()
    for inspection in stale:
        if inspection.catalogue_key == catalogue.key:
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
