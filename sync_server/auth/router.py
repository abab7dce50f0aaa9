"""``POST /auth/login`` and ``GET /me``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from schemas.records import LoginRequest, LoginResponse, UserRead
from sync_server.auth import service
from sync_server.auth.deps import CurrentUser
from sync_server.auth.models import User
from sync_server.auth.ratelimit import LoginRateLimiter
from sync_server.db import SessionDep
from sync_server.errors import ApiError

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, session: SessionDep) -> LoginResponse:
    """Log in with username and password; registers this device and returns its bearer token."""
    limiter: LoginRateLimiter = request.app.state.login_limiter
    ip = request.client.host if request.client else "unknown"
    if limiter.blocked(body.username, ip):
        raise ApiError("login_rate_limited", headers={"Retry-After": str(int(limiter.window))})
    result = service.login(session=session, username=body.username, password=body.password,
                           device_name=body.device_name)
    if result is None:
        limiter.record_failure(body.username, ip)
        raise ApiError("login_failed")
    limiter.reset(body.username, ip)
    return result


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser, session: SessionDep) -> UserRead:
    """The logged-in user."""
    found = session.get(User, user.user_id)
    if found is None:
        raise ApiError("not_authenticated")
    return service.user_read(found)
