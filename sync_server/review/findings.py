"""``/review``, the team lead's side of shared findings: correct an answer or the note, list and resolve
conflicts. ``review.router`` includes these routes (one ``/review`` router, one folder).

Every write goes through ``changes.lock``/``emit`` (in ``inspections.conflicts``), so the inspector's tablets see
it. The control must be one the caller may see (``tenancy.access``; 404 otherwise), checked here before
``conflicts`` runs.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from schemas.conflicts import ConflictRead, ConflictResolve, FindingCorrection
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.db import SessionDep
from sync_server.inspections import conflicts
from sync_server.inspections.models import FindingConflict
from sync_server.tenancy import access

router = APIRouter(tags=["review"])  # included by ``review.router`` under its ``/review`` prefix
TeamLead = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER))]
Reviewer = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER, Role.KETENREGISSEUR))]


@router.patch("/inspections/{inspection_id}/answers")
def correct_finding(inspection_id: UUID, body: FindingCorrection, user: TeamLead,
                    session: SessionDep) -> dict[str, int]:
    """Correct one answer or the note; returns the correction's server seq (``office_seq``)."""
    access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    seq = conflicts.correct(session=session, user=user, inspection_id=inspection_id, data=body)
    return {"office_seq": seq}


@router.get("/inspections/{inspection_id}/conflicts", response_model=list[ConflictRead])
def list_conflicts(inspection_id: UUID, user: Reviewer, session: SessionDep) -> list[ConflictRead]:
    """Fields of this control changed both on the tablet and in the office, oldest first."""
    access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    return conflicts.list_for(session=session, inspection_id=inspection_id)


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictRead)
def resolve_conflict(conflict_id: UUID, body: ConflictResolve, user: TeamLead, session: SessionDep) -> ConflictRead:
    """Close a conflict keeping the office value or taking the tablet's value."""
    found = session.get(FindingConflict, conflict_id)
    if found is not None:
        access.inspection_or_404(session=session, user=user, inspection_id=found.inspection_id)
    return conflicts.resolve(session=session, user=user, conflict_id=conflict_id, keep=body.keep)
