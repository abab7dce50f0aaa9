"""Control facts: one narrow row per control with what the office's aggregates count it by, kept in step with it.

Why: aard en omvang groups the finished controls by local quarter, type, level and neighbourhood, and Waar kijken
we? groups all controls by address. Grouped from ``inspection`` itself, each call computes a local quarter per row
(a time zone conversion, or string work on SQLite) and sorts the whole history (82,000 rows at 100,000 controls:
0.6 s on SQLite). These rows hold the local quarter and the address key as columns, and their indexes are in the
order of those GROUP BYs, so the database reads them in order and never sorts the history.

The rows follow the control wherever it is written: an ``after_flush`` hook replaces the row of every inspection
that is new in the flush or whose counted columns changed (one DELETE and one INSERT per flush, not per control),
and recounts the persons of a control whose person rows the flush wrote,
so the push, a level set by a verification, the catalogue's re-evaluation and any later writer keep them right
without knowing about them; no counter is shared between controls, so concurrent pushes never wait for each other
here. Deleting an inspection deletes its row (``ON DELETE CASCADE``: the retention purge deletes in bulk).
Migration 2026_12_06_1100 fills them for the controls stored before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from sync_server.db import Base
from sync_server.inspections.models import Inspection, Person
from sync_server.inspections.signal_facts import subjects
from sync_server.periods import AMSTERDAM

CHUNK = 500
# the inspection columns a fact row is made of: a change of any of them replaces the row
COUNTED = ("organisation_id", "team_id", "inspector_id", "status", "started_at", "finished_at", "control_type",
           "level", "neighbourhood", "address_key", "flag")


class ControlFact(Base):
    """One control as the office's aggregates count it."""

    __tablename__ = "control_fact"
    __table_args__ = (
        # aard en omvang: finished controls per local quarter, type, level and neighbourhood, read in index order
        Index("ix_control_fact_overview", "organisation_id", "finished", "quarter", "control_type", "level",
              "neighbourhood", "team_id", "inspector_id"),
        # the few controls with a signal (aard en omvang's signals per quarter, the ranking's open signals): a partial
        # index, which the planners take over the overview's index without statistics
        Index("ix_control_fact_signals", "organisation_id", "finished", "quarter", "team_id", "inspector_id",
              "inspection_id", sqlite_where=text("signals > 0"), postgresql_where=text("signals > 0")),
        # Waar kijken we?: every control per address key, read in key order; the signals by level and time
        Index("ix_control_fact_address", "organisation_id", "address_key", "finished", "on_at", "level"),
        Index("ix_control_fact_level", "organisation_id", "level", "on_at", "finished", "address_key"),
    )

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"),
                                                     primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    team_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    inspector_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    finished: Mapped[bool] = mapped_column(Boolean)
    quarter: Mapped[int] = mapped_column(Integer)  # the local (Amsterdam) quarter of the start: year * 10 + 1..4
    on_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # finished, else started (UTC)
    control_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    neighbourhood: Mapped[str | None] = mapped_column(String(100), default=None)
    address_key: Mapped[str | None] = mapped_column(String(400), default=None)
    signals: Mapped[int] = mapped_column(Integer, default=0)  # the flag's subjects at level 1 or more
    persons: Mapped[int] = mapped_column(Integer, default=0)  # persons recorded and not deleted


def quarter_of(moment: datetime) -> int:
    """``year * 10 + quarter`` of ``moment`` in Amsterdam (a time without zone is UTC)."""
    local = _utc(moment).astimezone(AMSTERDAM)
    return local.year * 10 + (local.month - 1) // 3 + 1


def quarter_name(quarter: int) -> str:
    """The ``yyyy-Kn`` of a ``quarter`` value."""
    return f"{quarter // 10}-K{quarter % 10}"


def row_of(i: Any, persons: int) -> dict[str, Any]:
    """The fact row of one control (an ``Inspection`` or a row with its columns), as values for an INSERT."""
    return {"persons": persons, "inspection_id": i.id, "organisation_id": i.organisation_id, "team_id": i.team_id,
            "inspector_id": i.inspector_id, "finished": i.status == "finished", "quarter": quarter_of(i.started_at),
            "on_at": _utc(i.finished_at or i.started_at), "control_type": i.control_type, "level": i.level,
            "neighbourhood": i.neighbourhood, "address_key": i.address_key, "signals": len(subjects(i.flag))}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def replace(*, session: Session, controls: list[Any], existing: bool = True) -> None:
    """Make the fact rows of these controls those of their current columns (``existing=False``: none stored)."""
    table = cast(Table, ControlFact.__table__)
    for chunk in _chunks(sorted(controls, key=lambda i: str(i.id))):
        if existing:
            session.execute(delete(table).where(table.c.inspection_id.in_([i.id for i in chunk])))
        persons = persons_of(session, [i.id for i in chunk])
        session.execute(insert(table), [row_of(i, persons.get(i.id, 0)) for i in chunk])


def persons_of(session: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Control id -> its persons not deleted (``session``: a Session or a Connection)."""
    stmt = (select(Person.inspection_id, func.count()).where(Person.inspection_id.in_(ids), Person.deleted.is_(False))
            .group_by(Person.inspection_id))
    return {iid: int(n) for iid, n in session.execute(stmt)}


def recount_persons(*, session: Session, ids: list[uuid.UUID]) -> None:
    """Set the persons of these controls' fact rows from their person rows (a person added, deleted or restored)."""
    table = cast(Table, ControlFact.__table__)
    counted = (select(func.count()).where(Person.inspection_id == table.c.inspection_id, Person.deleted.is_(False))
               .scalar_subquery())
    for chunk in _chunks(sorted(ids, key=str)):
        session.execute(update(table).where(table.c.inspection_id.in_(chunk)).values(persons=counted))


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _counted_changed(obj: Any) -> bool:
    attrs = sa_inspect(obj).attrs
    return any(getattr(attrs, name).history.has_changes() for name in COUNTED)


def _inspections(objects: Iterable[Any]) -> list[Inspection]:
    return [o for o in objects if isinstance(o, Inspection)]


@event.listens_for(Session, "after_flush")
def _follow_controls(session: Session, _context: Any) -> None:
    """Replace the fact rows of the controls this flush created or whose counted columns it changed."""
    new = _inspections(session.new)
    dirty = [i for i in _inspections(session.dirty) if _counted_changed(i) and i not in session.deleted]
    if new:
        replace(session=session, controls=new, existing=False)
    if dirty:
        replace(session=session, controls=dirty)
    done = {i.id for i in new + dirty}
    people = {o.inspection_id for o in (*session.new, *session.dirty, *session.deleted)
              if isinstance(o, Person) and o.inspection_id not in done}
    if people:
        recount_persons(session=session, ids=list(people))
