"""The audit trail: who saw and changed what (DESIGN §5). Written in the same transaction as the act."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.review import AuditRead
from sync_server.auth.schemas import Principal
from sync_server.review.models import AuditEntry

READS = frozenset({"read_detail", "read_report", "export", "lookup_identifier", "read_agencies"})


def record(*, session: Session, user: Principal, action: str, object_type: str, object_id: str = "",
           inspection_id: uuid.UUID | None = None, detail: dict[str, Any] | None = None) -> None:
    """Append one audit entry for ``user``."""
    session.add(AuditEntry(at=datetime.now(UTC), user_id=user.user_id, username=user.username,
                           role=user.role.value, action=action, object_type=object_type, object_id=object_id,
                           inspection_id=inspection_id, detail=detail or {}))
    session.flush()


def list_entries(*, session: Session, inspection_id: uuid.UUID | None = None, limit: int = 200) -> list[AuditRead]:
    """The newest entries first, optionally of one control."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if inspection_id is not None:
        stmt = stmt.where(AuditEntry.inspection_id == inspection_id)
    return [AuditRead(at=e.at, username=e.username, role=e.role, action=e.action, object_type=e.object_type,
                      object_id=e.object_id, detail=e.detail) for e in session.scalars(stmt)]
