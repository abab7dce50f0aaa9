"""The audit trail: who saw and changed what (DESIGN §5). Written in the same transaction as the act.

Each entry belongs to the actor's organisation and is listed only there. Entries are hash-chained per
organisation when the transaction commits (``review.chain``): an entry recorded in a transaction that rolls
back is not written."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from schemas.pages import Page
from schemas.review import AuditRead
from sync_server import paging
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
from sync_server.reporting import cells
from sync_server.review import chain
from sync_server.review.models import AuditEntry
from sync_server.tenancy import access
from sync_server.tenancy.models import Team

READS = frozenset({"read_detail", "read_report", "export", "lookup_identifier", "read_agencies", "read_queue",
                   "read_signals", "read_clusters", "read_links", "read_identifiers", "download_photo", "read_audit",
                   "export_audit"})


def record(*, session: Session, user: Principal, action: str, object_type: str, object_id: str = "",
           inspection_id: uuid.UUID | None = None, detail: dict[str, Any] | None = None) -> None:
    """Append one audit entry for ``user`` (chained and written when the transaction commits)."""
    chain.queue(session, AuditEntry(at=datetime.now(UTC), user_id=user.user_id, organisation_id=user.organisation_id,
                                    username=user.username, role=user.role.value, action=action,
                                    object_type=object_type, object_id=object_id, inspection_id=inspection_id,
                                    detail=detail or {}))


def record_move(*, session: Session, user: User, old_team: Team, new_team: Team) -> None:
    """Audit a move of ``user`` to another team (done on the command line: the actor is the server's
    administrator, written as ``inspectie-server``), in the old organisation and, if different, the new one."""
    detail = {"username": user.username, "from_team": str(old_team.id), "to_team": str(new_team.id)}
    for org in dict.fromkeys([old_team.organisation_id, new_team.organisation_id]):
        chain.queue(session, AuditEntry(at=datetime.now(UTC), user_id=user.id, organisation_id=org,
                                        username="inspectie-server", role="cli", action="move_user",
                                        object_type="user", object_id=user.username, detail=detail))


def list_entries(*, session: Session, user: Principal, inspection_id: uuid.UUID | None = None,
                 limit: int = paging.DEFAULT_LIMIT, cursor: str | None = None) -> Page[AuditRead]:
    """A page of the caller's organisation's entries, newest first (by their place in the chain, which its unique
    index serves), optionally of one control; entries about a control only when the caller may see that control
    (a teamleider: their own team's)."""
    visible = [access.in_organisation(AuditEntry, user.organisation_id),
               or_(AuditEntry.inspection_id.is_(None), access.inspection_clause(user))]
    if inspection_id is not None:
        visible.append(AuditEntry.inspection_id == inspection_id)
    base = select(AuditEntry.id).outerjoin(Inspection, Inspection.id == AuditEntry.inspection_id).where(*visible)
    total, exact = paging.capped_count(session, base)
    if cursor is not None:
        visible.append(AuditEntry.chain_seq < paging.decode(cursor, (paging.as_int,))[0])
    stmt = (select(AuditEntry).outerjoin(Inspection, Inspection.id == AuditEntry.inspection_id).where(*visible)
            .order_by(AuditEntry.chain_seq.desc()).limit(limit + 1))
    entries = list(session.scalars(stmt))
    more, entries = len(entries) > limit, entries[:limit]
    return Page[AuditRead](items=[_read(e) for e in entries], total=total, total_is_exact=exact,
                           next_cursor=paging.encode([entries[-1].chain_seq]) if more else None)


def _read(e: AuditEntry) -> AuditRead:
    return AuditRead(at=chain.utc(e.at), username=e.username, role=e.role, action=e.action,
                     object_type=e.object_type, object_id=e.object_id, detail=e.detail, seq=e.chain_seq)


EXPORT_HEADER = ["Volgnummer", "Tijdstip (UTC)", "Gebruiker", "Rol", "Handeling", "Soort object", "Object",
                 "Controle", "Details", "Vorige hash", "Hash"]


def export_csv(*, session: Session, user: Principal) -> tuple[bytes, int]:
    """The organisation's whole trail in chain order as CSV (semicolon, UTF-8 with BOM, CRLF), every text cell
    neutralised against formula injection (``reporting.cells``); returns the file and its number of entries.
    With the seq and both hashes an outsider can check the chain (docs/SECURITY.md, "Audit trail")."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_HEADER)
    count = 0
    stmt = (select(AuditEntry).where(access.in_organisation(AuditEntry, user.organisation_id))
            .order_by(AuditEntry.chain_seq).execution_options(yield_per=1000))
    for e in session.scalars(stmt):
        detail = json.dumps(e.detail or {}, sort_keys=True, ensure_ascii=False)
        writer.writerow([cells.neutralise(v) for v in (
            e.chain_seq, chain.utc(e.at).isoformat(timespec="seconds").replace("+00:00", "Z"), e.username, e.role,
            e.action, e.object_type, e.object_id, str(e.inspection_id or ""), detail, e.prev_hash, e.entry_hash)])
        count += 1
    return buf.getvalue().encode("utf-8-sig"), count
