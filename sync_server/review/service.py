"""The team lead's review queue and the detail of one control."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.records import Address, InspectionDetail, InspectionStatus, InspectionSummary, PhotoRead
from sync_server.auth.models import User
from sync_server.blobs.models import Blob
from sync_server.catalog import service as catalog
from sync_server.errors import ApiError
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection, Photo


def _summary(inspection: Inspection, inspector: str, expected: int, present: int) -> InspectionSummary:
    return InspectionSummary(id=inspection.id, control_type=inspection.control_type,
                             address=Address.model_validate(inspection.address),
                             status=InspectionStatus(inspection.status), started_at=inspection.started_at,
                             finished_at=inspection.finished_at, inspector=inspector, level=inspection.level,
                             photos_expected=expected, photos_present=present)


def _photo_counts(session: Session) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    expected_rows = session.execute(select(Photo.inspection_id, func.count()).group_by(Photo.inspection_id))
    present_rows = session.execute(select(Photo.inspection_id, func.count())
                                   .join(Blob, Blob.sha256 == Photo.sha256).group_by(Photo.inspection_id))
    return ({k: int(v) for k, v in expected_rows}, {k: int(v) for k, v in present_rows})


def list_inspections(*, session: Session, status: InspectionStatus | None = None) -> list[InspectionSummary]:
    """Every synced control, worst level first (unjudged last), then newest first."""
    stmt = (select(Inspection, User.display_name).join(User, User.id == Inspection.inspector_id)
            .order_by(Inspection.level.desc().nulls_last(), Inspection.started_at.desc(), Inspection.id))
    if status is not None:
        stmt = stmt.where(Inspection.status == status.value)
    expected, present = _photo_counts(session)
    return [_summary(i, name, expected.get(i.id, 0), present.get(i.id, 0)) for i, name in session.execute(stmt)]


def get_detail(*, session: Session, inspection_id: uuid.UUID) -> InspectionDetail:
    """Answers, persons, photos, template and flag of one control (404 when unknown)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise ApiError("not_found")
    inspector = session.get(User, inspection.inspector_id)
    expected, present = inspections.photo_counts(session=session, inspection_id=inspection.id)
    template = catalog.get_template(session=session, template_id=inspection.template_id,
                                    version=inspection.template_version)
    return InspectionDetail(
        summary=_summary(inspection, inspector.display_name if inspector else "?", expected, present),
        note=inspection.note,
        answers=inspections.premises_answers(session=session, inspection_id=inspection.id),
        persons=inspections.persons(session=session, inspection_id=inspection.id),
        photos=_photos(session, inspection.id),
        template=template.model_dump(mode="json", by_alias=True) if template else {},
        flag=inspection.flag,
    )


def _photos(session: Session, inspection_id: uuid.UUID) -> list[PhotoRead]:
    stmt = (select(Photo, Blob.sha256).outerjoin(Blob, Blob.sha256 == Photo.sha256)
            .where(Photo.inspection_id == inspection_id).order_by(Photo.id))
    return [PhotoRead(id=p.id, sha256=p.sha256, size=p.size, caption=p.caption, present=blob is not None)
            for p, blob in session.execute(stmt)]
