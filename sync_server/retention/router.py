"""``/retention``: the periods in force and the organisation's last purge (beheerder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from schemas.retention import RetentionRun
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.config import Settings
from sync_server.db import SessionDep
from sync_server.retention import service

router = APIRouter(prefix="/retention", tags=["retention"])
Beheerder = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]


@router.get("", response_model=RetentionRun)
def retention(user: Beheerder, session: SessionDep, request: Request) -> RetentionRun:
    """The retention periods in days (None: kept), whether the server purges daily, and the organisation's last
    purge: when, how it was started and what it deleted."""
    settings: Settings = request.app.state.settings
    return service.last_run(session=session, organisation_id=user.organisation_id, settings=settings)
