"""Gathers the facts for ``ranking``: controls per address (inspections, with their flag level and
whether their signals are still unverified), registered establishments, upcoming planned controls, and
links to other controls through shared identifiers (``links``). A signal counts as open until its latest
verification is gegrond or ongegrond (none yet, or "meer info nodig")."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.addresses import address_key
from schemas.planning import Suggestion
from schemas.records import Address
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.links.models import Identifier
from sync_server.planning.models import PlannedControl
from sync_server.planning.ranking import Candidate, PastControl, rank
from sync_server.review import signals


def suggestions(*, session: Session, organisation_id: uuid.UUID, today: date | None = None,
                limit: int = 50) -> list[Suggestion]:
    """The ranked advice of where to look next, from the organisation's own data only."""
    day = today or establishments.today()
    candidates: dict[str, Candidate] = {}
    for e in session.scalars(select(Establishment).where(Establishment.active.is_(True),
                                                         Establishment.organisation_id == organisation_id)):
        candidates[e.address_key] = Candidate(key=e.address_key, address=Address.model_validate(e.address),
                                              establishment_id=e.id, name=e.name, kind=e.kind,
                                              licence_status=e.licence_status)
    inspections = list(session.scalars(select(Inspection).where(Inspection.organisation_id == organisation_id)))
    unverified = _unverified(session, inspections)
    links = _linked_counts(session, organisation_id)
    for i in inspections:
        address = Address.model_validate(i.address)
        key = address_key(address)
        c = candidates.setdefault(key, Candidate(key=key, address=address))
        finished = i.status == "finished"
        c.controls.append(PastControl(on=establishments.local_date(i.finished_at or i.started_at),
                                      level=i.level if finished else None, finished=finished,
                                      open_signal=finished and bool(i.level) and i.id in unverified))
        c.linked_controls += links.get(i.id, 0)
    for p in session.scalars(select(PlannedControl).where(PlannedControl.status == "planned",
                                                          PlannedControl.scheduled_on >= day,
                                                          PlannedControl.organisation_id == organisation_id)):
        found = candidates.get(address_key(Address.model_validate(p.address)))
        if found is not None and (found.next_planned_on is None or p.scheduled_on < found.next_planned_on):
            found.next_planned_on = p.scheduled_on
    return rank(list(candidates.values()), day, limit=limit)


def _unverified(session: Session, inspections: list[Inspection]) -> set[uuid.UUID]:
    """Flagged inspections with a signal (subject at level >= 1) whose latest verification is missing or
    says meer_info."""
    flagged = [i for i in inspections if i.level]
    latest = signals.latest_verifications(session=session, inspection_ids=[i.id for i in flagged])
    open_ids = set()
    for i in flagged:
        for subject in signals.subjects(i.flag) or [{"subject_id": "premises"}]:
            state = latest.get((i.id, str(subject.get("subject_id", ""))))
            if state is None or state.verdict == "meer_info":
                open_ids.add(i.id)
    return open_ids


def _linked_counts(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Inspection id -> number of other controls of the organisation sharing an identifier with it."""
    by_digest: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    for kind, digest, inspection_id in session.execute(select(Identifier.kind, Identifier.digest,
                                                              Identifier.inspection_id)
                                                       .where(Identifier.organisation_id == organisation_id)):
        by_digest[(kind, digest)].add(inspection_id)
    linked: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for members in by_digest.values():
        for m in members:
            linked[m] |= members - {m}
    return {k: len(v) for k, v in linked.items()}
