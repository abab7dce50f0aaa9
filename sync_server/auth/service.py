"""Users, passwords (argon2), login and token checks (tokens themselves: ``sync_server.auth.tokens``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.accounts import PASSWORD_MIN_LENGTH
from schemas.records import LoginResponse, UserRead
from sync_server.auth import tokens, usernames
from sync_server.auth.models import Device, User
from sync_server.auth.schemas import Principal, Role
from sync_server.errors import ApiError
from sync_server.tenancy.models import Team

_hasher = PasswordHasher()
# Verified against when the username does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return tokens.token_hash(token)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_by_username(*, session: Session, username: str) -> User | None:
    """The user with this name after the one normalisation (``auth.usernames``); None for a name that is none."""
    name = usernames.normalise(username)
    return None if name is None else session.scalar(select(User).where(User.username == name))


def create(*, session: Session, username: str, password: str, role: Role, display_name: str,
           team_id: uuid.UUID) -> User:
    """Create a user in a team; refuses a username that exists or cannot be one (``auth.usernames``)."""
    name = usernames.normalise(username)
    if name is None:
        raise ApiError("username_invalid")
    if get_by_username(session=session, username=name) is not None:
        raise ApiError("username_taken")
    user = User(username=name, display_name=display_name, role=Role(role).value,
                team_id=team_id, password_hash=hash_password(password), created_at=now())
    session.add(user)
    session.flush()
    return user


def user_read(user: User) -> UserRead:
    return UserRead(id=user.id, username=user.username, display_name=user.display_name, role=user.role)


def login(*, session: Session, username: str, password: str, device_name: str,
          client_id: uuid.UUID | None = None) -> LoginResponse | None:
    """Check the password and issue a token for this device (``tokens.issue``); None when the login fails. A disabled
    user is told so (``account_disabled``), but only after the right password: a wrong one never reveals it."""
    user = get_by_username(session=session, username=username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if user.disabled_at is not None:
        raise ApiError("account_disabled")
    device, token = tokens.issue(session=session, user=user, device_name=device_name, client_id=client_id)
    return LoginResponse(token=token, device_id=device.id, user=user_read(user),
                         must_change_password=user.must_change_password)


def authenticate(*, session: Session, token: str, policy: tokens.TokenPolicy) -> Principal:
    """Resolve a bearer token to its user, team and device (one query) and renew it (``tokens.renew``); 401 with
    the reason (``tokens.refusal``) when it is unknown, revoked, ended, disabled or expired."""
    row = _token_row(session, token)
    device, user, organisation_id = row
    code = tokens.refusal(device, user, policy, now())
    if code is not None:
        raise ApiError(code, headers={"WWW-Authenticate": "Bearer"})
    tokens.renew(device, policy, now())
    return _principal(device, user, organisation_id)


def authenticate_revoked(*, session: Session, token: str) -> Principal:
    """The caller behind a *revoked* device's token, for its handover and wipe confirmation only (expiry does not
    count: a lost tablet may come back after weeks); ``handover_refused`` for a token that is not revoked, and
    ``device_revoked`` once the device confirmed its wipe."""
    device, user, organisation_id = _token_row(session, token)
    if device.revoked_at is None:
        raise ApiError("handover_refused")
    if device.wiped_at is not None:
        raise ApiError("device_revoked", headers={"WWW-Authenticate": "Bearer"})
    return _principal(device, user, organisation_id)


def _token_row(session: Session, token: str) -> tuple[Device, User, uuid.UUID]:
    row = session.execute(select(Device, User, Team.organisation_id)
                          .join(User, User.id == Device.user_id).join(Team, Team.id == User.team_id)
                          .where(Device.token_hash == token_hash(token))).first()
    if row is None:
        raise ApiError("not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    device, user, organisation_id = row
    return device, user, organisation_id


def _principal(device: Device, user: User, organisation_id: uuid.UUID) -> Principal:
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     role=Role(user.role), device_id=device.id, team_id=user.team_id,
                     organisation_id=organisation_id, client_id=device.client_id,
                     must_change_password=user.must_change_password)


def logout(*, session: Session, user: Principal) -> None:
    """End the caller's token (the device row stays, for the beheerder's list)."""
    device = session.get(Device, user.device_id)
    if device is not None:
        tokens.end(device=device, reason="logout")


def change_password(*, session: Session, user: Principal, current: str, new: str) -> None:
    """Set a new password (also the way out of ``must_change_password``); every other token of the user ends."""
    found = session.get(User, user.user_id)
    if found is None or not verify_password(found.password_hash, current):
        raise ApiError("password_wrong")
    if len(new) < PASSWORD_MIN_LENGTH:
        raise ApiError("password_too_short")
    if new == current:
        raise ApiError("password_unchanged")
    found.password_hash, found.must_change_password = hash_password(new), False
    tokens.end_all(session=session, user_id=found.id, reason="password_changed", keep=user.device_id)


def revoke_device(*, session: Session, device_id: object) -> None:
    """Revoke a device: its token stops working at once, and the tablet wipes itself at its next contact."""
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError("not_found")
    tokens.revoke(device=device)
