"""``/review/inspections``: the review queue and one control's detail (teamleider, ketenregisseur)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from schemas.records import InspectionDetail, InspectionStatus, InspectionSummary
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.db import SessionDep
from sync_server.review import service

router = APIRouter(prefix="/review", tags=["review"])
Reviewer = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER, Role.KETENREGISSEUR))]


@router.get("/inspections", response_model=list[InspectionSummary])
def list_inspections(_user: Reviewer, session: SessionDep,
                     status: InspectionStatus | None = None) -> list[InspectionSummary]:
    """Synced controls, worst signal first, then newest."""
    return service.list_inspections(session=session, status=status)


@router.get("/inspections/{inspection_id}", response_model=InspectionDetail)
def get_inspection(inspection_id: UUID, _user: Reviewer, session: SessionDep) -> InspectionDetail:
    """One control with its answers, persons, photos and flag."""
    return service.get_detail(session=session, inspection_id=inspection_id)
