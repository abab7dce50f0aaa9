"""Review records: verifications of signals, referrals to partners, comments to the inspector, and the
audit trail (who saw and changed what). All append-only: the latest verification of a signal is its state."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    func,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from sync_server.db import Base
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import CHUNK, SignalFact


class Verification(Base):
    __tablename__ = "signal_verification"
    # a signal's latest verification (``review.signals``), migration 2026_12_04_1000
    __table_args__ = (Index("ix_signal_verification_signal", "inspection_id", "subject_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    subject_id: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Referral(Base):
    __tablename__ = "signal_referral"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    partner: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Comment(Base):
    __tablename__ = "review_comment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One read or change by an office user; ``inspection_id`` set when it concerns one control.

    Hash-chained per organisation (``review.chain``): ``chain_seq`` is the entry's place in its organisation's
    chain (1, 2, ...), ``entry_hash`` the sha256 of ``prev_hash`` and the entry's canonical content. The
    ``inspection_id`` has no foreign key: an entry about a control outlives the control's retention period."""

    __tablename__ = "audit_entry"
    # also the audit list's order: newest first per organisation (``review.audit``)
    __table_args__ = (UniqueConstraint("organisation_id", "chain_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # None for what the server did by itself (a purge)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(100), default="")
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain_seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditChain(Base):
    """The head of one organisation's audit chain: its last ``seq`` and ``head_hash``. Its row lock, taken as the
    last act of a transaction (``review.chain``), orders the organisation's audit writers."""

    __tablename__ = "audit_chain"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """Where an organisation's chain starts after its oldest entries were purged (retention): the seq and hash
    of the last deleted entry. The purge's own audit entry repeats both, so a checkpoint cannot be made up."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    through_seq: Mapped[int] = mapped_column(BigInteger)
    through_hash: Mapped[str] = mapped_column(String(64))
    through_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def latest_verdict() -> Any:
    """The verdict of the latest verification of the signal ``signal_fact`` row (correlated; None: none yet)."""
    return (select(Verification.verdict)
            .where(Verification.inspection_id == SignalFact.inspection_id,
                   Verification.subject_id == SignalFact.subject_id)
            .order_by(Verification.at.desc(), Verification.id.desc()).limit(1)
            .correlate(SignalFact).scalar_subquery())


def refresh_verdicts(*, session: Session, inspection_ids: set[uuid.UUID]) -> None:
    """Set ``signal_fact.verdict`` of these inspections' signals to their latest verification, and their copies of
    the control's organisation and ``raised_at`` (its finish, else its arrival) to the control's."""
    table = cast(Table, SignalFact.__table__)
    of_control = Inspection.id == table.c.inspection_id
    organisation = select(Inspection.organisation_id).where(of_control).scalar_subquery()
    raised = select(func.coalesce(Inspection.finished_at, Inspection.received_at)).where(of_control).scalar_subquery()
    ordered = sorted(inspection_ids, key=str)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        session.execute(update(table).where(table.c.inspection_id.in_(chunk))
                        .values(verdict=latest_verdict(), organisation_id=organisation, raised_at=raised))


# a change of one of these moves a control's signals in "Alle signalen" (``refresh_verdicts`` copies them)
_COPIED = ("flag", "finished_at", "received_at", "organisation_id")


def _copied_changed(obj: Inspection) -> bool:
    attrs = sa_inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in _COPIED)


@event.listens_for(Session, "after_flush")
def _follow_verdicts(session: Session, _context: Any) -> None:
    """A new verification, a flag that replaced a control's signal facts (``signal_facts``' hook, registered
    before this one by the import above, has run), or a control's new finish, arrival or organisation sets the
    facts' latest verdict and copies again."""
    touched = {o.inspection_id for o in session.new if isinstance(o, Verification)}
    touched |= {o.id for o in (*session.new, *session.dirty) if isinstance(o, Inspection) and _copied_changed(o)}
    if touched:
        refresh_verdicts(session=session, inspection_ids=touched)
