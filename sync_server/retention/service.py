"""Retention: what has been kept longer than its period is deleted on the server, and what was deleted recorded.

The periods are settings in days (``INSPECTIE_RETENTION_*``, docs/SECURITY.md "Retention"), to be set by the
records manager from the Selectielijst gemeenten 2020; a period that is not set keeps that kind of data. They are the
server's maximum: an organisation's beheerder may set shorter ones in the office app (``admin.settings``), and each
organisation is purged by its own periods in force (``periods_for``). Kinds:

* a finished control **without signals** (level 0): from its finish;
* a control whose every signal was verified **ongegrond** and that was never referred: from the last verdict;
* a **referred** control (referred to a partner, or a signal verified gegrond): from the last verdict or referral;
* **photos** (files and their references) of finished controls: from the control's finish;
* the **audit trail**: the oldest whole segment of each organisation's chain (a checkpoint keeps it verifiable).

A control with an open signal (unverified or "meer informatie nodig") and a draft are never deleted. Deleting a
control deletes its answers, persons, photos, conflicts, verifications, referrals, comments and identifier hashes,
removes what the change log still held about it (flag, corrections, conflicts, comments) and sends deletes for
them to its inspector's devices (the tablet drops the server's flag; its own copy of the control it purges itself
after its own, much shorter period); audit entries about it keep their text. Each run writes a ``PurgeRun`` row
and an audit entry per organisation, in one transaction with the deletes; photo files go after the commit (a
failed run deletes no file a row still points to).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from schemas.retention import RetentionPeriods, RetentionRun
from sync_server.admin import settings as org_settings
from sync_server.blobs.models import Blob
from sync_server.blobs.store import BlobStore
from sync_server.config import Settings
from sync_server.establishments.models import Violation
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Answer, FindingConflict, Inspection, Person, Photo
from sync_server.links.models import Identifier
from sync_server.retention.models import PurgeRun
from sync_server.review import chain, signals
from sync_server.review.models import AuditEntry, Comment, Referral, Verification
from sync_server.sync import changes
from sync_server.sync.models import ChangeLog
from sync_server.tenancy import access
from sync_server.tenancy.models import Organisation

KINDS = ("controls_without_signals", "unfounded_signals", "referred", "photos", "audit")


def periods(settings: Settings) -> RetentionPeriods:
    """The server's retention periods, in days (None: kept): every organisation's maximum."""
    return org_settings.server_periods(settings)


@dataclass
class OrgPurge:
    """What one organisation's purge deletes (or would delete, in a dry run)."""

    organisation_id: uuid.UUID
    organisation_key: str
    controls: dict[str, list[uuid.UUID]] = field(default_factory=lambda: {k: [] for k in KINDS[:3]})
    photos: int = 0
    photo_files: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    audit_entries: int = 0
    kept_open: int = 0
    periods: RetentionPeriods = field(default_factory=RetentionPeriods)  # the organisation's periods in force

    def counts(self) -> dict[str, int]:
        return {**{k: len(v) for k, v in self.controls.items()}, "photos": self.photos,
                "photo_files": len(self.photo_files), "audit_entries": self.audit_entries,
                "kept_open_signals": self.kept_open}


def purge(*, session: Session, settings: Settings, now: datetime | None = None, dry_run: bool = False,
          trigger: str = "cli") -> list[OrgPurge]:
    """Delete what expired, per organisation; with ``dry_run`` only count it (and write nothing). The caller
    commits, then deletes the returned photo files (``delete_files``)."""
    now = now or datetime.now(UTC)
    if not dry_run:
        changes.lock(session=session)  # the tombstones go through the change log; lock before the audit chain
    results, run_id = [], uuid.uuid4()
    for org in session.scalars(select(Organisation).order_by(Organisation.key)):
        result = OrgPurge(org.id, org.key)
        p = result.periods = org_settings.periods_for(session=session, organisation_id=org.id, settings=settings)
        _classify(session, result, p, now)
        _photos(session, result, p, now, dry_run)
        if not dry_run:
            _delete_controls(session, [i for ids in result.controls.values() for i in ids])
            _audit(session, result, p, now, trigger, run_id)
        else:
            result.audit_entries = _audit_count(session, org.id, p, now)
        results.append(result)
    return results


