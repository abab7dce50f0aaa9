"""``/planning``: the schedule (controls: list, schedule, move/reassign, cancel, iCalendar), the year plan
(targets and progress) and the ranked advice of where to look next."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response

from schemas.dates import Day
from schemas.pages import Page
from schemas.planning import PlannedControlUpdate, PlanTargets, Suggestion, YearPlan
from schemas.records import PlannedControlRead, UserRead
from sync_server import paging
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.db import SessionDep
from sync_server.errors import ApiError
from sync_server.planning import calendar, service, suggestions, yearplan
from sync_server.planning.schemas import PlannedControlCreate

router = APIRouter(prefix="/planning", tags=["planning"])
Planner = Annotated[Principal, Depends(require_roles(Role.PLANNER))]
PlanReader = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.TEAMLEIDER, Role.KETENREGISSEUR,
                                                        Role.BEHEERDER))]
TargetEditor = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.BEHEERDER))]
Advised = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.TEAMLEIDER, Role.KETENREGISSEUR))]


Year = Annotated[int, Path(ge=2000, le=2100)]


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ApiError("validation_error", detail="year: 2000..2100")
    return year


@router.get("/inspectors", response_model=list[UserRead])
def list_inspectors(user: PlanReader, session: SessionDep) -> list[UserRead]:
    """The inspectors of the caller's organisation a control can be assigned to (active accounts), by name."""
    return service.list_inspectors(session=session, organisation_id=user.organisation_id)


@router.get("/controls", response_model=Page[PlannedControlRead])
def list_controls(user: PlanReader, session: SessionDep, start: Annotated[Day | None, Query(alias="from")] = None,
                  end: Annotated[Day | None, Query(alias="to")] = None, include_cancelled: bool = False,
                  limit: paging.Limit = paging.DEFAULT_LIMIT,
                  cursor: paging.Cursor = None) -> Page[PlannedControlRead]:
    """A page of the controls (planned, in progress, done; cancelled on request), soonest first (a day's all-day
    controls before its timed ones); ``next_cursor`` of one page, passed as ``cursor``, gives the next."""
    return service.list_controls(session=session, organisation_id=user.organisation_id, start=start, end=end,
                                 include_cancelled=include_cancelled, limit=limit, cursor=cursor)


@router.post("/controls", response_model=PlannedControlRead, status_code=201)
def create_control(body: PlannedControlCreate, user: Planner, session: SessionDep) -> PlannedControlRead:
    """Schedule a control for one or more inspectors of the planner's organisation; it reaches their tablets at
    their next sync."""
    return service.schedule(session=session, by=user, data=body)


@router.patch("/controls/{control_id}", response_model=PlannedControlRead)
def update_control(control_id: UUID, body: PlannedControlUpdate, user: Planner,
                   session: SessionDep) -> PlannedControlRead:
    """Move, reassign or edit a control; the tablets follow."""
    return service.update(session=session, by=user, control_id=control_id, data=body)


@router.delete("/controls/{control_id}", status_code=204)
def cancel_control(control_id: UUID, user: Planner, session: SessionDep) -> Response:
    """Cancel a planned control."""
    service.cancel(session=session, by=user, control_id=control_id)
    return Response(status_code=204)


@router.get("/calendar.ics", response_class=Response)
def calendar_ics(user: PlanReader, session: SessionDep,
                 start: Annotated[Day | None, Query(alias="from")] = None) -> Response:
    """The schedule from ``from`` (default: 90 days back) as an iCalendar file."""
    since = start or (date.today() - timedelta(days=90))
    controls = service.list_controls(session=session, organisation_id=user.organisation_id, start=since,
                                     include_cancelled=True).items
    return Response(content=calendar.to_ics(controls), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="inspectie-planning.ics"'})


@router.get("/years/{year}", response_model=YearPlan)
def get_year(year: Year, user: PlanReader, session: SessionDep) -> YearPlan:
    """The organisation's targets of the year and the progress against each."""
    return yearplan.year_plan(session=session, organisation_id=user.organisation_id, year=_year(year))


@router.put("/years/{year}/targets", response_model=YearPlan)
def put_targets(year: Year, body: PlanTargets, user: TargetEditor, session: SessionDep) -> YearPlan:
    """Set the year's targets (planner or beheerder)."""
    return yearplan.save_targets(session=session, organisation_id=user.organisation_id, year=_year(year), data=body,
                                 by=user.username)


@router.get("/suggestions", response_model=list[Suggestion])
def get_suggestions(user: Advised, session: SessionDep,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[Suggestion]:
    """Addresses and establishments ranked for the next controls, each with its reasons (advice only)."""
    return suggestions.suggestions(session=session, organisation_id=user.organisation_id, limit=limit)
