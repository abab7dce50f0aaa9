"""The team lead's review queue and the detail of one control, limited to the controls the caller may see
(``tenancy.access``: a teamleider their team's, a ketenregisseur the organisation's)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from schemas.pages import Page
from schemas.records import Address, InspectionDetail, InspectionStatus, InspectionSummary, PhotoRead
from schemas.review import ReviewItem
from sync_server import paging
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.blobs.models import BlobHolder
from sync_server.catalog import published as catalog
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


HELD = and_(BlobHolder.sha256 == Photo.sha256, access.same_organisation(BlobHolder, Inspection),
            BlobHolder.user_id == Inspection.inspector_id)
"""A control's photo is present when its inspector has uploaded it (``blobs.models.BlobHolder``)."""


def _photo_counts(session: Session, page: list[uuid.UUID]) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Photos referenced and photos present per control of one page: two queries."""
    counted = (select(Photo.inspection_id, func.count()).join(Inspection, Inspection.id == Photo.inspection_id)
               .where(Photo.inspection_id.in_(page)).group_by(Photo.inspection_id))
    expected_rows = session.execute(counted)
    present_rows = session.execute(counted.join(BlobHolder, HELD))
    return ({k: int(v) for k, v in expected_rows}, {k: int(v) for k, v in present_rows})


@dataclass(frozen=True)
class ReviewFilter:
    """The review queue's filters; ``None`` means any. Applied in SQL (``where``)."""

    level: int | None = None
    control_type: str | None = None
    status: InspectionStatus | None = None
    inspector_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    neighbourhood: str | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The filters as WHERE clauses; dates are local days (Europe/Amsterdam) of ``started_at``."""
        out: list[ColumnElement[bool]] = []
        if self.level is not None:
            out.append(Inspection.level == self.level)
        if self.control_type is not None:
            out.append(Inspection.control_type == self.control_type)
        if self.status is not None:
            out.append(Inspection.status == self.status.value)
        if self.inspector_id is not None:
            out.append(Inspection.inspector_id == self.inspector_id)
        if self.date_from is not None:
            out.append(Inspection.started_at >= _day_start(self.date_from))
        if self.date_to is not None:
            out.append(Inspection.started_at < _day_start(self.date_to + timedelta(days=1)))
        if self.neighbourhood is not None:
            hood = func.lower(Inspection.address["neighbourhood"].as_string())
            out.append(hood == self.neighbourhood.casefold())
        return out


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), TZ).astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(TZ)


JUDGED_KEY = (Inspection.level, Inspection.started_at, Inspection.id)
UNJUDGED_KEY = (Inspection.started_at, Inspection.id)
"""The queue's order, all descending: judged controls by level, then newest, then id (so ties never skip a row);
then the unjudged (no level yet), newest first. Two index range scans (``ix_inspection_queue_*``), one per part."""
CURSOR_KINDS = (paging.as_int, paging.as_datetime, paging.as_uuid)
UNJUDGED = -1  # the cursor's level in the unjudged part


def _queue_part(visible: list[ColumnElement[bool]], judged: bool, after: list[Any] | None,
                limit: int) -> Select[Inspection, str]:
    keys = JUDGED_KEY if judged else UNJUDGED_KEY
    where = [*visible, Inspection.level.is_not(None) if judged else Inspection.level.is_(None)]
    if after is not None:
        where.append(paging.before(keys, after if judged else after[1:]))
    return (select(Inspection, User.display_name).join(User, User.id == Inspection.inspector_id)
            .where(*where).order_by(*(k.desc() for k in keys)).limit(limit))


def _queue_rows(session: Session, visible: list[ColumnElement[bool]], cursor: str | None,
                limit: int) -> list[tuple[Inspection, str]]:
    """Up to ``limit`` rows of the queue after ``cursor``: the judged part first, then the unjudged."""
    after = None if cursor is None else paging.decode(cursor, CURSOR_KINDS)
    rows: list[tuple[Inspection, str]] = []
    if after is None or after[0] != UNJUDGED:
        rows = [(i, name) for i, name in session.execute(_queue_part(visible, True, after, limit))]
        after = None
    if len(rows) < limit:
        rows += [(i, name) for i, name in session.execute(_queue_part(visible, False, after, limit - len(rows)))]
    return rows


def list_inspections(*, session: Session, user: Principal, filters: ReviewFilter | None = None,
                     within_days: int = 5, limit: int = paging.DEFAULT_LIMIT, cursor: str | None = None
                     ) -> Page[ReviewItem]:
    """A page of the synced controls the caller may see, worst level first (unjudged last), then newest first,
    with their signal state; filters, order and paging in SQL, the page's photo counts and verifications in two
    queries more."""
    filters = filters or ReviewFilter()
    visible = [access.inspection_clause(user), *filters.where()]
    total, exact = paging.capped_count(session, select(Inspection.id).where(*visible))
    rows = _queue_rows(session, visible, cursor, limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    page_ids = [i.id for i, _name in rows]  # at most MAX_LIMIT: bounded by the page, never by the history
    expected, present = _photo_counts(session, page_ids) if rows else ({}, {})
    latest = signals.latest_verifications(session=session, inspection_ids=page_ids) if rows else {}
    now = datetime.now(UTC)
    items = [_item(i, name, expected.get(i.id, 0), present.get(i.id, 0), latest, within_days, now)
             for i, name in rows]
    last = rows[-1][0] if rows else None
    next_cursor = (paging.encode([UNJUDGED if last.level is None else last.level, last.started_at, last.id])
                   if more and last is not None else None)
    return Page[ReviewItem](items=items, next_cursor=next_cursor, total=total, total_is_exact=exact)


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
                                        access.in_organisation(BlobHolder, inspection.organisation_id),
                                        BlobHolder.user_id == inspection.inspector_id))
            .where(Photo.inspection_id == inspection.id).order_by(Photo.id))
    return [PhotoRead(id=p.id, sha256=p.sha256, size=p.size, caption=p.caption, present=blob is not None)
            for p, blob in session.execute(stmt)]
