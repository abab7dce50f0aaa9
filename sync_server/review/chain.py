"""The audit trail's hash chain: each organisation's entries form one chain that shows an SQL update, insert or
delete.

Why it works this way:
* An entry's ``entry_hash`` is sha256 over the previous entry's hash and the entry's canonical content (every
  column but the row id), and ``chain_seq`` numbers the organisation's entries 1, 2, ... So a changed entry no
  longer matches its hash, a deleted one leaves a gap, and an inserted one breaks the link of the next entry
  or lies beyond the head (``AuditChain``) — ``verify`` names each.
* Entries are chained when the transaction commits (a ``before_commit`` hook), not when they are recorded: the
  chain head's row lock is then the last lock a transaction takes and is held only for its commit. Two writers
  wait for each other there instead of forking the chain, and no lock order with the sync counter's lock can
  deadlock (PostgreSQL: the ``UPDATE`` of the head row waits for the other transaction's commit and then reads
  its head; SQLite: one writer at a time anyway).
* A plain hash, no secret: someone who can write the database and recomputes every later hash and the head
  goes unnoticed; ``inspectie-server audit verify`` prints the head hash so it can be kept elsewhere as well.

The canonical form is a stored format: changing ``canonical`` makes every stored chain fail its check.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, SessionTransaction

from sync_server.db import insert_if_absent
from sync_server.review.models import AuditChain, AuditCheckpoint, AuditEntry
from sync_server.tenancy import access

GENESIS = "0" * 64
PENDING = "audit_pending"
PURGE_ACTION = "purge"


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite returns the stored UTC time without its zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def canonical(entry: AuditEntry) -> bytes:
    """The entry's content as hashed: sorted-key JSON of every column but the row id and the hashes."""
    content = {
        "seq": entry.chain_seq, "organisation_id": str(entry.organisation_id),
        "at": utc(entry.at).replace(tzinfo=None).isoformat(timespec="microseconds"),
        "user_id": str(entry.user_id) if entry.user_id else None, "username": entry.username, "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type, "object_id": entry.object_id,
        "inspection_id": str(entry.inspection_id) if entry.inspection_id else None, "detail": entry.detail or {},
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """sha256 of the previous hash and the entry's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


def queue(session: Session, entry: AuditEntry) -> None:
    """Have ``entry`` chained and written when ``session`` commits (dropped when it rolls back)."""
    session.info.setdefault(PENDING, []).append(entry)


def discard(session: Session, transaction: SessionTransaction) -> None:
    """Forget what was queued when the outermost transaction ends unwritten (a savepoint's end keeps it)."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _seal(session: Session) -> None:
    """Chain and write the transaction's queued entries (organisations in id order: a fixed lock order)."""
    if session.in_nested_transaction():
        return
    pending: list[AuditEntry] = session.info.pop(PENDING, [])
    if not pending:
        return
    by_org: dict[uuid.UUID, list[AuditEntry]] = defaultdict(list)
    for entry in pending:
        by_org[entry.organisation_id].append(entry)
    for org in sorted(by_org, key=str):
        append(session, org, by_org[org])
    session.flush()


event.listen(Session, "before_commit", _seal)
event.listen(Session, "after_transaction_end", discard)


def append(session: Session, organisation_id: uuid.UUID, entries: list[AuditEntry]) -> None:
    """Lock the organisation's chain head and append ``entries`` in order (the caller commits soon after)."""
    insert_if_absent(session, AuditChain, organisation_id=organisation_id, seq=0, head_hash=GENESIS)
    stmt = (update(AuditChain).where(access.in_organisation(AuditChain, organisation_id))
            .values(seq=AuditChain.seq + len(entries)).returning(AuditChain.seq, AuditChain.head_hash))
    last, head = session.execute(stmt).one()
    seq = int(last) - len(entries)
    for entry in entries:
        seq += 1
        entry.at = utc(entry.at)
        entry.chain_seq, entry.prev_hash = seq, head
        entry.entry_hash = head = entry_hash(head, entry)
        session.add(entry)
    session.execute(update(AuditChain).where(access.in_organisation(AuditChain, organisation_id))
                    .values(head_hash=head))


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # changed | broken_link | missing | inserted | truncated | checkpoint
    message: str


@dataclass
class Report:
    organisation_id: uuid.UUID
    entries: int = 0
    first_seq: int = 0
    last_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(*, session: Session, organisation_id: uuid.UUID) -> Report:
    """Walk the organisation's chain from its start (genesis or the last retention checkpoint) to its head and
    report every changed, inserted or missing entry."""
    report = Report(organisation_id)
    head = session.get(AuditChain, organisation_id)
    start_seq, start_hash = _start(session, organisation_id)
    expected_seq, prev = start_seq + 1, start_hash
    attested = start_seq == 0
    for entry in session.scalars(select(AuditEntry).where(access.in_organisation(AuditEntry, organisation_id))
                                 .order_by(AuditEntry.chain_seq, AuditEntry.id)):
        report.entries += 1
        report.first_seq = report.first_seq or entry.chain_seq
        if not _check_entry(report, entry, expected_seq, prev):
            continue
        attested = attested or _attests(entry, start_seq, start_hash)
        expected_seq, prev = entry.chain_seq + 1, entry.entry_hash
        report.last_seq = entry.chain_seq
    report.head_hash = prev
    _check_head(report, head, expected_seq - 1, prev)
    if not attested:
        report.problems.append(Problem(start_seq, "checkpoint", f"the chain starts after entry {start_seq}, "
                                       "but no purge entry in the chain attests that checkpoint"))
    return report


def _start(session: Session, organisation_id: uuid.UUID) -> tuple[int, str]:
    """The seq and hash the chain continues from: the newest retention checkpoint, else genesis."""
    checkpoint = session.scalars(select(AuditCheckpoint)
                                 .where(access.in_organisation(AuditCheckpoint, organisation_id))
                                 .order_by(AuditCheckpoint.through_seq.desc()).limit(1)).first()
    return (checkpoint.through_seq, checkpoint.through_hash) if checkpoint else (0, GENESIS)


def _attests(entry: AuditEntry, seq: int, through_hash: str) -> bool:
    """Whether ``entry`` is the purge entry that recorded the checkpoint (``seq``, ``through_hash``)."""
    detail = entry.detail or {}
    return (entry.action == PURGE_ACTION and detail.get("audit_through_seq") == seq
            and detail.get("audit_through_hash") == through_hash)


def _check_entry(report: Report, entry: AuditEntry, expected_seq: int, prev: str) -> bool:
    """Add the entry's problems to ``report``; False when it is not a place in the chain (a duplicate)."""
    seq = entry.chain_seq
    if seq < expected_seq:
        report.problems.append(Problem(seq, "inserted", f"entry {seq} appears twice or before the chain's start "
                                                        f"(row id {entry.id})"))
        return False
    if seq > expected_seq:
        missing = f"entry {expected_seq} is" if seq == expected_seq + 1 else f"entries {expected_seq}-{seq - 1} are"
        report.problems.append(Problem(expected_seq, "missing", f"{missing} missing (deleted)"))
    elif entry.prev_hash != prev:
        report.problems.append(Problem(seq, "broken_link", f"entry {seq} does not follow entry {seq - 1} "
                                                           "(an entry before it was changed or inserted)"))
    if entry_hash(entry.prev_hash, entry) != entry.entry_hash:
        report.problems.append(Problem(seq, "changed", f"entry {seq} (row id {entry.id}, {entry.action} by "
                                                       f"{entry.username}) was changed after it was written"))
    return True


def _check_head(report: Report, head: AuditChain | None, last_seq: int, last_hash: str) -> None:
    head_seq, head_hash = (head.seq, head.head_hash) if head else (0, GENESIS)
    if last_seq > head_seq:
        report.problems.append(Problem(head_seq + 1, "inserted", f"entries {head_seq + 1}-{last_seq} lie beyond "
                                                                 f"the chain's head ({head_seq}): inserted"))
    elif last_seq < head_seq:
        missing = f"entry {head_seq} is" if head_seq == last_seq + 1 else f"entries {last_seq + 1}-{head_seq} are"
        report.problems.append(Problem(last_seq + 1, "missing", f"{missing} missing (deleted; the newest)"))
    elif last_hash != head_hash:
        report.problems.append(Problem(last_seq, "changed", f"entry {last_seq} does not match the chain's head"))


def checkpoint(*, session: Session, organisation_id: uuid.UUID, before: datetime) -> AuditCheckpoint | None:
    """Delete the organisation's oldest whole segment of entries — every entry before the first one written at or
    after ``before`` — and record where the chain now starts. None when nothing is old enough."""
    from sqlalchemy import delete, func

    keep_from = session.scalar(select(func.min(AuditEntry.chain_seq)).where(
        access.in_organisation(AuditEntry, organisation_id), AuditEntry.at >= before))
    head = session.get(AuditChain, organisation_id)
    through_seq = (keep_from - 1) if keep_from is not None else (head.seq if head else 0)
    last = session.scalars(select(AuditEntry).where(access.in_organisation(AuditEntry, organisation_id),
                                                    AuditEntry.chain_seq <= through_seq)
                           .order_by(AuditEntry.chain_seq.desc()).limit(1)).first()
    if last is None:
        return None
    deleted = len(session.execute(delete(AuditEntry).where(access.in_organisation(AuditEntry, organisation_id),
                                                           AuditEntry.chain_seq <= through_seq)
                                  .returning(AuditEntry.id)).all())
    row = AuditCheckpoint(organisation_id=organisation_id, through_seq=last.chain_seq, through_hash=last.entry_hash,
                          through_at=last.at, deleted=int(deleted or 0), created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return row


def organisations(*, session: Session) -> list[uuid.UUID]:
    """Every organisation with an audit chain or entries."""
    ids = set(session.scalars(select(AuditChain.organisation_id)))
    ids |= set(session.scalars(select(AuditEntry.organisation_id).distinct()))
    return sorted(ids, key=str)


def as_detail(row: AuditCheckpoint) -> dict[str, Any]:
    """What the purge's audit entry says about a checkpoint (``verify`` checks it against the checkpoint)."""
    return {"audit_through_seq": row.through_seq, "audit_through_hash": row.through_hash,
            "audit_deleted": row.deleted}
