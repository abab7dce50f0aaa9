"""Signal facts: one row per signal (a flag subject at level 1 or more), kept in step with ``Inspection.flag``.

Why: the office's aggregates (aard en omvang, the uitzendbureaus' signal counts, the ranking's open signals) and
the MDO export count or list signals by profile and level. Those live inside the flag's JSON, and reading them
there means parsing every flag of the history (3.5 s at 100,000 controls on PostgreSQL). These rows carry what
the office counts by, so the counting happens in SQL with an index.

The rows follow the flag wherever it is written: an ``after_flush`` hook replaces the rows of every inspection
whose ``flag`` changed in that flush (one DELETE and one INSERT per flush, not per control), so the ingest, the
catalogue re-evaluation and any later writer keep them right without knowing about them. Deleting an inspection
deletes its rows (``ON DELETE CASCADE``). Migration 2026_12_04_1100 fills them for the flags stored before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Table, Text, Uuid, delete, event, insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from sync_server.db import Base
from sync_server.inspections.models import Inspection

CHUNK = 500


class SignalFact(Base):
    """A signal of one control: the subject (a person or ``premises``), its level, profile and indicator codes."""

    __tablename__ = "signal_fact"
    # "Alle signalen" in its order per organisation: one range per (verdict, level), oldest first (migration
    # 2026_12_06_1000, ``review.signals``)
    __table_args__ = (Index("ix_signal_fact_review", "organisation_id", "verdict", "level", "raised_at",
                            "inspection_id", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(Integer)
    profile: Mapped[str | None] = mapped_column(String(40), default=None)
    codes: Mapped[str] = mapped_column(Text, default="")  # the indicator codes, sorted, ", "-joined
    # the verdict of the signal's latest verification (None: none yet), kept by ``review.models`` so the office's
    # "Alle signalen" sorts open and overdue signals without a subquery per signal (migration 2026_12_05_1600)
    verdict: Mapped[str | None] = mapped_column(String(20), default=None)
    # copies of the control's organisation and of when the signal reached the team (its finish, else its arrival),
    # kept by ``review.models`` with the verdict, so the list is ordered and paged from ``ix_signal_fact_review``
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    raised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


def subjects(flag: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The flag's subjects with a level of 1 or more (the definition of a signal, ``review.signals``)."""
    if not flag:
        return []
    return [s for s in flag.get("subjects", []) if isinstance(s, dict) and int(s.get("level", 0)) >= 1]


def rows_of(inspection_id: uuid.UUID, flag: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The fact rows of one flag, as values for an INSERT."""
    return [{"inspection_id": inspection_id, "subject_id": str(s["subject_id"]), "label": str(s.get("label", "")),
             "level": int(s["level"]), "profile": str(s["profile"]) if s.get("profile") else None,
             "codes": ", ".join(sorted({str(h.get("code")) for h in s.get("hits", []) if isinstance(h, dict)}))}
            for s in subjects(flag)]


def replace(*, session: Session, flags: dict[uuid.UUID, dict[str, Any] | None], existing: bool = True) -> None:
    """Make the facts of these inspections those of their ``flags`` (``existing=False``: none stored yet)."""
    table = cast(Table, SignalFact.__table__)
    for chunk in _chunks(sorted(flags, key=str)):
        if existing:
            session.execute(delete(table).where(table.c.inspection_id.in_(chunk)))
        values = [row for iid in chunk for row in rows_of(iid, flags[iid])]
        if values:
            session.execute(insert(table), values)


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _flag_changed(obj: Any) -> bool:
    return isinstance(obj, Inspection) and sa_inspect(obj).attrs.flag.history.has_changes()


def _changed(objects: Iterable[Any]) -> dict[uuid.UUID, dict[str, Any] | None]:
    return {o.id: o.flag for o in objects if _flag_changed(o)}


@event.listens_for(Session, "after_flush")
def _follow_flags(session: Session, _context: Any) -> None:
    """Replace the facts of the inspections whose flag this flush wrote (new ones have none to delete)."""
    new = _changed(session.new)
    dirty = _changed(session.dirty)
    if new:
        replace(session=session, flags=new, existing=False)
    if dirty:
        replace(session=session, flags=dirty)
