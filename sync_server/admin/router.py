"""``/admin``: the beheerder's users, teams and devices (list, create a user or a team, move a user, revoke a device,
disable or enable a user, reset a password) and the organisation's settings (retention, verification deadline),
within their own organisation. Other roles get 403, another organisation's user, team or device 404."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from schemas.accounts import AccountRead, PasswordResetRead, TeamCreate, TeamRead, UserCreate, UserCreated, UserMove
from schemas.org_settings import OrganisationSettingsRead, OrganisationSettingsUpdate
from sync_server.admin import service
from sync_server.admin import settings as org_settings
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.auth.tokens import TokenPolicy
from sync_server.db import SessionDep
from sync_server.errors import ApiError

router = APIRouter(prefix="/admin", tags=["admin"])
Beheerder = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]


def _policy(request: Request) -> TokenPolicy:
    return TokenPolicy.from_settings(request.app.state.settings)


@router.get("/users", response_model=list[AccountRead])
def list_users(request: Request, user: Beheerder, session: SessionDep,
               q: Annotated[str | None, Query(max_length=100)] = None, team_id: UUID | None = None,
               limit: Annotated[int | None, Query(ge=1, le=1000)] = None) -> list[AccountRead]:
    """The organisation's users with their devices (tablets that may hold data, live office sessions), by username;
    ``q``: only those whose username or name holds it; ``team_id``: one team's; ``limit``: the first so many."""
    return service.list_accounts(session=session, viewer=user, policy=_policy(request), query=q, team_id=team_id,
                                 limit=limit)


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(body: UserCreate, request: Request, user: Beheerder, session: SessionDep) -> UserCreated:
    """A new user in a team of the organisation, with a temporary password shown once (they choose their own at the
    first login); 409 ``username_taken``, 422 ``username_invalid``, 404 for another organisation's team."""
    created, temporary = service.create_user(session=session, viewer=user, username=body.username,
                                             display_name=body.display_name, role=Role(body.role),
                                             team_id=body.team_id)
    account = service.get_account(session=session, viewer=user, user_id=created.id, policy=_policy(request))
    return UserCreated(account=account, temporary_password=temporary or "")


@router.post("/users/{user_id}/move", response_model=AccountRead)
def move_user(user_id: UUID, body: UserMove, request: Request, user: Beheerder, session: SessionDep) -> AccountRead:
    """Move a user to another team of the organisation; their devices start their next pull over."""
    service.move_user(session=session, viewer=user, user_id=user_id, team_id=body.team_id)
    return service.get_account(session=session, viewer=user, user_id=user_id, policy=_policy(request))


@router.get("/teams", response_model=list[TeamRead])
def list_teams(user: Beheerder, session: SessionDep) -> list[TeamRead]:
    """The organisation's teams with their number of users."""
    return service.list_teams(session=session, viewer=user)


@router.post("/teams", response_model=TeamRead, status_code=201)
def create_team(body: TeamCreate, user: Beheerder, session: SessionDep) -> TeamRead:
    """A new team in the organisation; 409 ``team_exists``, 422 ``team_key_invalid``."""
    team = service.create_team(session=session, viewer=user, key=body.key, name=body.name)
    return TeamRead(id=team.id, key=team.key, name=team.name, users=0)


@router.get("/settings", response_model=OrganisationSettingsRead)
def read_settings(request: Request, user: Beheerder, session: SessionDep) -> OrganisationSettingsRead:
    """The organisation's retention periods and verification deadline, with the server's maxima."""
    return org_settings.read(session=session, viewer=user, settings=request.app.state.settings)


@router.put("/settings", response_model=OrganisationSettingsRead)
def update_settings(body: OrganisationSettingsUpdate, request: Request, user: Beheerder,
                    session: SessionDep) -> OrganisationSettingsRead:
    """Save them; a period longer than the server's is refused (422 ``retention_above_maximum``). Audited."""
    return org_settings.update(session=session, viewer=user, settings=request.app.state.settings, body=body)


@router.get("/users/{user_id}", response_model=AccountRead)
def get_user(user_id: UUID, request: Request, user: Beheerder, session: SessionDep) -> AccountRead:
    """One user with their devices."""
    return service.get_account(session=session, viewer=user, user_id=user_id, policy=_policy(request))


@router.post("/devices/{device_id}/revoke", response_model=AccountRead)
def revoke_device(device_id: UUID, request: Request, user: Beheerder, session: SessionDep) -> AccountRead:
    """Revoke a device: its token dies at once; a tablet hands over its unsynced work and wipes itself."""
    owner = service.revoke_device(session=session, viewer=user, device_id=device_id)
    return service.get_account(session=session, viewer=user, user_id=owner.id, policy=_policy(request))


@router.post("/users/{user_id}/disable", response_model=AccountRead)
def disable_user(user_id: UUID, request: Request, user: Beheerder, session: SessionDep) -> AccountRead:
    """Disable a user: all their tokens die and logins are refused (not one's own account: 409)."""
    if user_id == user.user_id:
        raise ApiError("cannot_disable_self")
    service.disable_user(session=session, viewer=user, user_id=user_id)
    return service.get_account(session=session, viewer=user, user_id=user_id, policy=_policy(request))


@router.post("/users/{user_id}/enable", response_model=AccountRead)
def enable_user(user_id: UUID, request: Request, user: Beheerder, session: SessionDep) -> AccountRead:
    """Let a disabled user log in again."""
    service.enable_user(session=session, viewer=user, user_id=user_id)
    return service.get_account(session=session, viewer=user, user_id=user_id, policy=_policy(request))


@router.post("/users/{user_id}/reset-password", response_model=PasswordResetRead)
def reset_password(user_id: UUID, request: Request, user: Beheerder, session: SessionDep) -> PasswordResetRead:
    """A temporary password, shown once; the user's tokens die and they must choose a new password at login."""
    target, temporary = service.reset_password(session=session, viewer=user, user_id=user_id)
    return service.password_reset_read(session=session, viewer=user, user=target, temporary=temporary,
                                       policy=_policy(request))
