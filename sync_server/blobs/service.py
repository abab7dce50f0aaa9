"""Blob bookkeeping in the database (one row per organisation and sha256) and who may download a photo."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import bindparam, select
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


_using = aliased(Photo)
_COUNTS_OF_FINISHED_USING = inspections.PHOTO_COUNTS.where(
    Inspection.id.in_(select(_using.inspection_id).where(_using.sha256 == bindparam("sha256"))),
    Inspection.organisation_id == bindparam("organisation_id"), Inspection.status == "finished",
).order_by(Inspection.id)
"""``PHOTO_COUNTS`` of the finished inspections of one organisation that use one photo: built once (a photo
upload is a hot path)."""


def may_download(*, session: Session, user: Principal, sha256: str) -> bool:
    """Reviewers and inspectors download a photo referenced by a control they may see (``tenancy.access``: a
    teamleider their team's, a ketenregisseur the organisation's, an inspector their own)."""
    if user.role not in REVIEW_ROLES and user.role is not Role.INSPECTEUR:
        return False
    stmt = (select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Photo.sha256 == sha256, access.inspection_clause(user)).limit(1))
    return session.scalar(stmt) is not None
