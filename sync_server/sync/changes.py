"""Writing to the change log: every sync-visible write goes through ``lock`` then ``emit``.

``lock`` takes the row lock on ``sync_counter`` as the first write of the transaction; it is held
until commit, so no two writers interleave and a change with a higher seq never becomes visible
before a lower one. ``emit`` hands out the next seq (``UPDATE ... RETURNING``) for each change;
``emit_many`` reserves a run of seqs in one update. ``try_lock`` is for a writer that has something better
to do than wait (a photo upload: ``blobs.service.record``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync_server.sync.models import ChangeLog, SyncCounter

COUNTER_ID = 1


def user_scope(user_id: uuid.UUID, organisation_id: uuid.UUID) -> str:
    """The scope of one user's changes, qualified by the organisation they were written in: after a move to
    another organisation the user no longer reads what they were sent in the old one."""
    return f"user:{user_id}@{organisation_id}"


def ensure_counter(*, session: Session) -> None:
    """Create the counter row if it is missing (migrations insert it too)."""
    if session.get(SyncCounter, COUNTER_ID) is None:
        session.add(SyncCounter(id=COUNTER_ID, seq=0))
        session.flush()


def lock(*, session: Session) -> None:
    """Take the sync counter's row lock for the rest of this transaction."""
    session.execute(update(SyncCounter).where(SyncCounter.id == COUNTER_ID).values(seq=SyncCounter.seq))


def try_lock(*, session: Session) -> bool:
    """Take the sync counter's row lock if no other transaction holds it; False at once if one does.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` returns the row only when it could lock it (no error, no savepoint).
    SQLite: the transaction (``BEGIN IMMEDIATE``) already excludes every other writer, so the lock is free."""
    if session.get_bind().dialect.name != "postgresql":
        lock(session=session)
        return True
    stmt = select(SyncCounter.id).where(SyncCounter.id == COUNTER_ID).with_for_update(skip_locked=True)
    return session.scalar(stmt) is not None


def _next_seq(session: Session, count: int = 1) -> int:
    """Reserve ``count`` seqs; returns the highest."""
    stmt = (update(SyncCounter).where(SyncCounter.id == COUNTER_ID)
            .values(seq=SyncCounter.seq + count).returning(SyncCounter.seq))
    seq = session.execute(stmt).scalar_one()
    return int(seq)


def emit(*, session: Session, entity: str, entity_id: str, scope: str, data: dict[str, Any] | None,
         op: str = "put") -> int:
    """Append one change for ``scope`` and return its seq."""
    return emit_many(session=session, items=[NewChange(entity, entity_id, scope, data, op)])


@dataclass(frozen=True)
class NewChange:
    entity: str
    entity_id: str
    scope: str
    data: dict[str, Any] | None
    op: str = "put"


def emit_many(*, session: Session, items: list[NewChange]) -> int:
    """Append changes in the given order with consecutive seqs (one counter update for all); returns the
    last seq (the current one when ``items`` is empty)."""
    if not items:
        return current_seq(session=session)
    last = _next_seq(session, len(items))
    now = datetime.now(UTC)
    session.add_all([ChangeLog(seq=last - len(items) + n, entity=c.entity, entity_id=c.entity_id, op=c.op,
                               scope=c.scope, data=c.data, created_at=now) for n, c in enumerate(items, start=1)])
    session.flush()
    return last


def current_seq(*, session: Session) -> int:
    return int(session.scalar(select(SyncCounter.seq).where(SyncCounter.id == COUNTER_ID)) or 0)
