"""``POST /auth/login``, ``POST /auth/logout``, ``POST /auth/password``, ``POST /auth/wiped`` and ``GET /me``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from schemas.accounts import PasswordChange
from schemas.records import LoginRequest, LoginResponse, UserRead
from sync_server.auth import login as login_flow
from sync_server.auth import service
from sync_server.auth.deps import CurrentUser, PasswordPendingUser, RevokedDevice
from sync_server.auth.models import Device, User
from sync_server.auth.ratelimit import LoginThrottle, address_key
from sync_server.db import SessionDep
from sync_server.errors import ApiError

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, session: SessionDep) -> LoginResponse:
    """Log in with username and password; registers this device and returns its bearer token. Too many failures
    for this account or from this address: 429 ``login_rate_limited`` with ``Retry-After`` (``auth.login``)."""

    def check(username: str) -> LoginResponse | None:
        return service.login(session=session, username=username, password=body.password,
                             device_name=body.device_name, client_id=body.client_id)

    throttle: LoginThrottle = request.app.state.login_throttle
    address = address_key(request.client.host if request.client else None)
    return login_flow.log_in(session=session, throttle=throttle, username=body.username, address=address,
                             check=check)


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser, session: SessionDep) -> UserRead:
    """The logged-in user."""
    found = session.get(User, user.user_id)
    if found is None:
        raise ApiError("not_authenticated")
    return service.user_read(found)


@router.post("/auth/logout", status_code=204)
def logout(user: PasswordPendingUser, session: SessionDep) -> Response:
    """End this device's token: it answers 401 ``session_ended`` from now on."""
    service.logout(session=session, user=user)
    return Response(status_code=204)


@router.post("/auth/password", status_code=204)
def change_password(body: PasswordChange, user: PasswordPendingUser, session: SessionDep) -> Response:
    """Set a new password (required after a beheerder's reset); the user's other devices are logged out."""
    service.change_password(session=session, user=user, current=body.current_password, new=body.new_password)
    return Response(status_code=204)


@router.post("/auth/wiped", status_code=204)
def wiped(device: RevokedDevice, session: SessionDep) -> Response:
    """A revoked tablet confirms it deleted its data and keys; its token then answers nothing at all."""
    found = session.get(Device, device.device_id)
    if found is not None and found.wiped_at is None:
        found.wiped_at = service.now()
    return Response(status_code=204)
