"""``/planning/controls``: planners schedule controls; team leads and planners list them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from schemas.records import PlannedControlRead
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.db import SessionDep
from sync_server.planning import service
from sync_server.planning.schemas import PlannedControlCreate

router = APIRouter(prefix="/planning", tags=["planning"])
Planner = Annotated[Principal, Depends(require_roles(Role.PLANNER))]
PlanReader = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.TEAMLEIDER, Role.KETENREGISSEUR))]


@router.get("/controls", response_model=list[PlannedControlRead])
def list_controls(_user: PlanReader, session: SessionDep) -> list[PlannedControlRead]:
    """Planned (not cancelled) controls, soonest first."""
    return service.list_planned(session=session)


@router.post("/controls", response_model=PlannedControlRead, status_code=201)
def create_control(body: PlannedControlCreate, _user: Planner, session: SessionDep) -> PlannedControlRead:
    """Schedule a control for one or more inspectors."""
    return service.create(session=session, data=body)


@router.delete("/controls/{control_id}", status_code=204)
def cancel_control(control_id: UUID, _user: Planner, session: SessionDep) -> Response:
    """Cancel a planned control."""
    service.cancel(session=session, control_id=control_id)
    return Response(status_code=204)
