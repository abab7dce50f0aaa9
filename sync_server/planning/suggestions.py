"""Gathers the facts for ``ranking``: per address what its controls add up to (counted in SQL, one row per
address key), registered establishments, upcoming planned controls, and links to other controls through shared
identifiers (``links``). A signal counts as open until its latest verification is gegrond or ongegrond (none yet,
or "meer info nodig": ``signal_fact.verdict``).

Why per address key from the control facts: the organisation's whole history is the input (100,000 controls and
more). ``control_fact`` holds each control's address key, finished time and level, and its index is in key order,
so the database reads the history once in order without sorting it; the signals (a few per cent of the controls)
and the links are counted in two small queries beside it. Python scores every address and builds the reasons, and
reads an address (the JSON) only for the ``limit`` shown."""

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
from sync_server.inspections.control_facts import ControlFact
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links.models import Identifier
from sync_server.planning.models import PlannedControl
from sync_server.planning.ranking import SIGNAL_WINDOW_DAYS, Candidate, History, rank
from sync_server.tenancy import access

UNREAD = Address.model_construct(street="")  # a candidate's address until it is shown (``_addresses``)


@dataclass
class _Place:
    """What the controls at one address key add up to."""

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
    unknown: set[str] = set()  # keys whose address is read for the shown suggestions only
    for key, place in _places(session, organisation_id, day).items():
        c = candidates.get(key)
        if c is None:
            c = candidates[key] = Candidate(key=key, address=UNREAD)
            unknown.add(key)
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
    ranked = rank(list(candidates.values()), day, limit=limit)
    addresses = _addresses(session, organisation_id, [s.key for s in ranked if s.key in unknown])
    return [s.model_copy(update={"address": addresses[s.key]}) if s.key in unknown else s for s in ranked]


def _addresses(session: Session, organisation_id: uuid.UUID, keys: list[str]) -> dict[str, Address]:
    """Key -> the address of one of the organisation's controls with that key (any: they share the key)."""
    if not keys:
        return {}
    nth = func.row_number().over(partition_by=Inspection.address_key, order_by=Inspection.id).label("nth")
    ranked = (select(Inspection.address_key, Inspection.address, nth)
              .where(access.in_organisation(Inspection, organisation_id), Inspection.address_key.in_(keys))
              .subquery("ranked"))
    rows = session.execute(select(ranked.c.address_key, ranked.c.address).where(ranked.c.nth == 1))
    return {key: Address.model_validate(address) for key, address in rows}


def _places(session: Session, organisation_id: uuid.UUID, day: date) -> dict[str, _Place]:
    """Address key -> what the organisation's controls there add up to."""
    out: dict[str, _Place] = {}
    year_start, next_year = periods.local_start(day.year), periods.local_start(day.year + 1)
    later: list[str] = []  # keys whose last finished control lies after this year (a control dated ahead)
    for key, last in session.execute(_last_done(organisation_id)):
        place = out[key] = _Place(last_done=_utc(last))
        if place.last_done is not None:
            place.done_this_year = year_start <= place.last_done < next_year
            if place.last_done >= next_year:
                later.append(key)
    for key in session.scalars(_done_in(organisation_id, later, year_start, next_year)) if later else ():
        out[str(key)].done_this_year = True
    for key, level, n, latest in session.execute(_signals(organisation_id, day)):
        place = out[key]
        place.signals += int(n)
        place.worst[int(level)] = _utc(latest)  # type: ignore[assignment]
    for key, n in session.execute(_open_signals(organisation_id)):
        if key in out:
            out[key].open_signals = int(n)
    for key, n in session.execute(_linked_per_address(organisation_id)):
        if key in out:
            out[key].linked = int(n)
    return out


def _last_done(organisation_id: uuid.UUID) -> Select[*tuple[Any, ...]]:
    """One row per address key of the organisation's controls with its last finished time (None: none finished),
    read in the order of ``ix_control_fact_address``."""
    return (select(ControlFact.address_key, func.max(case((ControlFact.finished.is_(True), ControlFact.on_at))))
            .where(access.in_organisation(ControlFact, organisation_id), ControlFact.address_key.is_not(None))
            .group_by(ControlFact.address_key))


def _done_in(organisation_id: uuid.UUID, keys: list[str], start: datetime, end: datetime) -> Select[str | None]:
    """Those of ``keys`` with a finished control in [start, end)."""
    return (select(ControlFact.address_key).distinct()
            .where(access.in_organisation(ControlFact, organisation_id), ControlFact.address_key.in_(keys),
                   ControlFact.finished.is_(True), ControlFact.on_at >= start, ControlFact.on_at < end))


def _signals(organisation_id: uuid.UUID, day: date) -> Select[*tuple[Any, ...]]:
    """(key, level, count, latest) of the finished controls with a signal within the window (``ix_control_fact_level``:
    a few per cent of the controls)."""
    since = datetime.combine(day - timedelta(days=SIGNAL_WINDOW_DAYS), time(0), periods.AMSTERDAM).astimezone(UTC)
    fact = ControlFact
    return (select(fact.address_key, fact.level, func.count(), func.max(fact.on_at))
            .where(access.in_organisation(fact, organisation_id), fact.level >= 1, fact.on_at >= since,
                   fact.finished.is_(True), fact.address_key.is_not(None))
            .group_by(fact.address_key, fact.level))


def _open_signals(organisation_id: uuid.UUID) -> Select[*tuple[Any, ...]]:
    """Address key -> finished controls with a signal whose latest verification is missing or says meer_info."""
    fact = ControlFact
    unverified = (select(SignalFact.id).where(SignalFact.inspection_id == fact.inspection_id,
                                              or_(SignalFact.verdict.is_(None),
                                                  SignalFact.verdict == Verdict.MEER_INFO.value)).exists())
    return (select(fact.address_key, func.count())
            .where(access.in_organisation(fact, organisation_id), fact.finished.is_(True), fact.signals > 0,
                   fact.level >= 1, unverified)
            .group_by(fact.address_key))


def _linked_per_address(organisation_id: uuid.UUID) -> Select[*tuple[Any, ...]]:
    """Address key -> the sum over its controls of how many other controls share an identifier with each."""
    linked = _linked_counts(organisation_id)
    return (select(ControlFact.address_key, func.sum(linked.c.n))
            .join(ControlFact, ControlFact.inspection_id == linked.c.inspection_id).group_by(ControlFact.address_key))


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
