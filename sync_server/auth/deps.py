"""Auth dependencies: ``CurrentUser`` (any valid device token), ``PasswordPendingUser`` (also a user who must set a
new password first: the password change and logout), ``RevokedDevice`` (a revoked tablet's handover and wipe
confirmation) and ``require_roles(...)``.

Authentication runs in its own short transaction, so a long upload never holds the database. It only reads
(on SQLite a deferred transaction that never waits for a push holding the write lock); only when the device's
``last_seen`` is due for a refresh (the token's renewal, ``sync_server.auth.tokens``) does it run again in a write
transaction. Nothing is cached: a revoked token stops working at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from sync_server.auth import service, tokens
from sync_server.auth.schemas import Principal, Role
from sync_server.config import Settings
from sync_server.db import READ_ONLY
from sync_server.errors import ApiError


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def _authenticated(request: Request) -> Principal:
    token = _bearer(request)
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    settings: Settings = request.app.state.settings
    policy = tokens.TokenPolicy.from_settings(settings)
    with factory() as session:
        with session.begin():
            session.connection(execution_options=READ_ONLY)
            principal = service.authenticate(session=session, token=token, policy=policy)
            if not (session.dirty or session.new or session.deleted):
                return _noted(request, principal)
            session.expunge_all()  # the last_seen refresh: written below, in a write transaction
        with session.begin():
            return _noted(request, service.authenticate(session=session, token=token, policy=policy))


def _noted(request: Request, principal: Principal) -> Principal:
    """Keep the caller for the request's log line (``observability.middleware``: id and role only)."""
    request.state.principal = principal
    return principal


def current_principal(request: Request) -> Principal:
    """The caller behind the bearer token (401 when missing, unknown, expired, ended or revoked; 403
    ``password_change_required`` until a reset password is replaced)."""
    principal = _authenticated(request)
    if principal.must_change_password:
        raise ApiError("password_change_required")
    return principal


def password_pending_principal(request: Request) -> Principal:
    """Like ``current_principal``, but also a user who must set a new password first."""
    return _authenticated(request)


def revoked_principal(request: Request) -> Principal:
    """The caller behind a revoked device's token (its last handover and the wipe confirmation only)."""
    token = _bearer(request)
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session, session.begin():
        session.connection(execution_options=READ_ONLY)
        return _noted(request, service.authenticate_revoked(session=session, token=token))


CurrentUser = Annotated[Principal, Depends(current_principal)]
PasswordPendingUser = Annotated[Principal, Depends(password_pending_principal)]
RevokedDevice = Annotated[Principal, Depends(revoked_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only the given roles through (403 ``forbidden`` otherwise)."""
    allowed = set(roles)

    def check(user: CurrentUser) -> Principal:
        if user.role not in allowed:
            raise ApiError("forbidden")
        return user

    return check
