"""Users, passwords (argon2) and device tokens (only their sha256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import LoginResponse, UserRead
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
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_by_username(*, session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def create(*, session: Session, username: str, password: str, role: Role, display_name: str,
           team_id: uuid.UUID) -> User:
    """Create a user in a team; refuses a username that exists."""
    if get_by_username(session=session, username=username) is not None:
        raise ApiError("username_taken")
    user = User(username=username.strip().lower(), display_name=display_name, role=Role(role).value,
                team_id=team_id, password_hash=hash_password(password), created_at=now())
    session.add(user)
    session.flush()
    return user


def user_read(user: User) -> UserRead:
    return UserRead(id=user.id, username=user.username, display_name=user.display_name, role=user.role)


def login(*, session: Session, username: str, password: str, device_name: str) -> LoginResponse | None:
    """Check the password and register a new device with a fresh token; None when the login fails."""
    user = get_by_username(session=session, username=username)
    if user is None or user.disabled_at is not None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    token = secrets.token_urlsafe(32)
    device = Device(user_id=user.id, name=device_name, token_hash=token_hash(token), created_at=now(),
                    last_seen=now())
    session.add(device)
    session.flush()
    return LoginResponse(token=token, device_id=device.id, user=user_read(user))


def authenticate(*, session: Session, token: str, touch_after: timedelta) -> Principal:
    """Resolve a bearer token to its user, team and device (one query), refreshing ``last_seen`` now and then."""
    row = session.execute(select(Device, User, Team.organisation_id)
                          .join(User, User.id == Device.user_id).join(Team, Team.id == User.team_id)
                          .where(Device.token_hash == token_hash(token))).first()
    if row is None:
        raise ApiError("not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    device, user, organisation_id = row
    if device.revoked_at is not None:
        raise ApiError("device_revoked")
    if user.disabled_at is not None:
        raise ApiError("not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    seen = device.last_seen
    if seen is None or _aware(seen) < now() - touch_after:
        device.last_seen = now()
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     role=Role(user.role), device_id=device.id, team_id=user.team_id,
                     organisation_id=organisation_id)


def revoke_device(*, session: Session, device_id: object) -> None:
    """Revoke a device: its token stops working at once."""
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError("not_found")
    device.revoked_at = now()


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
