"""``/review``: the review queue, one control, the team lead's acts on it (with the corrections and conflicts of
``review.findings``, included at the end), its PDF report, all signals and the audit trail. Team leads act;
ketenregisseurs read; inspectors and planners are refused."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from schemas.dates import Day
from schemas.pages import Page
from schemas.records import InspectionDetail, InspectionStatus
from schemas.review import (
    AuditRead,
    CommentCreate,
    CommentRead,
    ReferralCreate,
    ReferralRead,
    ReviewItem,
    ReviewState,
    SignalState,
    VerificationCreate,
    VerificationGroupCreate,
    VerificationRead,
)
from sync_server import paging
from sync_server.admin import settings as org_settings
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.config import Settings
from sync_server.db import SessionDep
from sync_server.reporting import report
from sync_server.review import actions, audit, findings, service, signals
from sync_server.tenancy import access

router = APIRouter(prefix="/review", tags=["review"])
Reviewer = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER, Role.KETENREGISSEUR))]
TeamLead = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER))]
Auditor = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER, Role.BEHEERDER))]
Beheerder = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]


def _within(request: Request, session: Session, user: Principal) -> int:
    """The organisation's verification deadline in days (its own setting, else the server's)."""
    settings: Settings = request.app.state.settings
    return org_settings.verify_within_days(session=session, organisation_id=user.organisation_id, settings=settings)


@router.get("/inspections", response_model=Page[ReviewItem])
def list_inspections(user: Reviewer, session: SessionDep, request: Request,
                     status: InspectionStatus | None = None, level: Annotated[int | None, Query(ge=0, le=3)] = None,
                     control_type: Annotated[str | None, Query(max_length=40)] = None,
                     inspector_id: UUID | None = None, date_from: Day | None = None, date_to: Day | None = None,
                     neighbourhood: Annotated[str | None, Query(max_length=100)] = None,
                     limit: paging.Limit = paging.DEFAULT_LIMIT, cursor: paging.Cursor = None) -> Page[ReviewItem]:
    """A page of the synced controls, worst signal first, then newest; filters combine. ``next_cursor`` of one
    page, passed as ``cursor``, gives the next."""
    filters = service.ReviewFilter(level=level, control_type=control_type or None, status=status,
                                   inspector_id=inspector_id, date_from=date_from, date_to=date_to,
                                   neighbourhood=neighbourhood or None)
    page = service.list_inspections(session=session, user=user, filters=filters,
                                    within_days=_within(request, session, user), limit=limit, cursor=cursor)
    audit.record(session=session, user=user, action="read_queue", object_type="list", object_id="review_queue",
                 detail={"rows": len(page.items)})
    return page


@router.get("/inspections/{inspection_id}", response_model=InspectionDetail)
def get_inspection(inspection_id: UUID, user: Reviewer, session: SessionDep) -> InspectionDetail:
    """One control with its answers, persons, photos and flag (the read is audited)."""
    detail = service.get_detail(session=session, user=user, inspection_id=inspection_id)
    audit.record(session=session, user=user, action="read_detail", object_type="inspection",
                 object_id=str(inspection_id), inspection_id=inspection_id)
    return detail


@router.get("/inspections/{inspection_id}/review", response_model=ReviewState)
def get_review(inspection_id: UUID, user: Reviewer, session: SessionDep, request: Request) -> ReviewState:
    """Signals with their verification state, referrals, comments, history and linked controls."""
    return actions.state(session=session, user=user, inspection_id=inspection_id,
                         within_days=_within(request, session, user))


@router.post("/inspections/{inspection_id}/verifications", response_model=VerificationRead, status_code=201)
def verify(inspection_id: UUID, body: VerificationCreate, user: TeamLead, session: SessionDep) -> VerificationRead:
    """Verify one signal: gegrond, ongegrond or meer informatie nodig, with a reason."""
    return actions.verify(session=session, inspection_id=inspection_id, by=user, data=body)


@router.post("/inspections/{inspection_id}/verifications/group", response_model=list[VerificationRead],
             status_code=201)
def verify_group(inspection_id: UUID, body: VerificationGroupCreate, user: TeamLead, session: SessionDep
                 ) -> list[VerificationRead]:
    """Verify several signals at once (a group of persons with the same signals): one verdict and reason, a
    verification per signal; all or nothing (409 ``no_such_signal`` when any is not a signal of the control)."""
    return actions.verify_group(session=session, inspection_id=inspection_id, by=user, data=body)


@router.post("/inspections/{inspection_id}/referrals", response_model=ReferralRead, status_code=201)
def refer(inspection_id: UUID, body: ReferralCreate, user: TeamLead, session: SessionDep) -> ReferralRead:
    """Refer the control's signals to a partner, with a note."""
    return actions.refer(session=session, inspection_id=inspection_id, by=user, data=body)


