"""Blob bookkeeping in the database (one row per organisation and sha256) and who may download a photo."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from sync_server.auth.schemas import Principal, Role
from sync_server.blobs.models import Blob
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection, Photo
from sync_server.sync import changes
from sync_server.tenancy import access

REVIEW_ROLES = {Role.TEAMLEIDER, Role.KETENREGISSEUR}


def record(*, session: Session, organisation_id: uuid.UUID, sha256: str, size: int,
           uploaded_by: uuid.UUID | None) -> None:
    """Note that a blob has arrived; a finished inspection that uses it gets its flag (with photo counts)
    resent once its last photo is present — not for every photo on the way (the office's review list
    counts photos itself; the tablet keeps its own upload state)."""
    if session.get(Blob, (organisation_id, sha256)) is not None:
        return
    changes.lock(session=session)  # a push finishing an inspection meanwhile counts this blob, or we see it
    session.add(Blob(organisation_id=organisation_id, sha256=sha256, size=size, stored_at=datetime.now(UTC),
                     uploaded_by=uploaded_by))
    session.flush()
    counts = {iid: (int(expected), int(present)) for iid, expected, present in session.execute(
        _COUNTS_OF_FINISHED_USING, {"sha256": sha256, "organisation_id": organisation_id})}
    complete = [session.get(Inspection, iid) for iid, (expected, present) in counts.items() if present >= expected]
    inspections.emit_flags(session=session, inspections=[i for i in complete if i is not None and i.flag is not None],
                           counts=counts)


_other_photo = aliased(Photo)
_COUNTS_OF_FINISHED_USING = (
    select(Inspection.id, func.count(_other_photo.id), func.count(Blob.sha256))
    .join(_other_photo, _other_photo.inspection_id == Inspection.id)
    .outerjoin(Blob, and_(Blob.sha256 == _other_photo.sha256, Blob.organisation_id == Inspection.organisation_id))
    .where(Inspection.id.in_(select(Photo.inspection_id).where(Photo.sha256 == bindparam("sha256"))),
           Inspection.organisation_id == bindparam("organisation_id"), Inspection.status == "finished")
    .group_by(Inspection.id).order_by(Inspection.id))
"""(inspection, photos referenced, photos present) of the finished inspections of one organisation that use one
photo: one statement, built once (a photo upload is a hot path)."""


def may_download(*, session: Session, user: Principal, sha256: str) -> bool:
    """Reviewers and inspectors download a photo referenced by a control they may see (``tenancy.access``: a
    teamleider their team's, a ketenregisseur the organisation's, an inspector their own)."""
    if user.role not in REVIEW_ROLES and user.role is not Role.INSPECTEUR:
        return False
    stmt = (select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.sha256 == sha256, access.inspection_clause(user)).limit(1))
    return session.scalar(stmt) is not None
