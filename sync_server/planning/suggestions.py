"""Gathers the facts for ``ranking``: per address what its controls add up to (counted in SQL, one row per
address), registered establishments, upcoming planned controls, and links to other controls through shared
identifiers (``links``). A signal counts as open until its latest verification is gegrond or ongegrond (none yet,
or "meer info nodig").

Why per address in SQL: the organisation's whole history is the input (100,000 controls and more). The database
groups the controls by the address fields an address key is made of, with the dates, levels, open signals and
links the score reads; Python turns each group's fields into ``address_key`` (the one rule, in ``schemas``),
merges groups that share a key, scores them all and builds the reasons for the ``limit`` shown only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from schemas.addresses import address_key
from schemas.planning import Suggestion
from schemas.records import Address
from schemas.review import Verdict
from sync_server import periods
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links.models import Identifier
from sync_server.planning.models import PlannedControl
from sync_server.planning.ranking import SIGNAL_WINDOW_DAYS, Candidate, History, rank
from sync_server.review.models import Verification
from sync_server.tenancy import access

ADDRESS_FIELDS = ("street", "house_number", "addition", "postcode", "city")



@dataclass
class _Place:
    """The controls at one address key, merged from the groups that share it."""

    address: Address
    last_done: datetime | None = None
    signals: int = 0
    worst: dict[int, datetime] = field(default_factory=dict)  # level -> latest time of a signal at that level
    open_signals: int = 0
    done_this_year: bool = False
    linked: int = 0

    def history(self) -> History:
        worst = max(self.worst) if self.worst else None
        return History(last_done=_day(self.last_done), signals=self.signals,
                       worst=(worst, establishments.local_date(self.worst[worst])) if worst is not None else None,
                       open_signals=self.open_signals, done_this_year=self.done_this_year)


def suggestions(*, session: Session, organisation_id: uuid.UUID, today: date | None = None,
                limit: int = 50) -> list[Suggestion]:
    """The ranked advice of where to look next, from the organisation's own data only."""
    day = today or establishments.today()
    candidates: dict[str, Candidate] = {}
    for e in session.scalars(select(Establishment).where(Establishment.active.is_(True),
                                                         access.in_organisation(Establishment, organisation_id))):
        candidates[e.address_key] = Candidate(key=e.address_key, address=Address.model_validate(e.address),
                                              establishment_id=e.id, name=e.name, kind=e.kind,
                                              licence_status=e.licence_status)
    for key, place in _places(session, organisation_id, day).items():
        c = candidates.setdefault(key, Candidate(key=key, address=place.address))
        c.history, c.linked_controls = place.history(), place.linked
    for c in candidates.values():
        if c.history is None:
            c.history = History()
    for p in session.scalars(select(PlannedControl).where(PlannedControl.status == "planned",
                                                          PlannedControl.scheduled_on >= day,
                                                          access.in_organisation(PlannedControl, organisation_id))):
        found = candidates.get(address_key(Address.model_validate(p.address)))
        if found is not None and (found.next_planned_on is None or p.scheduled_on < found.next_planned_on):
            found.next_planned_on = p.scheduled_on
    return rank(list(candidates.values()), day, limit=limit)


def _places(session: Session, organisation_id: uuid.UUID, day: date) -> dict[str, _Place]:
    """Address key -> what the organisation's controls there add up to."""
    out: dict[str, _Place] = {}
    for row in session.execute(_per_address(organisation_id, day)):
        parts = {name: value for name, value in zip(ADDRESS_FIELDS, row[:5], strict=True) if value is not None}
        address = Address.model_validate({**parts, "neighbourhood": row.neighbourhood or ""})
        key = address_key(address)
        place = out.get(key)
        if place is None:
            place = out[key] = _Place(address=address)
        _merge(place, row)
    return out


def _merge(place: _Place, row: Any) -> None:
    last = _utc(row.last_done)
    if last is not None and (place.last_done is None or last > place.last_done):
        place.last_done = last
    place.signals += int(row.signals or 0)
    for level, moment in ((3, row.l3), (2, row.l2), (1, row.l1)):
        moment = _utc(moment)
        if moment is not None and (level not in place.worst or moment > place.worst[level]):
            place.worst[level] = moment
    place.open_signals += int(row.open_signals or 0)
    place.done_this_year = place.done_this_year or bool(row.this_year)
    place.linked += int(row.linked or 0)


def _per_address(organisation_id: uuid.UUID, day: date) -> Select[Any]:
    """One row per distinct address (its key's fields) of the organisation's controls."""
    fields = [Inspection.address[name].as_string().label(name) for name in ADDRESS_FIELDS]
    finished = Inspection.status == "finished"
    on = func.coalesce(Inspection.finished_at, Inspection.started_at)
    since = datetime.combine(day - timedelta(days=SIGNAL_WINDOW_DAYS), time(0), periods.AMSTERDAM).astimezone(UTC)
    signal = finished & (Inspection.level >= 1) & (on >= since)
    linked, unverified = _linked_counts(organisation_id), _unverified()
    this_year = finished & (on >= periods.local_start(day.year)) & (on < periods.local_start(day.year + 1))
    return (select(*fields, func.min(Inspection.address["neighbourhood"].as_string()).label("neighbourhood"),
                   func.max(case((finished, on))).label("last_done"),
                   func.sum(case((signal, 1), else_=0)).label("signals"),
                   *(func.max(case((signal & (Inspection.level == n), on))).label(f"l{n}") for n in (3, 2, 1)),
                   func.sum(case((finished & (Inspection.level >= 1) & unverified.c.inspection_id.is_not(None), 1),
                                 else_=0)).label("open_signals"),
                   func.max(case((this_year, 1), else_=0)).label("this_year"),
                   func.sum(func.coalesce(linked.c.n, 0)).label("linked"))
            .outerjoin(linked, linked.c.inspection_id == Inspection.id)
            .outerjoin(unverified, unverified.c.inspection_id == Inspection.id)
            .where(access.in_organisation(Inspection, organisation_id)).group_by(*fields))


def _unverified() -> Any:
    """The inspections with a signal whose latest verification is missing or says meer_info (read from the
    signals, a few per cent of the controls, once; not a subquery per control)."""
    latest = (select(Verification.verdict)
              .where(Verification.inspection_id == SignalFact.inspection_id,
                     Verification.subject_id == SignalFact.subject_id)
              .order_by(Verification.at.desc(), Verification.id.desc()).limit(1)
              .correlate(SignalFact).scalar_subquery())
    return (select(SignalFact.inspection_id).where(or_(latest.is_(None), latest == Verdict.MEER_INFO.value))
            .distinct().subquery("unverified"))


def _linked_counts(organisation_id: uuid.UUID) -> Any:
    """Inspection id -> how many other controls of the organisation share an identifier with it."""
    mine, other = aliased(Identifier), aliased(Identifier)
    return (select(mine.inspection_id.label("inspection_id"),
                   func.count(func.distinct(other.inspection_id)).label("n"))
            .join(other, access.same_organisation(other, mine) & (other.kind == mine.kind)
                  & (other.digest == mine.digest) & (other.inspection_id != mine.inspection_id))
            .where(access.in_organisation(mine, organisation_id)).group_by(mine.inspection_id).subquery("linked"))


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: datetime | None) -> date | None:
    return establishments.local_date(value) if value is not None else None
