"""Device tokens: issued at login, stored only as their sha256, renewed by use, ended by logout, revoked by a
beheerder.

A token is 256 random bits (``secrets.token_urlsafe(32)``); the server keeps only its sha256, so a copy of the
database holds no usable token. Every use renews it: the device's ``last_seen`` moves (at most once per
``touch_after``, so a busy tablet does not write on every request), and a token unused for ``idle`` expires. However
busy, a token expires ``max_age`` after it was issued; then only a new login helps (``token_expired``; the tablet
keeps its outbox and asks its user to log in again).

A token dies in three ways, each with its own 401 code, so an app knows what to do:
* ``session_ended``: logged out (``POST /auth/logout``), or the password was reset or changed elsewhere;
* ``account_disabled``: the user was disabled (every token of theirs ends at once, and login is refused);
* ``device_revoked``: a beheerder revoked the device (a lost tablet): the tablet hands over what it has not synced
  (``sync_server.sync.handover``) and wipes itself. A revoked token is good for nothing else.

A tablet's device is bound to its sync ``client_id``: sent at login, or taken from the first push or pull
(``bind_client``); a token used with another client id is refused (``client_id_mismatch``). A tablet that logs in
again (its token expired) keeps its device row, with a new token.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync_server.auth.models import Device, User
from sync_server.errors import ApiError

if TYPE_CHECKING:
    from sync_server.config import Settings


@dataclass(frozen=True)
class TokenPolicy:
    """How long a token lives: ``idle`` without use, ``max_age`` at most; ``touch_after`` throttles renewals."""

    idle: timedelta
    max_age: timedelta
    touch_after: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenPolicy:
        return cls(idle=timedelta(hours=settings.token_idle_hours),
                   max_age=timedelta(days=settings.token_max_age_days),
                   touch_after=timedelta(seconds=min(settings.token_touch_seconds,
                                                     settings.token_idle_hours * 3600 / 10)))


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def aware(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def issued_at(device: Device) -> datetime:
    return aware(device.token_issued_at or device.created_at)


def expires_at(device: Device, policy: TokenPolicy) -> datetime:
    """When the device's token expires if it is not used again."""
    used = aware(device.last_seen) if device.last_seen is not None else issued_at(device)
    return min(used + policy.idle, issued_at(device) + policy.max_age)


def refusal(device: Device, user: User, policy: TokenPolicy, at: datetime) -> str | None:
    """Why this token may not be used now (an error code), or None. Revocation is named first, also for an expired
    token: a lost tablet that comes back after weeks must still learn that it is to wipe itself."""
    if device.revoked_at is not None:
        return "device_revoked"
    if user.disabled_at is not None or device.end_reason == "user_disabled":
        return "account_disabled"
    if device.ended_at is not None:
        return "session_ended"
    if at >= expires_at(device, policy):
        return "token_expired"
    return None


def renew(device: Device, policy: TokenPolicy, at: datetime) -> None:
    """Slide the idle window: the token was just used (written at most once per ``touch_after``)."""
    if device.last_seen is None or aware(device.last_seen) < at - policy.touch_after:
        device.last_seen = at


def issue(*, session: Session, user: User, device_name: str, client_id: uuid.UUID | None) -> tuple[Device, str]:
    """A fresh token for ``user`` on a device: the tablet's own device row when it logs in again (same client id,
    same user), else a new one. A client id whose device was revoked is refused with ``device_revoked``: that
    tablet must wipe itself first (it then has a new client id)."""
    token, at = secrets.token_urlsafe(32), now()
    device = _device_of_client(session, user, client_id)
    if device is None:
        device = Device(user_id=user.id, name=device_name, created_at=at, client_id=client_id)
        session.add(device)
    device.name, device.token_hash, device.token_issued_at, device.last_seen = device_name, token_hash(token), at, at
    device.ended_at = device.end_reason = None
    session.flush()
    return device, token


def _device_of_client(session: Session, user: User, client_id: uuid.UUID | None) -> Device | None:
    if client_id is None:
        return None
    device = session.scalars(select(Device).where(Device.client_id == client_id)
                             .order_by(Device.created_at.desc())).first()
    if device is None or device.user_id != user.id:
        return None
    if device.revoked_at is not None:
        raise ApiError("device_revoked")
    return device


def end(*, device: Device, reason: str) -> None:
    """Kill one device's token (logout); the device row stays for the beheerder's list."""
    if device.ended_at is None:
        device.ended_at, device.end_reason = now(), reason


def end_all(*, session: Session, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None) -> int:
    """Kill every live token of a user (disabled, password reset or changed), except device ``keep``."""
    stmt = (update(Device).where(Device.user_id == user_id, Device.ended_at.is_(None), Device.revoked_at.is_(None))
            .values(ended_at=now(), end_reason=reason))
    if keep is not None:
        stmt = stmt.where(Device.id != keep)
    result = session.execute(stmt.execution_options(synchronize_session="fetch"))
    return int(getattr(result, "rowcount", 0) or 0)


def revoke(*, device: Device) -> None:
    """Revoke a device: its token dies at once, and the tablet wipes itself at its next contact."""
    if device.revoked_at is None:
        device.revoked_at = now()


def bind_client(*, session: Session, device_id: uuid.UUID, client_id: uuid.UUID) -> None:
    """Bind a device that logged in without a client id (an older app) to the client that first syncs with it."""
    session.execute(update(Device).where(Device.id == device_id, Device.client_id.is_(None))
                    .values(client_id=client_id).execution_options(synchronize_session=False))
