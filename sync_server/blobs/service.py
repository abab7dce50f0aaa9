"""Blob bookkeeping in the database (a file per organisation and sha256, a holder per uploader), who may download
a photo, and how many bytes an inspector has uploaded that no control of theirs references yet."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, delete, exists, func, select
from sqlalchemy.orm import Session, aliased

from sync_server.auth.schemas import Principal, Role
from sync_server.blobs.models import Blob, BlobArrival, BlobHolder
from sync_server.db import insert_if_absent
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection, Photo
from sync_server.sync import changes
from sync_server.tenancy import access

REVIEW_ROLES = {Role.TEAMLEIDER, Role.KETENREGISSEUR}


def known(*, session: Session, organisation_id: uuid.UUID, sha256: str) -> bool:
    """Whether the organisation's blob row exists (a read; ``record`` is the write)."""
    return session.get(Blob, (organisation_id, sha256)) is not None


def holds(*, session: Session, user: Principal, sha256: str) -> bool:
    """Whether ``user`` uploaded every byte of this photo in their organisation (a read)."""
    return session.get(BlobHolder, (user.organisation_id, sha256, user.user_id)) is not None


def record(*, session: Session, organisation_id: uuid.UUID, sha256: str, size: int,
           uploaded_by: uuid.UUID | None) -> bool:
    """Note that a blob has arrived, and that ``uploaded_by`` holds it. A finished control that uses it gets its
    flag (with photo counts) resent once its last photo is present — not for every photo on the way (the office's
    review list counts photos itself; the tablet keeps its own upload state). A photo counts as present for a
    control when the control's inspector holds it (``BlobHolder``).

    The arrival is announced right here when the sync lock is free. When another writer holds it (a push
    batch, on PostgreSQL), the upload does not wait: the arrival is written as owed (``BlobArrival``) in the
    blob's transaction, this returns True, and the caller has ``Announcer`` announce it once this transaction
    has committed. Either way one of the two sees the other: a push that finishes a control counts the blobs
    committed before it, and announces the arrivals committed before its end; an arrival committed later is
    announced after the push commits, by a transaction that sees the finished control."""
    now = datetime.now(UTC)
    new = insert_if_absent(session, Blob, organisation_id=organisation_id, sha256=sha256, size=size,
                           stored_at=now, uploaded_by=uploaded_by)
    if uploaded_by is not None:
        new = insert_if_absent(session, BlobHolder, organisation_id=organisation_id, sha256=sha256,
                               user_id=uploaded_by, size=size, received_at=now)
    if not new:
        return False  # known already (two uploads of one photo at once: the other one announces it)
    if not changes.try_lock(session=session):
        insert_if_absent(session, BlobArrival, organisation_id=organisation_id, sha256=sha256, arrived_at=now)
        return True
    _announce(session, {organisation_id: [sha256]})
    return False


def announce_arrivals(*, session: Session, sent: dict[uuid.UUID, tuple[int, int]] | None = None) -> int:
    """Announce every owed arrival and remove it: each finished control that uses one of these photos and now
    has all of its photos gets its flag resent with the counts — unless this transaction already sent it with
    the same counts (``sent``, from the push's own flags). The caller holds the sync lock. Returns how many
    arrivals it announced."""
    owed = session.execute(delete(BlobArrival).returning(BlobArrival.organisation_id, BlobArrival.sha256)).all()
    by_organisation: dict[uuid.UUID, list[str]] = defaultdict(list)
    for organisation_id, sha256 in owed:
        by_organisation[organisation_id].append(sha256)
    _announce(session, by_organisation, sent=sent or {})
    return len(owed)


def _announce(session: Session, arrived: dict[uuid.UUID, list[str]],
              sent: dict[uuid.UUID, tuple[int, int]] | None = None) -> None:
    """Resend the flag of each finished control (of the photo's organisation) that uses one of the ``arrived``
    photos and now has all of its photos, unless ``sent`` already carries the same counts."""
    counts: dict[uuid.UUID, tuple[int, int]] = {}
    for organisation_id, shas in arrived.items():
        for chunk in inspections.chunks(sorted(shas)):
            counts.update((iid, (int(expected), int(present))) for iid, expected, present in session.execute(
                _COUNTS_OF_FINISHED_USING, {"shas": chunk, "organisation_id": organisation_id}))
    sent = sent or {}
    complete = sorted(iid for iid, (expected, present) in counts.items()
                      if present >= expected and sent.get(iid) != (expected, present))
    found = [session.get(Inspection, iid) for iid in complete]
    inspections.emit_flags(session=session, inspections=[i for i in found if i is not None and i.flag is not None],
                           counts=counts)


_using = aliased(Photo)
_COUNTS_OF_FINISHED_USING = inspections.PHOTO_COUNTS.where(
    Inspection.id.in_(select(_using.inspection_id).where(_using.sha256.in_(bindparam("shas", expanding=True)))),
    access.in_organisation(Inspection, bindparam("organisation_id")), Inspection.status == "finished",
).order_by(Inspection.id)
"""``PHOTO_COUNTS`` of the finished inspections of one organisation that use one of some photos: built once (a
photo upload is a hot path)."""


HELD_BY_INSPECTOR = and_(access.same_organisation(BlobHolder, Inspection),
                         BlobHolder.sha256 == Photo.sha256, BlobHolder.user_id == Inspection.inspector_id)
"""Join condition: the photo of a control is held by that control's inspector (the only way it is present)."""


def may_download(*, session: Session, user: Principal, sha256: str) -> bool:
    """Reviewers and inspectors download a photo referenced by a control they may see (``tenancy.access``: a
    teamleider their team's, a ketenregisseur the organisation's, an inspector their own) whose inspector holds
    it: attaching someone else's hash to a control of one's own gives nobody the photo."""
    if user.role not in REVIEW_ROLES and user.role is not Role.INSPECTEUR:
        return False
    stmt = (select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
            .join(BlobHolder, HELD_BY_INSPECTOR)
            .where(Photo.sha256 == sha256, access.inspection_clause(user)).limit(1))
    return session.scalar(stmt) is not None


def referenced_by_own_control(*, session: Session, user: Principal, sha256: str) -> bool:
    """Whether a control of ``user`` (in their organisation) attaches this photo."""
    stmt = (select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.sha256 == sha256, Inspection.inspector_id == user.user_id,
                   access.in_organisation(Inspection, user.organisation_id)).limit(1))
    return session.scalar(stmt) is not None


def unreferenced_bytes(*, session: Session, user: Principal, since: datetime) -> int:
    """Bytes of the photos ``user`` uploaded since ``since`` that no control of theirs references (yet)."""
    used = (select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.sha256 == BlobHolder.sha256, Inspection.inspector_id == BlobHolder.user_id,
                   access.same_organisation(Inspection, BlobHolder)))
    stmt = (select(func.coalesce(func.sum(BlobHolder.size), 0))
            .where(BlobHolder.user_id == user.user_id, access.in_organisation(BlobHolder, user.organisation_id),
                   BlobHolder.received_at >= since, ~exists(used)))
    return int(session.scalar(stmt) or 0)
