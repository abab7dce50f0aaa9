"""The team lead's acts on a control: verify a signal, refer it, comment to the inspector; and the
control's review state (signals, history, links) that the office screen shows.

Every act is audited in the same transaction. A comment reaches the inspector's tablet through the
change log (entity ``comment``, scope ``user:<inspector>``); comments are append-only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.review import (
    CommentCreate,
    CommentRead,
    HistoryEntry,
    Partner,
    ReferralCreate,
    ReferralRead,
    ReviewState,
    SignalState,
    Verdict,
    VerificationCreate,
    VerificationGroupCreate,
    VerificationRead,
)
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.errors import ApiError
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection
from sync_server.links import service as links
from sync_server.review import audit, signals
from sync_server.review.models import AuditEntry, Comment, Referral, Verification
from sync_server.sync import changes
from sync_server.tenancy import access


def get_or_raise(*, session: Session, user: Principal, inspection_id: uuid.UUID) -> Inspection:
    """The control if ``user`` may see it (``tenancy.access``); 404 otherwise."""
    return access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)


def verify(*, session: Session, inspection_id: uuid.UUID, by: Principal, data: VerificationCreate) -> VerificationRead:
    """Record a verdict on one signal of the control (409 when the control has no such signal)."""
    inspection = get_or_raise(session=session, user=by, inspection_id=inspection_id)
    _known_signals(inspection, [data.subject_id])
    return _record_verdict(session=session, inspection=inspection, by=by, subject_id=data.subject_id,
                           verdict=data.verdict, reason=data.reason, at=datetime.now(UTC))


def verify_group(*, session: Session, inspection_id: uuid.UUID, by: Principal,
                 data: VerificationGroupCreate) -> list[VerificationRead]:
    """Record one verdict on several signals of the control: a row and an audit entry per signal, all or none
    (409 when any of them is not a signal of the control). The audit entries share a ``group`` id."""
    inspection = get_or_raise(session=session, user=by, inspection_id=inspection_id)
    _known_signals(inspection, data.subject_ids)
    at, group = datetime.now(UTC), {"group": str(uuid.uuid4()), "group_size": len(data.subject_ids)}
    return [_record_verdict(session=session, inspection=inspection, by=by, subject_id=subject_id,
                            verdict=data.verdict, reason=data.reason, at=at, group=group)
            for subject_id in data.subject_ids]


def _known_signals(inspection: Inspection, subject_ids: list[str]) -> None:
    known = {str(s["subject_id"]) for s in signals.subjects(inspection.flag)}
    if not set(subject_ids) <= known:
        raise ApiError("no_such_signal")


def _record_verdict(*, session: Session, inspection: Inspection, by: Principal, subject_id: str, verdict: Verdict,
                    reason: str, at: datetime, group: dict[str, object] | None = None) -> VerificationRead:
    row = Verification(id=uuid.uuid4(), inspection_id=inspection.id, subject_id=subject_id, verdict=verdict.value,
                       reason=reason, by_id=by.user_id, at=at)
    session.add(row)
    audit.record(session=session, user=by, action="verify", object_type="signal",
                 object_id=f"{inspection.id}:{subject_id}", inspection_id=inspection.id,
                 detail={"subject_id": subject_id, "verdict": verdict.value, "reason": reason, **(group or {})})
    return VerificationRead(id=row.id, subject_id=row.subject_id, verdict=verdict, reason=row.reason,
                            by=by.display_name, at=row.at)


def refer(*, session: Session, inspection_id: uuid.UUID, by: Principal, data: ReferralCreate) -> ReferralRead:
    """Refer the control's signals to a partner, with a note."""
    inspection = get_or_raise(session=session, user=by, inspection_id=inspection_id)
    if not signals.subjects(inspection.flag):
        raise ApiError("no_such_signal")
    row = Referral(inspection_id=inspection.id, partner=data.partner.value, note=data.note, by_id=by.user_id,
                   at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit.record(session=session, user=by, action="refer", object_type="inspection", object_id=str(inspection.id),
                 inspection_id=inspection.id, detail={"partner": data.partner.value, "note": data.note})
    return ReferralRead(id=row.id, partner=data.partner, note=row.note, by=by.display_name, at=row.at)


def comment(*, session: Session, inspection_id: uuid.UUID, by: Principal, data: CommentCreate) -> CommentRead:
    """Append a comment for the inspector; it syncs to their devices."""
    inspection = get_or_raise(session=session, user=by, inspection_id=inspection_id)
    changes.lock(session=session)
    row = Comment(id=uuid.uuid4(), inspection_id=inspection.id, author_id=by.user_id, author_name=by.display_name,
                  author_role=by.role.value, body=data.body, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    read = _comment_read(row)
    changes.emit(session=session, entity="comment", entity_id=str(row.id),
                 scope=inspections.inspector_scope(inspection), data=read.model_dump(mode="json"))
    audit.record(session=session, user=by, action="comment", object_type="comment", object_id=str(row.id),
                 inspection_id=inspection.id, detail={"body": data.body})
    return read


def _comment_read(row: Comment) -> CommentRead:
    return CommentRead(id=row.id, inspection_id=row.inspection_id, author_name=row.author_name,
                       author_role=row.author_role, body=row.body, created_at=row.created_at)


def state(*, session: Session, user: Principal, inspection_id: uuid.UUID, within_days: int) -> ReviewState:
    """Signals with their state, all verifications, referrals, comments, the history and linked controls."""
    inspection = get_or_raise(session=session, user=user, inspection_id=inspection_id)
    inspector = session.get(User, inspection.inspector_id)
    names = {uid: name for uid, name in session.execute(select(User.id, User.display_name))}
    verifications = list(session.scalars(select(Verification).where(Verification.inspection_id == inspection.id)
                                         .order_by(Verification.at, Verification.id)))
    referrals = list(session.scalars(select(Referral).where(Referral.inspection_id == inspection.id)
                                     .order_by(Referral.at, Referral.id)))
    comments = session.scalars(select(Comment).where(Comment.inspection_id == inspection.id)
                               .order_by(Comment.created_at, Comment.id))
    partners = list(dict.fromkeys(Partner(r.partner) for r in referrals))
    return ReviewState(
        signals=_signal_states(session, inspection, inspector.display_name if inspector else "?", partners,
                               within_days),
        verifications=[VerificationRead(id=v.id, subject_id=v.subject_id, verdict=Verdict(v.verdict), reason=v.reason,
                                        by=names.get(v.by_id, "?"), at=v.at) for v in verifications],
        referrals=[ReferralRead(id=r.id, partner=Partner(r.partner), note=r.note, by=names.get(r.by_id, "?"), at=r.at)
                   for r in referrals],
        comments=[_comment_read(c) for c in comments],
        history=history(session=session, inspection=inspection, inspector=inspector),
        linked=links.linked(session=session, inspection=inspection, viewer=user),
    )


def _signal_states(session: Session, inspection: Inspection, inspector: str, partners: list[Partner],
                   within_days: int) -> list[SignalState]:
    latest = signals.latest_verifications(session=session, inspection_ids=[inspection.id])
    return signals.states(inspection=inspection, inspector=inspector, latest=latest, referrals=partners,
                          within_days=within_days, now=datetime.now(UTC))


def history(*, session: Session, inspection: Inspection, inspector: User | None) -> list[HistoryEntry]:
    """The control's steps in time order: started, finished, received, then every office act (not reads)."""
    who = inspector.display_name if inspector else "?"
    out = [HistoryEntry(at=inspection.started_at, actor=who, role="inspecteur", action="started")]
    if inspection.finished_at:
        out.append(HistoryEntry(at=inspection.finished_at, actor=who, role="inspecteur", action="finished"))
    out.append(HistoryEntry(at=inspection.received_at, actor=who, role="inspecteur", action="received"))
    names = {uid: name for uid, name in session.execute(select(User.id, User.display_name))}
    entries = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection.id,
                                                       AuditEntry.action.not_in(audit.READS))
                              .order_by(AuditEntry.id))
    out += _grouped([HistoryEntry(at=e.at, actor=names.get(e.user_id, e.username) if e.user_id else e.username,
                                  role=e.role, action=e.action, detail=e.detail) for e in entries])
    return sorted(out, key=lambda h: _utc(h.at))


def _grouped(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """One step ``verify_group`` (with its ``subject_ids``) for the verdicts one group verification recorded."""
    members: dict[str, list[object]] = {}
    for entry in entries:
        if entry.action == "verify" and isinstance(entry.detail.get("group"), str):
            members.setdefault(str(entry.detail["group"]), []).append(entry.detail.get("subject_id"))
    out: list[HistoryEntry] = []
    for entry in entries:
        group = entry.detail.get("group") if entry.action == "verify" else None
        if not isinstance(group, str):
            out.append(entry)
        elif group in members:
            detail = {k: v for k, v in entry.detail.items() if k not in ("subject_id", "group")}
            detail["subject_ids"] = members.pop(group)
            out.append(entry.model_copy(update={"action": "verify_group", "detail": detail}))
    return out


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
