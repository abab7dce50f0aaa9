"""The team lead's review queue and the detail of one control, limited to the controls the caller may see
(``tenancy.access``: a teamleider their team's, a ketenregisseur the organisation's)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from schemas.records import Address, InspectionDetail, InspectionStatus, InspectionSummary, PhotoRead
from schemas.review import ReviewItem
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.blobs.models import BlobHolder
from sync_server.catalog import service as catalog
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection, Photo
from sync_server.review import signals
from sync_server.tenancy import access

TZ = ZoneInfo("Europe/Amsterdam")


def _summary(inspection: Inspection, inspector: str, expected: int, present: int) -> InspectionSummary:
    return InspectionSummary(id=inspection.id, control_type=inspection.control_type,
                             address=Address.model_validate(inspection.address),
                             status=InspectionStatus(inspection.status), started_at=inspection.started_at,
                             finished_at=inspection.finished_at, inspector=inspector, level=inspection.level,
                             photos_expected=expected, photos_present=present)


HELD = and_(BlobHolder.sha256 == Photo.sha256, BlobHolder.organisation_id == Inspection.organisation_id,
            BlobHolder.user_id == Inspection.inspector_id)
"""A control's photo is present when its inspector has uploaded it (``blobs.models.BlobHolder``)."""


def _photo_counts(session: Session, user: Principal) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    visible = (select(Photo.inspection_id, func.count()).join(Inspection, Inspection.id == Photo.inspection_id)
               .where(access.inspection_clause(user)).group_by(Photo.inspection_id))
    expected_rows = session.execute(visible)
    present_rows = session.execute(visible.join(BlobHolder, HELD))
    return ({k: int(v) for k, v in expected_rows}, {k: int(v) for k, v in present_rows})


@dataclass(frozen=True)
class ReviewFilter:
    """The review queue's filters; ``None`` means any."""

    level: int | None = None
    control_type: str | None = None
    status: InspectionStatus | None = None
    inspector_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    neighbourhood: str | None = None

    def admits(self, inspection: Inspection) -> bool:
        day = to_local(inspection.started_at).date()
        hood = str(inspection.address.get("neighbourhood", ""))
        return ((self.level is None or inspection.level == self.level)
                and (self.control_type is None or inspection.control_type == self.control_type)
                and (self.status is None or inspection.status == self.status.value)
                and (self.inspector_id is None or inspection.inspector_id == self.inspector_id)
                and (self.date_from is None or day >= self.date_from)
                and (self.date_to is None or day <= self.date_to)
                and (self.neighbourhood is None or hood.casefold() == self.neighbourhood.casefold()))


def to_local(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(TZ)


def list_inspections(*, session: Session, user: Principal, status: InspectionStatus | None = None,
                     filters: ReviewFilter | None = None, within_days: int = 5) -> list[ReviewItem]:
    """Every synced control the caller may see, worst level first (unjudged last), then newest first, with its
    signal state."""
    filters = filters or ReviewFilter(status=status)
    stmt = (select(Inspection, User.display_name).join(User, User.id == Inspection.inspector_id)
            .where(access.inspection_clause(user))
            .order_by(Inspection.level.desc().nulls_last(), Inspection.started_at.desc(), Inspection.id))
    rows = [(i, name) for i, name in session.execute(stmt) if filters.admits(i)]
    expected, present = _photo_counts(session, user)
    latest = signals.latest_verifications(session=session, inspection_ids=[i.id for i, _ in rows])
    now = datetime.now(UTC)
    return [_item(i, name, expected.get(i.id, 0), present.get(i.id, 0), latest, within_days, now)
            for i, name in rows]


def _item(inspection: Inspection, inspector: str, expected: int, present: int,
          latest: dict[tuple[uuid.UUID, str], signals.Latest], within_days: int, now: datetime) -> ReviewItem:
    summary = _summary(inspection, inspector, expected, present)
    states = signals.states(inspection=inspection, inspector=inspector, latest=latest, referrals=[],
                            within_days=within_days, now=now)
    open_ = [s for s in states if s.verdict in signals.OPEN]
    flag = inspection.flag or {}
    return ReviewItem(**summary.model_dump(), inspector_id=inspection.inspector_id, signals=len(states),
                      unverified=len(open_), unverified_since=open_[0].raised_at if open_ else None,
                      overdue=any(s.overdue for s in open_), level_changed=bool(flag.get("level_changed")),
                      previous_level=flag.get("previous_level"), previous_catalogue=flag.get("previous_catalogue"))


def get_detail(*, session: Session, user: Principal, inspection_id: uuid.UUID) -> InspectionDetail:
    """Answers, persons, photos, template and flag of one control (404 when unknown or not the caller's to see)."""
    inspection = access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    inspector = session.get(User, inspection.inspector_id)
    expected, present = inspections.photo_counts(session=session, inspection=inspection)
    template = catalog.get_template(session=session, template_id=inspection.template_id,
                                    version=inspection.template_version)
    premises, people = inspections.findings_of(session, [inspection.id])[inspection.id]
    return InspectionDetail(
        summary=_summary(inspection, inspector.display_name if inspector else "?", expected, present),
        note=inspection.note,
        answers=premises,
        persons=people,
        photos=_photos(session, inspection),
        template=template.model_dump(mode="json", by_alias=True) if template else {},
        flag=inspection.flag,
    )


def _photos(session: Session, inspection: Inspection) -> list[PhotoRead]:
    stmt = (select(Photo, BlobHolder.sha256)
            .outerjoin(BlobHolder, and_(BlobHolder.sha256 == Photo.sha256,
                                        BlobHolder.organisation_id == inspection.organisation_id,
                                        BlobHolder.user_id == inspection.inspector_id))
            .where(Photo.inspection_id == inspection.id).order_by(Photo.id))
    return [PhotoRead(id=p.id, sha256=p.sha256, size=p.size, caption=p.caption, present=blob is not None)
            for p, blob in session.execute(stmt)]