def _cutoff(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _classify(session: Session, result: OrgPurge, p: RetentionPeriods, now: datetime) -> None:
    """Sort the organisation's finished controls into the kinds whose period has passed."""
    cut = {k: _cutoff(now, getattr(p, k)) for k in KINDS[:3]}
    if all(c is None for c in cut.values()):
        return
    finished = list(session.scalars(select(Inspection).where(access.in_organisation(Inspection, result.organisation_id),
                                                             Inspection.status == "finished")))
    ids = [i.id for i in finished]
    latest = signals.latest_verifications(session=session, inspection_ids=ids) if ids else {}
    referred_at: dict[uuid.UUID, datetime] = {}
    for iid, at in session.execute(select(Referral.inspection_id, Referral.at).where(
            Referral.inspection_id.in_(ids) if ids else Referral.inspection_id.is_(None))):
        referred_at[iid] = max(referred_at.get(iid, at), at, key=chain.utc)
    for i in finished:
        kind, since = _kind(i, latest, referred_at.get(i.id))
        if kind is None:
            result.kept_open += 1
            continue
        limit = cut[kind]
        if limit is not None and since is not None and chain.utc(since) < limit:
            result.controls[kind].append(i.id)


def _kind(i: Inspection, latest: dict[tuple[uuid.UUID, str], signals.Latest], referred: datetime | None
          ) -> tuple[str | None, datetime | None]:
    """The control's retention kind and the moment its period starts; (None, None) while a signal is open."""
    subjects = signals.subjects(i.flag) if (i.level or 0) >= 1 else []
    if not subjects:
        return "controls_without_signals", i.finished_at or i.received_at
    verdicts = [latest.get((i.id, str(s["subject_id"]))) for s in subjects]
    decided = [v for v in verdicts if v is not None]
    moments = [v.at for v in decided] + ([referred] if referred else [])
    last = max(moments, key=chain.utc) if moments else None
    if referred is not None or any(v.verdict.value == "gegrond" for v in decided):
        if len(decided) < len(verdicts) or any(v.verdict.value == "meer_info" for v in decided):
            return None, None
        return "referred", last
    if len(decided) == len(verdicts) and all(v.verdict.value == "ongegrond" for v in decided):
        return "unfounded_signals", last
    return None, None


def _photos(session: Session, result: OrgPurge, p: RetentionPeriods, now: datetime, dry_run: bool) -> None:
    """Photos of controls finished before the photo period, and of the controls deleted now; their files when no
    other photo of the organisation uses them."""
    doomed = {i for ids in result.controls.values() for i in ids}
    cut = _cutoff(now, p.photos)
    stmt = (select(Photo.id, Photo.inspection_id, Photo.sha256).join(Inspection, Inspection.id == Photo.inspection_id)
            .where(access.in_organisation(Inspection, result.organisation_id)))
    rows = [r for r in session.execute(stmt)
            if r.inspection_id in doomed or (cut is not None and _finished_before(session, r.inspection_id, cut))]
    if not rows:
        return
    result.photos = len(rows)
    gone_ids = {r.id for r in rows}
    shas = {r.sha256 for r in rows}
    still_used = {sha for pid, sha in session.execute(
        select(Photo.id, Photo.sha256).join(Inspection, Inspection.id == Photo.inspection_id)
        .where(access.in_organisation(Inspection, result.organisation_id), Photo.sha256.in_(shas)))
        if pid not in gone_ids}
    result.photo_files = [(result.organisation_id, sha) for sha in sorted(shas - still_used)]
    if dry_run:
        return
    for chunk in inspections.chunks(sorted(gone_ids, key=str)):
        session.execute(delete(Photo).where(Photo.id.in_(chunk)))
    for chunk in inspections.chunks([sha for _org, sha in result.photo_files]):
        session.execute(delete(Blob).where(access.in_organisation(Blob, result.organisation_id),
                                           Blob.sha256.in_(chunk)))
    kept = sorted({r.inspection_id for r in rows} - doomed, key=str)
    found = [session.get(Inspection, iid) for iid in kept]
    inspections.emit_flags(session=session, inspections=[i for i in found if i is not None and i.flag is not None])


def _finished_before(session: Session, inspection_id: uuid.UUID, cut: datetime) -> bool:
    i = session.get(Inspection, inspection_id)
    return i is not None and i.status == "finished" and chain.utc(i.finished_at or i.received_at) < cut


def _delete_controls(session: Session, ids: list[uuid.UUID]) -> None:
    """Delete the controls and all that hangs on them; the change log forgets them and tells the inspector's
    devices (``inspection_flag``, ``conflict`` and ``comment`` deletes)."""
    for chunk in inspections.chunks(sorted(ids, key=str)):
        found = list(session.scalars(select(Inspection).where(Inspection.id.in_(chunk))))
        _forget_changes(session, found)
        for model in (Answer, Person, Photo, FindingConflict, Verification, Referral, Comment, Identifier):
            session.execute(delete(model).where(model.inspection_id.in_(chunk)))
        session.execute(update(Violation).where(Violation.inspection_id.in_(chunk)).values(inspection_id=None))
        session.execute(delete(Inspection).where(Inspection.id.in_(chunk)))


def _forget_changes(session: Session, found: list[Inspection]) -> None:
    ids = [i.id for i in found]
    conflicts = {str(c) for c in session.scalars(select(FindingConflict.id)
                                                 .where(FindingConflict.inspection_id.in_(ids)))}
    comments = {str(c) for c in session.scalars(select(Comment.id).where(Comment.inspection_id.in_(ids)))}
    own = {str(i) for i in ids}
    for entities, keys in ((("inspection_flag", "correction", "inspection"), own), (("conflict",), conflicts),
                           (("comment",), comments)):
        for chunk in inspections.chunks(sorted(keys)):
            session.execute(delete(ChangeLog).where(ChangeLog.entity.in_(entities), ChangeLog.entity_id.in_(chunk)))
    tombstones: list[changes.NewChange] = []
    for i in found:
        scope = inspections.inspector_scope(i)
        tombstones.append(changes.NewChange("inspection_flag", str(i.id), scope, None, "delete"))
        tombstones += [changes.NewChange("conflict", str(c), scope, None, "delete") for c in session.scalars(
            select(FindingConflict.id).where(FindingConflict.inspection_id == i.id))]
        tombstones += [changes.NewChange("comment", str(c), scope, None, "delete") for c in session.scalars(
            select(Comment.id).where(Comment.inspection_id == i.id))]
    changes.emit_many(session=session, items=tombstones)


def _audit_count(session: Session, organisation_id: uuid.UUID, p: RetentionPeriods, now: datetime) -> int:
    cut = _cutoff(now, p.audit)
    if cut is None:
        return 0
    from sqlalchemy import func

    keep_from = session.scalar(select(func.min(AuditEntry.chain_seq)).where(
        access.in_organisation(AuditEntry, organisation_id), AuditEntry.at >= cut))
    stmt = select(func.count()).select_from(AuditEntry).where(access.in_organisation(AuditEntry, organisation_id))
    if keep_from is not None:
        stmt = stmt.where(AuditEntry.chain_seq < keep_from)
    return int(session.scalar(stmt) or 0)


def _audit(session: Session, result: OrgPurge, p: RetentionPeriods, now: datetime, trigger: str,
           run_id: uuid.UUID) -> None:
    """The audit trail's own retention (a checkpoint), the ``PurgeRun`` row and the purge's audit entry."""
    detail: dict[str, Any] = {}
    cut = _cutoff(now, p.audit)
    if cut is not None:
        row = chain.checkpoint(session=session, organisation_id=result.organisation_id, before=cut)
        if row is not None:
            result.audit_entries = row.deleted
            detail.update(chain.as_detail(row))
    counts = result.counts()
    session.add(PurgeRun(run_id=run_id,
                         organisation_id=result.organisation_id, started_at=now, finished_at=datetime.now(UTC),
                         trigger=trigger, periods=p.model_dump(), counts=counts))
    chain.queue(session, AuditEntry(at=datetime.now(UTC), user_id=None, organisation_id=result.organisation_id,
                                    username="inspectie-server", role="system", action=chain.PURGE_ACTION,
                                    object_type="retention", object_id=trigger,
                                    detail={**detail, "counts": counts, "periods": p.model_dump()}))


def delete_files(store: BlobStore, files: Iterable[tuple[uuid.UUID, str]]) -> int:
    """Delete photo files (after the purge committed); returns how many were there."""
    gone = 0
    for org, sha in files:
        if store.delete(org, sha):
            gone += 1
    return gone


def last_run(*, session: Session, organisation_id: uuid.UUID, settings: Settings) -> RetentionRun:
    """The organisation's newest purge run (None when none ran) with its periods in force."""
    row = session.scalars(select(PurgeRun).where(access.in_organisation(PurgeRun, organisation_id))
                          .order_by(PurgeRun.finished_at.desc()).limit(1)).first()
    in_force = org_settings.periods_for(session=session, organisation_id=organisation_id, settings=settings)
    return RetentionRun(periods=in_force, daily=settings.purge_daily,
                        last_run_at=chain.utc(row.finished_at) if row else None,
                        last_trigger=row.trigger if row else None, counts=row.counts if row else {})


def run(*, settings: Settings, factory: Any, store: BlobStore, dry_run: bool = False,
        trigger: str = "cli") -> list[OrgPurge]:
    """One purge in its own transaction (``factory``: a sessionmaker), then the photo files it freed."""
    with factory() as session, session.begin():
        results = purge(session=session, settings=settings, dry_run=dry_run, trigger=trigger)
    if not dry_run:
        delete_files(store, [f for r in results for f in r.photo_files])
    return results
