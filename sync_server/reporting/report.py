"""Gathering one control's data for its PDF report."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from sync_server.auth.schemas import Principal
from sync_server.blobs import preview
from sync_server.blobs.store import BlobStore
from sync_server.inspections.models import Inspection
from sync_server.planning.models import PlannedControl
from sync_server.reporting.pdf import ReportInput, render
from sync_server.review import actions, service

PARTNER_NAMES = {"politie": "Politie", "belastingdienst": "Belastingdienst", "nla": "Nederlandse Arbeidsinspectie",
                 "brandweer": "Brandweer", "odra": "ODRA"}


def build(*, session: Session, user: Principal, inspection_id: uuid.UUID, blob_store: BlobStore,
          within_days: int) -> bytes:
    """The PDF of one control (404 when unknown or not the caller's to see)."""
    detail = service.get_detail(session=session, user=user, inspection_id=inspection_id)
    review = actions.state(session=session, user=user, inspection_id=inspection_id, within_days=within_days)
    inspection = session.get(Inspection, inspection_id)
    assert inspection is not None  # get_detail found it
    partners: list[str] = []
    if inspection.planned_control_id is not None:
        planned = session.get(PlannedControl, inspection.planned_control_id)
        partners = [PARTNER_NAMES.get(p, p) for p in (planned.partners if planned else [])]
    photos = [(p.caption, _report_copy(blob_store, inspection.organisation_id, p.sha256))
              for p in detail.photos if p.present]
    return render(ReportInput(detail=detail, review=review, partners_present=partners, photos=photos))


def _report_copy(store: BlobStore, organisation_id: uuid.UUID, sha256: str) -> Path | None:
    """The photo's downscaled copy (``blobs.preview``), None when it is refused (shown as unreadable)."""
    try:
        return preview.report_copy(store, organisation_id, sha256)
    except preview.PhotoRefused:
        return None