@router.post("/inspections/{inspection_id}/comments", response_model=CommentRead, status_code=201)
def comment(inspection_id: UUID, body: CommentCreate, user: TeamLead, session: SessionDep) -> CommentRead:
    """Comment to the inspector; it reaches their tablet at the next sync."""
    return actions.comment(session=session, inspection_id=inspection_id, by=user, data=body)


@router.get("/inspections/{inspection_id}/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(inspection_id: UUID, user: Reviewer, session: SessionDep, request: Request) -> Response:
    """The bestuurlijke rapportage of one control (the download is audited)."""
    pdf = report.build(session=session, user=user, inspection_id=inspection_id,
                       blob_store=request.app.state.blob_store, within_days=_within(request, session, user))
    audit.record(session=session, user=user, action="read_report", object_type="inspection",
                 object_id=str(inspection_id), inspection_id=inspection_id)
    headers = {"Content-Disposition": f'attachment; filename="rapportage-{str(inspection_id)[:8]}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/signals", response_model=Page[SignalState])
def list_signals(user: Reviewer, session: SessionDep, request: Request, open_only: bool = False,
                 limit: paging.Limit = paging.DEFAULT_LIMIT, cursor: paging.Cursor = None) -> Page[SignalState]:
    """A page of the signals across the controls the caller may see, with their verification state; overdue ones
    first, then highest level, then oldest."""
    page = signals.list_signals(session=session, user=user, within_days=_within(request, session, user),
                                only_open=open_only, limit=limit, cursor=cursor)
    audit.record(session=session, user=user, action="read_signals", object_type="list", object_id="signals",
                 detail={"rows": len(page.items)})
    return page


@router.get("/audit", response_model=Page[AuditRead])
def list_audit(user: Auditor, session: SessionDep, inspection_id: UUID | None = None,
               limit: paging.Limit = paging.DEFAULT_LIMIT, cursor: paging.Cursor = None) -> Page[AuditRead]:
    """A page of the organisation's audit trail, newest first: who saw and changed what (of one control the
    caller may see, when ``inspection_id`` is given)."""
    if inspection_id is not None:
        access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    page = audit.list_entries(session=session, user=user, inspection_id=inspection_id, limit=limit, cursor=cursor)
    audit.record(session=session, user=user, action="read_audit", object_type="list", object_id="audit",
                 inspection_id=inspection_id, detail={"rows": len(page.items)})
    return page


@router.get("/audit/export.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "the whole trail as CSV"}})
def export_audit(user: Beheerder, session: SessionDep) -> Response:
    """The organisation's whole audit trail, oldest first, with each entry's place in the hash chain and its
    hashes, as CSV for Dutch Excel (beheerder only; the export is audited)."""
    body, rows = audit.export_csv(session=session, user=user)
    audit.record(session=session, user=user, action="export_audit", object_type="export", object_id="audit.csv",
                 detail={"rows": rows})
    headers = {"Content-Disposition": 'attachment; filename="inspectie-audittrail.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


router.include_router(findings.router)  # corrections and conflicts (``review.findings``): one /review router
