"""``/admin``: the beheerder's users and devices (list, revoke a device, disable or enable a user, reset a
password), within their own organisation. Other roles get 403, another organisation's user or device 404."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from schemas.accounts import AccountRead, PasswordResetRead
from sync_server.admin import service
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
def list_users(request: Request, user: Beheerder, session: SessionDep) -> list[AccountRead]:
    """The organisation's users with their devices (tablets that may hold data, live office sessions)."""
    return service.list_accounts(session=session, viewer=user, policy=_policy(request))


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
