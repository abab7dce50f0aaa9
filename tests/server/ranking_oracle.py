"""The ranking behind Waar kijken we? as it was before issue 13 (every control of the organisation loaded, a
Candidate with a list of past controls per address), kept as the oracle ``test_planning_sql`` compares with."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.addresses import address_key
from schemas.planning import RankReason, Suggestion
from schemas.records import Address
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.links.models import Identifier
from sync_server.planning.models import PlannedControl
from sync_server.review import signals

LEVEL_POINTS = {3: 40, 2: 25, 1: 10}
SIGNAL_WINDOW_DAYS = 2 * 365
REPEAT_POINTS, REPEAT_CAP = 5, 15
OPEN_POINTS, OPEN_CAP = 15, 45
LINK_POINTS, LINK_CAP = 10, 30
NEVER_CONTROLLED = 20
LONG_AGO = ((365, 15), (180, 8))  # days since the last control -> points
RECENT_DAYS, RECENT_POINTS = 30, -20
LICENCE_DUE = 30
VULNERABLE = 5
VULNERABLE_KINDS = {"massagesalon", "seksinrichting", "flitsbezorger"}
ALREADY_PLANNED = -50


@dataclass(frozen=True)
class PastControl:
    on: date
    level: int | None
    finished: bool = True
    open_signal: bool = False  # a signal (level >= 1) nobody has verified yet (or "meer info nodig")


@dataclass
class Candidate:
    key: str
    address: Address
    establishment_id: UUID | None = None
    name: str = ""
    kind: str = ""
    licence_status: str = ""
    controls: list[PastControl] = field(default_factory=list)
    linked_controls: int = 0
    next_planned_on: date | None = None


def score(c: Candidate, today: date) -> list[RankReason]:
    """The reasons (with points) for ranking ``c``; the score is their sum."""
    reasons = _signal_reasons(c, today) + _time_reasons(c, today)
    if c.linked_controls:
        reasons.append(RankReason(code="linked_controls", points=min(LINK_CAP, LINK_POINTS * c.linked_controls),
                                  params={"count": c.linked_controls}))
    if c.kind == "seksinrichting" and c.licence_status == "vergund" and not any(
            p.finished and p.on.year == today.year for p in c.controls):
        reasons.append(RankReason(code="licence_due", points=LICENCE_DUE, params={"year": today.year}))
    if c.kind in VULNERABLE_KINDS:
        reasons.append(RankReason(code="vulnerable_branch", points=VULNERABLE, params={"kind": c.kind}))
    if c.next_planned_on is not None and c.next_planned_on >= today:
        reasons.append(RankReason(code="already_planned", points=ALREADY_PLANNED,
                                  params={"date": c.next_planned_on.isoformat()}))
    return sorted(reasons, key=lambda r: -r.points)


def _signal_reasons(c: Candidate, today: date) -> list[RankReason]:
    since = today - timedelta(days=SIGNAL_WINDOW_DAYS)
    signals = sorted((p for p in c.controls if p.level and p.on >= since),
                     key=lambda p: (-(p.level or 0), -p.on.toordinal()))
    out: list[RankReason] = []
    if signals:
        worst = signals[0]
        out.append(RankReason(code="signal_level", points=LEVEL_POINTS.get(worst.level or 0, 0),
                              params={"level": worst.level, "date": worst.on.isoformat()}))
    if len(signals) > 1:
        out.append(RankReason(code="repeat_signals", points=min(REPEAT_CAP, REPEAT_POINTS * (len(signals) - 1)),
                              params={"count": len(signals)}))
    open_count = sum(1 for p in c.controls if p.open_signal)
    if open_count:
        out.append(RankReason(code="open_signals", points=min(OPEN_CAP, OPEN_POINTS * open_count),
                              params={"count": open_count}))
    return out


def _time_reasons(c: Candidate, today: date) -> list[RankReason]:
    done = [p.on for p in c.controls if p.finished]
    if not done:
        return [RankReason(code="never_controlled", points=NEVER_CONTROLLED)]
    days = (today - max(done)).days
    if days < RECENT_DAYS:
        return [RankReason(code="recently_controlled", points=RECENT_POINTS, params={"days": days})]
    for threshold, points in LONG_AGO:
        if days >= threshold:
            return [RankReason(code="last_control_long_ago", points=points, params={"days": days})]
    return []


def rank(candidates: list[Candidate], today: date, *, limit: int = 50) -> list[Suggestion]:
    """Candidates with a positive score, highest first (ties: longest since the last control, then key)."""
    out = []
    for c in candidates:
        reasons = score(c, today)
        total = sum(r.points for r in reasons)
        if total <= 0:
            continue
        last = max((p.on for p in c.controls if p.finished), default=None)
        out.append(Suggestion(key=c.key, address=c.address, establishment_id=c.establishment_id,
                              establishment_name=c.name, kind=c.kind, score=total, reasons=reasons,
                              last_control_on=last))
    out.sort(key=lambda s: (-s.score, s.last_control_on or date.min, s.key))
    return out[:limit]


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
